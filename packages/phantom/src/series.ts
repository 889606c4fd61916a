import { createHash } from 'node:crypto';
import {
  Dataset,
  encodeFrame,
  isEncapsulatedTransferSyntax,
  LingshuError,
  SOPClass,
  setNumbers,
  setString,
  setStrings,
  Tags,
  TransferSyntax,
  uidFromName,
  writeDicom,
} from '@lingshu/dicom';
import { HU_MIN, SliceRenderer, sliceGeometry } from './image/render.js';
import type { PhantomModel } from './model.js';
import { buildPhantom } from './phantom.js';
import { deriveSeed } from './random.js';
import type { StudySpec } from './spec.js';
import { buildTruth, type StudyTruth } from './truth/build.js';
import { VENDOR_STYLES } from './vendors.js';

/** Encodes one frame for an encapsulated transfer syntax (e.g. the dicom package's encoders). */
export type FrameEncoder = (
  pixels: Uint16Array | Int16Array,
  description: { rows: number; columns: number; bitsAllocated: 16; bitsStored: number; pixelRepresentation: 0 | 1 },
  transferSyntaxUID: string,
) => Promise<Uint8Array> | Uint8Array;

export interface GenerateOptions {
  /** Overrides the built-in encoder (`@lingshu/dicom` encodeFrame) for encapsulated syntaxes. */
  encodeFrame?: FrameEncoder;
}

/** Transfer syntaxes the generator writes out of the box (the encapsulated ones all lossless). */
export const PHANTOM_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.RLELossless,
  TransferSyntax.JPEGLSLossless,
  TransferSyntax.JPEG2000Lossless,
  TransferSyntax.HTJ2KLossless,
];

const builtInEncoder: FrameEncoder = (pixels, description, transferSyntaxUID) =>
  encodeFrame(pixels, { ...description, samplesPerPixel: 1 }, transferSyntaxUID);

export interface GeneratedInstance {
  /** Relative path: '<series folder>/IM000001.dcm'. */
  path: string;
  bytes: Uint8Array;
  index: number;
  count: number;
}

const T = {
  ...Tags,
  InstanceCreationDate: 0x00080012,
  InstanceCreationTime: 0x00080013,
  SoftwareVersions: 0x00181020,
  DeviceSerialNumber: 0x00181000,
  DataCollectionDiameter: 0x00180090,
  ReconstructionDiameter: 0x00181100,
  XRayTubeCurrent: 0x00181151,
  Exposure: 0x00181152,
  PositionReferenceIndicator: 0x00201040,
  BurnedInAnnotation: 0x00280301,
  WindowCenterWidthExplanation: 0x00281055,
} as const;

/** Deterministic UIDs: 2.25 form from a hash of the study seed and the role. */
export function studyUid(spec: StudySpec, role: string): string {
  return uidFromName(`lingshu-phantom:${spec.seed}:${spec.name}:${role}`);
}

function seriesFolder(spec: StudySpec): string {
  return `${String(spec.series.seriesNumber ?? 2).padStart(3, '0')}_${spec.phantom.kind === 'chest' ? 'CHEST' : 'HEAD'}`;
}

