import { Dataset } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { Tags } from '../tag.js';
import { newUid } from '../uid.js';
import { SOPClass } from '../uids.js';
import { getString } from '../values.js';
import { type CodeTriplet, dicomDateTime, newItem, put, putEmpty, putSeq } from './build.js';
import { LANGUAGE_CODES, SRCodes } from './codes.js';
import { copyPatientStudy, DEFAULT_EQUIPMENT, type EquipmentInfo, putEquipment } from './common.js';
import { type ContentNode, writeContentItem } from './content.js';

/** A numeric measurement of a group (TID 1419 row: NUM with a UCUM unit). */
export interface SrMeasurement {
  concept: CodeTriplet;
  value: number;
  unit: CodeTriplet;
  /** Where it was measured: a polyline in image coordinates (INFERRED FROM SCOORD, Comprehensive SR). */
  scoord?: { points: number[]; image: { sopClassUID: string; sopInstanceUID: string } };
}

/** A qualitative evaluation (TID 1419 CONTAINS CODE or TEXT), e.g. a Lung-RADS category. */
export interface SrQualitative {
  concept: CodeTriplet;
  value: CodeTriplet | string;
}

/** One DCM 125007 Measurement Group (TID 1411 volumetric ROI measurements). */
export interface SrMeasurementGroup {
  trackingId: string;
  trackingUid: string;
  finding: CodeTriplet;
  findingSite?: CodeTriplet;
  /** Laterality modifier of the finding site (SCT 24028007 Right / 7771000 Left) for side-neutral site codes. */
  findingSiteLaterality?: CodeTriplet;
  /** The segment of the SEG this group measures (DCM 121191 Referenced Segment). */
  referencedSegment?: { segmentNumber: number };
  measurements: SrMeasurement[];
  qualitative?: SrQualitative[];
}

/** The device that made the measurements (TID 1004 Device Observer Identifying Attributes). */
export interface SrObserver {
  deviceUid: string;
  name: string;
  manufacturer?: string;
  modelName?: string;
}

export interface Tid1500Input {
  /** Headers of the measured series (Patient/Study copied from the first; all become evidence). */
  sourceSlices: Dataset[];
  language?: 'zh-CN' | 'en';
  observer: SrObserver;
  procedureReported?: CodeTriplet;
  /** The SEG the groups reference, written in the same study. */
  segmentation?: { sopInstanceUID: string; seriesInstanceUID: string };
  groups: SrMeasurementGroup[];
  /** Extra codes from private schemes used (listed in Coding Scheme Identification). */
  privateSchemes?: Array<{ designator: string; name: string }>;
  seriesInstanceUID?: string;
  sopInstanceUID?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  equipment?: EquipmentInfo;
  now?: Date;
}

export interface Tid1500Output {
  dataset: Dataset;
  sopInstanceUID: string;
  seriesInstanceUID: string;
}

interface SourceRef {
  sopClassUID: string;
  sopInstanceUID: string;
  seriesInstanceUID: string;
}

function sourceRefs(slices: Dataset[]): SourceRef[] {
  return slices.map((ds) => {
    const sopClassUID = getString(ds, Tags.SOPClassUID);
    const sopInstanceUID = getString(ds, Tags.SOPInstanceUID);
    const seriesInstanceUID = getString(ds, Tags.SeriesInstanceUID);
    if (!sopClassUID || !sopInstanceUID || !seriesInstanceUID)
      throw new LingshuError(
        'DICOM_MISSING_ATTRIBUTE',
        'A source header lacks SOP Class, SOP Instance or Series Instance UID',
      );
    return { sopClassUID, sopInstanceUID, seriesInstanceUID };
  });
}

