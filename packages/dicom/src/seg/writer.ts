import { Dataset } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { type CodeTriplet, dicomDateTime, newItem, put, putCode, putEmpty, putSeq, tagOf } from '../sr/build.js';
import { copyPatientStudy, DEFAULT_EQUIPMENT, type EquipmentInfo, putEquipment } from '../sr/common.js';
import { Tags } from '../tag.js';
import { newUid } from '../uid.js';
import { SOPClass } from '../uids.js';
import { getNumbers, getString } from '../values.js';
import { type LabelFrame, packBitFrames, packLabelFrames } from './pack.js';

/** One segment of a binary SEG (PS3.3 C.8.20.4 Segment Description Macro). */
export interface SegSegment {
  /** Label value in the label map and the Segment Number (1-based). */
  number: number;
  label: string;
  /** Segmented Property Category (e.g. SCT 91723000 Anatomical structure, SCT 49755003 Morphologically abnormal structure). */
  category: CodeTriplet;
  /** Segmented Property Type (e.g. SCT 39607008 Lung, SCT 27925004 Nodule). */
  type: CodeTriplet;
  /** Anatomic region, when the type is not itself anatomy (e.g. SCT 39607008 Lung for a nodule). */
  anatomicRegion?: CodeTriplet;
  /** Default `AUTOMATIC`. */
  algorithmType?: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
  algorithmName?: string;
  /** Recommended display colour, CIELab scaled to 0..65535 (PS3.3 C.10.7.1.1). */
  cielab?: [number, number, number];
}

export interface SegInput {
  /**
   * Source slice headers in label-map slice order: `labels[k * rows * columns + j * columns + i]`
   * belongs to `sourceSlices[k]` (row j, column i). Pixel data is not needed.
   */
  sourceSlices: Dataset[];
  /** One label value per source pixel (0 = background). */
  labels: Uint8Array;
  segments: SegSegment[];
  seriesInstanceUID?: string;
  sopInstanceUID?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  contentLabel?: string;
  equipment?: EquipmentInfo;
  now?: Date;
}

export interface SegOutput {
  dataset: Dataset;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  /** Frames per segment number (only non-empty slices are written). */
  framesPerSegment: Map<number, number>;
}

/** DCM 113076 Segmentation; DCM 121322 Source image for image processing operation (PS3.16). */
const DERIVATION_SEGMENTATION: CodeTriplet = { value: '113076', scheme: 'DCM', meaning: 'Segmentation' };
const PURPOSE_SOURCE: CodeTriplet = {
  value: '121322',
  scheme: 'DCM',
  meaning: 'Source image for image processing operation',
};

interface SourceSlice {
  sopClassUID: string;
  sopInstanceUID: string;
  position: number[];
}

function readSlices(slices: Dataset[]): SourceSlice[] {
  return slices.map((ds) => {
    const sopClassUID = getString(ds, Tags.SOPClassUID);
    const sopInstanceUID = getString(ds, Tags.SOPInstanceUID);
    const position = getNumbers(ds, Tags.ImagePositionPatient);
    if (!sopClassUID || !sopInstanceUID || position.length !== 3)
      throw new LingshuError(
        'DICOM_MISSING_ATTRIBUTE',
        'A source slice lacks SOP Class/Instance UID or Image Position (Patient)',
      );
    return { sopClassUID, sopInstanceUID, position };
  });
}

function putSegments(ds: Dataset, segments: SegSegment[]): void {
  const items = segments.map((s) => {
    const item = newItem(ds, {
      SegmentNumber: s.number,
      SegmentLabel: s.label,
      SegmentAlgorithmType: s.algorithmType ?? 'AUTOMATIC',
    });
    if ((s.algorithmType ?? 'AUTOMATIC') !== 'MANUAL') put(item, 'SegmentAlgorithmName', s.algorithmName ?? 'Lingshu');
    putCode(item, 'SegmentedPropertyCategoryCodeSequence', s.category);
    putCode(item, 'SegmentedPropertyTypeCodeSequence', s.type);
    if (s.anatomicRegion) putCode(item, 'AnatomicRegionSequence', s.anatomicRegion);
    if (s.cielab) put(item, 'RecommendedDisplayCIELabValue', s.cielab);
    return item;
  });
  putSeq(ds, 'SegmentSequence', items);
}