function headerTemplate(spec: StudySpec): Dataset {
  const ds = new Dataset();
  const s = spec.series;
  const vendor = VENDOR_STYLES[s.vendor];
  const chest = spec.phantom.kind === 'chest';
  setString(ds, T.SpecificCharacterSet, 'CS', s.characterSet ?? 'ISO_IR 192');
  const time = spec.studyTime ?? '093000';
  setStrings(ds, T.ImageType, 'CS', ['ORIGINAL', 'PRIMARY', 'AXIAL']);
  setString(ds, T.InstanceCreationDate, 'DA', spec.studyDate);
  setString(ds, T.InstanceCreationTime, 'TM', time);
  setString(ds, T.SOPClassUID, 'UI', SOPClass.CTImageStorage);
  for (const t of [T.StudyDate, T.SeriesDate, T.AcquisitionDate, T.ContentDate]) setString(ds, t, 'DA', spec.studyDate);
  for (const t of [T.StudyTime, T.SeriesTime, T.AcquisitionTime, T.ContentTime]) setString(ds, t, 'TM', time);
  setString(ds, T.AccessionNumber, 'SH', spec.accessionNumber ?? `A${spec.seed}`);
  setString(ds, T.Modality, 'CS', 'CT');
  setString(ds, T.Manufacturer, 'LO', vendor.manufacturer);
  setString(ds, T.InstitutionName, 'LO', spec.institutionName ?? 'Lingshu Phantom Hospital');
  setString(ds, T.ReferringPhysicianName, 'PN', spec.referringPhysicianName ?? '');
  setString(ds, T.StationName, 'SH', vendor.stationName);
  setString(ds, T.StudyDescription, 'LO', spec.studyDescription ?? (chest ? 'CT CHEST' : 'CT HEAD'));
  setString(
    ds,
    T.SeriesDescription,
    'LO',
    s.seriesDescription ?? `${chest ? 'Chest' : 'Head'} ${s.sliceThicknessMm}mm`,
  );
  setString(ds, T.ManufacturerModelName, 'LO', vendor.modelName);
  setString(ds, T.PatientName, 'PN', spec.patient.name);
  setString(ds, T.PatientID, 'LO', spec.patient.id);
  setString(ds, T.PatientBirthDate, 'DA', spec.patient.birthDate);
  setString(ds, T.PatientSex, 'CS', spec.patient.sex);
  setString(ds, T.BodyPartExamined, 'CS', chest ? 'CHEST' : 'HEAD');
  setNumbers(ds, T.SliceThickness, 'DS', [s.sliceThicknessMm]);
  setNumbers(ds, T.KVP, 'DS', [120]);
  setNumbers(ds, T.DataCollectionDiameter, 'DS', [500]);
  setString(ds, T.DeviceSerialNumber, 'LO', `PH${deriveSeed(spec.seed, 'device') % 100000}`);
  setString(ds, T.SoftwareVersions, 'LO', vendor.softwareVersions);
  setNumbers(ds, T.ReconstructionDiameter, 'DS', [s.fieldOfViewMm]);
  setNumbers(ds, T.XRayTubeCurrent, 'IS', [s.dose === 'low' ? 40 : 200]);
  setNumbers(ds, T.Exposure, 'IS', [s.dose === 'low' ? 20 : 100]);
  setString(ds, T.ConvolutionKernel, 'SH', vendor.kernels[s.kernel]);
  setString(ds, T.PatientPosition, 'CS', 'HFS');
  setString(ds, T.StudyInstanceUID, 'UI', studyUid(spec, 'study'));
  setString(ds, T.SeriesInstanceUID, 'UI', studyUid(spec, `series:${s.seriesNumber ?? 2}`));
  setString(ds, T.StudyID, 'SH', String(deriveSeed(spec.seed, 'study-id') % 100000));
  setNumbers(ds, T.SeriesNumber, 'IS', [s.seriesNumber ?? 2]);
  setNumbers(ds, T.AcquisitionNumber, 'IS', [1]);
  setNumbers(ds, T.ImageOrientationPatient, 'DS', [1, 0, 0, 0, 1, 0]);
  setString(ds, T.FrameOfReferenceUID, 'UI', studyUid(spec, 'frame-of-reference'));
  setString(ds, T.PositionReferenceIndicator, 'LO', '');
  setNumbers(ds, T.SamplesPerPixel, 'US', [1]);
  setString(ds, T.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, T.Rows, 'US', [s.matrix]);
  setNumbers(ds, T.Columns, 'US', [s.matrix]);
  const pixel = s.fieldOfViewMm / s.matrix;
  setNumbers(ds, T.PixelSpacing, 'DS', [pixel, pixel]);
  const signed = s.pixelRepresentation === 'signed';
  setNumbers(ds, T.BitsAllocated, 'US', [16]);
  setNumbers(ds, T.BitsStored, 'US', [signed ? 16 : 12]);
  setNumbers(ds, T.HighBit, 'US', [signed ? 15 : 11]);
  setNumbers(ds, T.PixelRepresentation, 'US', [signed ? 1 : 0]);
  setString(ds, T.BurnedInAnnotation, 'CS', 'NO');
  const lungWindow = s.kernel === 'lung' || s.kernel === 'sharp';
  const [center, width] = chest ? (lungWindow ? [-600, 1500] : [40, 400]) : [40, 80];
  setNumbers(ds, T.WindowCenter, 'DS', [center]);
  setNumbers(ds, T.WindowWidth, 'DS', [width]);
  setString(ds, T.WindowCenterWidthExplanation, 'LO', chest ? (lungWindow ? 'LUNG' : 'MEDIASTINUM') : 'BRAIN');
  setNumbers(ds, T.RescaleIntercept, 'DS', [-1024]);
  setNumbers(ds, T.RescaleSlope, 'DS', [1]);
  setString(ds, T.RescaleType, 'LO', 'HU');
  return ds;
}