function groupNode(g: SrMeasurementGroup, input: Tid1500Input, sourceSeries: string): ContentNode {
  const children: ContentNode[] = [
    { relationship: 'HAS OBS CONTEXT', type: 'TEXT', concept: SRCodes.TrackingIdentifier, text: g.trackingId },
    { relationship: 'HAS OBS CONTEXT', type: 'UIDREF', concept: SRCodes.TrackingUniqueIdentifier, uid: g.trackingUid },
    { relationship: 'CONTAINS', type: 'CODE', concept: SRCodes.Finding, code: g.finding },
  ];
  if (g.referencedSegment && input.segmentation) {
    children.push(
      {
        relationship: 'CONTAINS',
        type: 'IMAGE',
        concept: SRCodes.ReferencedSegment,
        sopClassUID: SOPClass.SegmentationStorage,
        sopInstanceUID: input.segmentation.sopInstanceUID,
        segmentNumber: g.referencedSegment.segmentNumber,
      },
      { relationship: 'CONTAINS', type: 'UIDREF', concept: SRCodes.SourceSeriesForSegmentation, uid: sourceSeries },
    );
  }
  if (g.findingSite) {
    const laterality: ContentNode[] = g.findingSiteLaterality
      ? [{ relationship: 'HAS CONCEPT MOD', type: 'CODE', concept: SRCodes.Laterality, code: g.findingSiteLaterality }]
      : [];
    children.push({
      relationship: 'HAS CONCEPT MOD',
      type: 'CODE',
      concept: SRCodes.FindingSite,
      code: g.findingSite,
      children: laterality,
    });
  }
  for (const m of g.measurements) {
    const where: ContentNode[] = m.scoord
      ? [
          {
            relationship: 'INFERRED FROM',
            type: 'SCOORD',
            graphicType: 'POLYLINE',
            points: m.scoord.points,
            image: m.scoord.image,
          },
        ]
      : [];
    children.push({
      relationship: 'CONTAINS',
      type: 'NUM',
      concept: m.concept,
      value: m.value,
      unit: m.unit,
      children: where,
    });
  }
  for (const q of g.qualitative ?? []) {
    children.push(
      typeof q.value === 'string'
        ? { relationship: 'CONTAINS', type: 'TEXT', concept: q.concept, text: q.value }
        : { relationship: 'CONTAINS', type: 'CODE', concept: q.concept, code: q.value },
    );
  }
  return { relationship: 'CONTAINS', type: 'CONTAINER', concept: SRCodes.MeasurementGroup, children, template: '1411' };
}

function rootNode(input: Tid1500Input, refs: SourceRef[]): ContentNode {
  const o = input.observer;
  const observer: ContentNode[] = [
    { relationship: 'HAS OBS CONTEXT', type: 'CODE', concept: SRCodes.ObserverType, code: SRCodes.Device },
    { relationship: 'HAS OBS CONTEXT', type: 'UIDREF', concept: SRCodes.DeviceObserverUID, uid: o.deviceUid },
    { relationship: 'HAS OBS CONTEXT', type: 'TEXT', concept: SRCodes.DeviceObserverName, text: o.name },
  ];
  if (o.manufacturer)
    observer.push({
      relationship: 'HAS OBS CONTEXT',
      type: 'TEXT',
      concept: SRCodes.DeviceObserverManufacturer,
      text: o.manufacturer,
    });
  if (o.modelName)
    observer.push({
      relationship: 'HAS OBS CONTEXT',
      type: 'TEXT',
      concept: SRCodes.DeviceObserverModelName,
      text: o.modelName,
    });
  const library: ContentNode = {
    relationship: 'CONTAINS',
    type: 'CONTAINER',
    concept: SRCodes.ImageLibrary,
    children: [
      {
        relationship: 'CONTAINS',
        type: 'CONTAINER',
        concept: SRCodes.ImageLibraryGroup,
        children: refs.map(
          (r): ContentNode => ({
            relationship: 'CONTAINS',
            type: 'IMAGE',
            sopClassUID: r.sopClassUID,
            sopInstanceUID: r.sopInstanceUID,
          }),
        ),
      },
    ],
  };
  const sourceSeries = refs[0]?.seriesInstanceUID ?? '';
  return {
    relationship: 'CONTAINS',
    type: 'CONTAINER',
    concept: SRCodes.ImagingMeasurementReport,
    template: '1500',
    children: [
      {
        relationship: 'HAS CONCEPT MOD',
        type: 'CODE',
        concept: SRCodes.LanguageOfContent,
        code: LANGUAGE_CODES[input.language ?? 'en'],
      },
      ...observer,
      {
        relationship: 'HAS CONCEPT MOD',
        type: 'CODE',
        concept: SRCodes.ProcedureReported,
        code: input.procedureReported ?? SRCodes.ComputedTomography,
      },
      library,
      {
        relationship: 'CONTAINS',
        type: 'CONTAINER',
        concept: SRCodes.ImagingMeasurements,
        children: input.groups.map((g) => groupNode(g, input, sourceSeries)),
      },
    ],
  };
}