function putDimensions(ds: Dataset): string {
  const orgUid = newUid();
  putSeq(ds, 'DimensionOrganizationSequence', [newItem(ds, { DimensionOrganizationUID: orgUid })]);
  putSeq(ds, 'DimensionIndexSequence', [
    newItem(ds, {
      DimensionOrganizationUID: orgUid,
      DimensionIndexPointer: tagOf('ReferencedSegmentNumber'),
      FunctionalGroupPointer: tagOf('SegmentIdentificationSequence'),
      DimensionDescriptionLabel: 'Segment Number',
    }),
    newItem(ds, {
      DimensionOrganizationUID: orgUid,
      DimensionIndexPointer: tagOf('ImagePositionPatient'),
      FunctionalGroupPointer: tagOf('PlanePositionSequence'),
      DimensionDescriptionLabel: 'Image Position (Patient)',
    }),
  ]);
  return orgUid;
}

function putSharedGroups(ds: Dataset, first: Dataset): void {
  const shared = newItem(ds);
  const orientation = getNumbers(first, Tags.ImageOrientationPatient);
  const spacing = getNumbers(first, Tags.PixelSpacing);
  if (orientation.length !== 6 || spacing.length !== 2)
    throw new LingshuError('DICOM_MISSING_ATTRIBUTE', 'The source lacks Image Orientation (Patient) or Pixel Spacing');
  putSeq(shared, 'PlaneOrientationSequence', [newItem(shared, { ImageOrientationPatient: orientation })]);
  const measures = newItem(shared, { PixelSpacing: spacing });
  const thickness = getNumbers(first, Tags.SliceThickness)[0];
  if (thickness !== undefined) put(measures, 'SliceThickness', thickness);
  putSeq(shared, 'PixelMeasuresSequence', [measures]);
  putSeq(ds, 'SharedFunctionalGroupsSequence', [shared]);
}

function frameItem(ds: Dataset, src: SourceSlice, segment: number, sliceIndex: number): Dataset {
  const f = newItem(ds);
  const derivation = newItem(f);
  const source = newItem(derivation, {
    ReferencedSOPClassUID: src.sopClassUID,
    ReferencedSOPInstanceUID: src.sopInstanceUID,
  });
  putCode(source, 'PurposeOfReferenceCodeSequence', PURPOSE_SOURCE);
  putSeq(derivation, 'SourceImageSequence', [source]);
  putCode(derivation, 'DerivationCodeSequence', DERIVATION_SEGMENTATION);
  putSeq(f, 'DerivationImageSequence', [derivation]);
  putSeq(f, 'FrameContentSequence', [newItem(f, { DimensionIndexValues: [segment, sliceIndex + 1] })]);
  putSeq(f, 'PlanePositionSequence', [newItem(f, { ImagePositionPatient: src.position })]);
  putSeq(f, 'SegmentIdentificationSequence', [newItem(f, { ReferencedSegmentNumber: segment })]);
  return f;
}

/**
 * Writes a binary DICOM Segmentation (1.2.840.10008.5.1.4.1.1.66.4; PS3.3 A.51) for a label map
 * on the source grid: one segment per label, one frame per (segment, non-empty slice), 1-bit
 * frames, Segment Number and Image Position as the dimensions.
 */