/**
 * Streams the CT series of a study slice by slice (only one slice's pixels in memory at a time).
 * Same spec → identical bytes.
 */
export async function* generateSeries(
  spec: StudySpec,
  options: GenerateOptions = {},
  model: PhantomModel = buildPhantom(spec),
): AsyncGenerator<GeneratedInstance> {
  const s = spec.series;
  const ts = s.transferSyntaxUID ?? TransferSyntax.ExplicitVRLittleEndian;
  const encapsulated = isEncapsulatedTransferSyntax(ts);
  if (!options.encodeFrame && !PHANTOM_TRANSFER_SYNTAXES.includes(ts)) {
    throw new LingshuError(
      'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
      'The phantom cannot write this transfer syntax without a frame encoder',
      { details: { transferSyntaxUID: ts } },
    );
  }
  const encoder = options.encodeFrame ?? builtInEncoder;
  const geometry = sliceGeometry(model, s);
  const renderer = new SliceRenderer(model, geometry, s, deriveSeed(spec.seed, `noise:${s.seriesNumber ?? 2}`));
  const template = headerTemplate(spec);
  // Lossless compression only: the pixels stay exactly as reconstructed.
  if (encapsulated) setString(template, T.LossyImageCompression, 'CS', '00');
  const folder = seriesFolder(spec);
  const signed = s.pixelRepresentation === 'signed';
  const count = geometry.z.length;
  for (let k = 0; k < count; k++) {
    const hu = renderer.render(k);
    const stored = signed ? new Int16Array(hu.length) : new Uint16Array(hu.length);
    for (let i = 0; i < hu.length; i++) stored[i] = hu[i]! - HU_MIN;
    const ds = new Dataset();
    for (const el of template.elements.values()) ds.set(el);
    const z = geometry.z[k]!;
    setString(ds, T.SOPInstanceUID, 'UI', studyUid(spec, `instance:${s.seriesNumber ?? 2}:${k + 1}`));
    setNumbers(ds, T.InstanceNumber, 'IS', [k + 1]);
    setNumbers(ds, T.ImagePositionPatient, 'DS', [geometry.grid.originX, geometry.grid.originY, z]);
    setNumbers(ds, T.SliceLocation, 'DS', [z]);
    const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
    if (encapsulated) {
      const frame = await encoder(
        stored,
        {
          rows: s.matrix,
          columns: s.matrix,
          bitsAllocated: 16,
          bitsStored: signed ? 16 : 12,
          pixelRepresentation: signed ? 1 : 0,
        },
        ts,
      );
      // One fragment per frame; a single frame needs no offsets, so the Basic Offset Table is empty.
      ds.set({ tag: T.PixelData, vr: 'OB', offsetTable: new Uint8Array(0), fragments: [frame] });
    } else {
      ds.set({ tag: T.PixelData, vr: 'OW', bytes });
    }
    yield {
      path: `${folder}/IM${String(k + 1).padStart(6, '0')}.dcm`,
      bytes: writeDicom({ dataset: ds, transferSyntaxUID: ts }),
      index: k,
      count,
    };
  }
}

/** Generates a whole study in memory (small matrices; use generateSeries/writeStudyToDir for large ones). */
export async function generateStudy(
  spec: StudySpec,
  options: GenerateOptions = {},
): Promise<{ files: Array<{ path: string; bytes: Uint8Array }>; truth: StudyTruth }> {
  const model = buildPhantom(spec);
  const files: Array<{ path: string; bytes: Uint8Array }> = [];
  for await (const instance of generateSeries(spec, options, model))
    files.push({ path: instance.path, bytes: instance.bytes });
  return { files, truth: buildTruth(spec, model) };
}

/** SHA-256 over the files in order (for determinism checks). */
export function hashFiles(files: ReadonlyArray<{ path: string; bytes: Uint8Array }>): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.path).update(f.bytes);
  return h.digest('hex');
}