/** Hierarchical SOP Instance Reference Macro (PS3.3 Table C.17-3) for one study. */
function evidence(parent: Dataset, studyUid: string, refs: SourceRef[]): Dataset {
  const study = newItem(parent, { StudyInstanceUID: studyUid });
  const bySeries = new Map<string, SourceRef[]>();
  for (const r of refs) bySeries.set(r.seriesInstanceUID, [...(bySeries.get(r.seriesInstanceUID) ?? []), r]);
  const series = [...bySeries.entries()].map(([uid, list]) => {
    const s = newItem(study, { SeriesInstanceUID: uid });
    putSeq(
      s,
      'ReferencedSOPSequence',
      list.map((r) => newItem(s, { ReferencedSOPClassUID: r.sopClassUID, ReferencedSOPInstanceUID: r.sopInstanceUID })),
    );
    return s;
  });
  putSeq(study, 'ReferencedSeriesSequence', series);
  return study;
}

/**
 * Writes a DICOM SR Measurement Report (TID 1500) as Comprehensive SR
 * (1.2.840.10008.5.1.4.1.1.88.33): language, device observer, procedure reported, image
 * library, and one TID 1411 Measurement Group per finding with tracking identifiers, finding,
 * finding site, referenced SEG segment, measurements and qualitative evaluations.
 */
export function writeMeasurementReport(input: Tid1500Input): Tid1500Output {
  const first = input.sourceSlices[0];
  if (!first) throw new LingshuError('DICOM_MISSING_ATTRIBUTE', 'No source headers for the measurement report');
  const refs = sourceRefs(input.sourceSlices);
  const ds = new Dataset();
  put(ds, 'SpecificCharacterSet', 'ISO_IR 192');
  const sopInstanceUID = input.sopInstanceUID ?? newUid();
  const seriesInstanceUID = input.seriesInstanceUID ?? newUid();
  const { date, time } = dicomDateTime(input.now ?? new Date());
  put(ds, 'InstanceCreationDate', date);
  put(ds, 'InstanceCreationTime', time);
  put(ds, 'SOPClassUID', SOPClass.ComprehensiveSRStorage);
  put(ds, 'SOPInstanceUID', sopInstanceUID);
  put(ds, 'SeriesDate', date);
  put(ds, 'SeriesTime', time);
  put(ds, 'ContentDate', date);
  put(ds, 'ContentTime', time);
  put(ds, 'Modality', 'SR');
  put(ds, 'TimezoneOffsetFromUTC', '+0000');
  copyPatientStudy(ds, first);
  putEquipment(ds, input.equipment ?? DEFAULT_EQUIPMENT);
  if (input.seriesDescription) put(ds, 'SeriesDescription', input.seriesDescription);
  put(ds, 'SeriesInstanceUID', seriesInstanceUID);
  put(ds, 'SeriesNumber', input.seriesNumber ?? 9002);
  put(ds, 'InstanceNumber', 1);
  putEmpty(ds, 'ReferencedPerformedProcedureStepSequence');
  put(ds, 'CompletionFlag', 'COMPLETE');
  put(ds, 'VerificationFlag', 'UNVERIFIED');
  putEmpty(ds, 'PerformedProcedureCodeSequence');
  const schemes = input.privateSchemes ?? [];
  if (schemes.length > 0)
    putSeq(
      ds,
      'CodingSchemeIdentificationSequence',
      schemes.map((s) => newItem(ds, { CodingSchemeDesignator: s.designator, CodingSchemeName: s.name })),
    );

  const studyUid = getString(ds, Tags.StudyInstanceUID) ?? '';
  const evidenceRefs = [...refs];
  if (input.segmentation)
    evidenceRefs.push({
      sopClassUID: SOPClass.SegmentationStorage,
      sopInstanceUID: input.segmentation.sopInstanceUID,
      seriesInstanceUID: input.segmentation.seriesInstanceUID,
    });
  putSeq(ds, 'CurrentRequestedProcedureEvidenceSequence', [evidence(ds, studyUid, evidenceRefs)]);

  // The root content item's attributes live in the top-level dataset (PS3.3 C.17.3).
  const root = writeContentItem(ds, rootNode(input, refs), true);
  for (const el of root.elements.values()) {
    if (el.items) for (const it of el.items) it.parent = ds;
    ds.set(el);
  }
  return { dataset: ds, sopInstanceUID, seriesInstanceUID };
}