export function writeSegmentation(input: SegInput): SegOutput {
  const first = input.sourceSlices[0];
  if (!first) throw new LingshuError('DICOM_MISSING_ATTRIBUTE', 'No source slices for the segmentation');
  const rows = getNumbers(first, Tags.Rows)[0] ?? 0;
  const columns = getNumbers(first, Tags.Columns)[0] ?? 0;
  const plane = rows * columns;
  const slices = readSlices(input.sourceSlices);
  if (plane === 0 || input.labels.length !== plane * slices.length)
    throw new LingshuError('DICOM_BAD_VALUE', 'The label map does not match the source grid');
  const numbers = new Set(input.segments.map((s) => s.number));
  if (numbers.size !== input.segments.length || [...numbers].some((n) => n < 1 || n > 255 || !Number.isInteger(n)))
    throw new LingshuError('DICOM_BAD_VALUE', 'Segment numbers must be unique integers 1..255');
  const frameOfReference = getString(first, Tags.FrameOfReferenceUID);
  if (!frameOfReference) throw new LingshuError('DICOM_MISSING_ATTRIBUTE', 'The source has no Frame of Reference UID');

  const ds = new Dataset();
  put(ds, 'SpecificCharacterSet', 'ISO_IR 192');
  const sopInstanceUID = input.sopInstanceUID ?? newUid();
  const seriesInstanceUID = input.seriesInstanceUID ?? newUid();
  const { date, time } = dicomDateTime(input.now ?? new Date());
  put(ds, 'ImageType', ['DERIVED', 'PRIMARY']);
  put(ds, 'InstanceCreationDate', date);
  put(ds, 'InstanceCreationTime', time);
  put(ds, 'SOPClassUID', SOPClass.SegmentationStorage);
  put(ds, 'SOPInstanceUID', sopInstanceUID);
  put(ds, 'SeriesDate', date);
  put(ds, 'SeriesTime', time);
  put(ds, 'ContentDate', date);
  put(ds, 'ContentTime', time);
  put(ds, 'Modality', 'SEG');
  put(ds, 'TimezoneOffsetFromUTC', '+0000');
  copyPatientStudy(ds, first);
  putEquipment(ds, input.equipment ?? DEFAULT_EQUIPMENT);
  if (input.seriesDescription) put(ds, 'SeriesDescription', input.seriesDescription);
  put(ds, 'SeriesInstanceUID', seriesInstanceUID);
  put(ds, 'SeriesNumber', input.seriesNumber ?? 9001);
  put(ds, 'InstanceNumber', 1);
  put(ds, 'FrameOfReferenceUID', frameOfReference);
  putEmpty(ds, 'PositionReferenceIndicator');
  put(ds, 'ContentLabel', input.contentLabel ?? 'SEGMENTATION');
  put(ds, 'ContentDescription', 'Lingshu AI segmentation');
  putEmpty(ds, 'ContentCreatorName');
  put(ds, 'SamplesPerPixel', 1);
  put(ds, 'PhotometricInterpretation', 'MONOCHROME2');
  put(ds, 'Rows', rows);
  put(ds, 'Columns', columns);
  put(ds, 'BitsAllocated', 1);
  put(ds, 'BitsStored', 1);
  put(ds, 'HighBit', 0);
  put(ds, 'PixelRepresentation', 0);
  put(ds, 'LossyImageCompression', '00');
  put(ds, 'SegmentationType', 'BINARY');
  putSegments(ds, input.segments);
  putDimensions(ds);
  putSharedGroups(ds, first);

  // Frames ordered by segment, then slice; empty slices of a segment are left out. One pass over
  // the label map finds the labels present in each slice; the bits are packed from it directly.
  const present = new Uint8Array(256 * slices.length);
  for (let k = 0, p = 0; k < slices.length; k++) {
    const row = 256 * k;
    for (const end = p + plane; p < end; p++) present[row + input.labels[p]!] = 1;
  }
  const frames: LabelFrame[] = [];
  const perFrame: Dataset[] = [];
  const framesPerSegment = new Map<number, number>();
  for (const seg of [...input.segments].sort((a, b) => a.number - b.number)) {
    let count = 0;
    slices.forEach((src, k) => {
      if (present[256 * k + seg.number] === 0) return;
      frames.push({ slice: k, value: seg.number });
      perFrame.push(frameItem(ds, src, seg.number, k));
      count++;
    });
    framesPerSegment.set(seg.number, count);
  }
  let pixelData: Uint8Array;
  const firstSegment = input.segments[0];
  const firstSlice = slices[0];
  if (frames.length === 0 && firstSegment && firstSlice) {
    // A SEG needs at least one frame: an empty frame of the first segment says "nothing found".
    pixelData = packBitFrames([new Uint8Array(plane)], plane);
    perFrame.push(frameItem(ds, firstSlice, firstSegment.number, 0));
    framesPerSegment.set(firstSegment.number, 1);
  } else pixelData = packLabelFrames(input.labels, plane, frames);
  putSeq(ds, 'PerFrameFunctionalGroupsSequence', perFrame);
  put(ds, 'NumberOfFrames', perFrame.length);

  const seriesUid = getString(first, Tags.SeriesInstanceUID);
  if (seriesUid) {
    const series = newItem(ds, { SeriesInstanceUID: seriesUid });
    putSeq(
      series,
      'ReferencedInstanceSequence',
      slices.map((s) =>
        newItem(series, { ReferencedSOPClassUID: s.sopClassUID, ReferencedSOPInstanceUID: s.sopInstanceUID }),
      ),
    );
    putSeq(ds, 'ReferencedSeriesSequence', [series]);
  }
  ds.set({ tag: Tags.PixelData, vr: 'OB', bytes: pixelData });
  return { dataset: ds, sopInstanceUID, seriesInstanceUID, framesPerSegment };
}
