import {
  type Dataset,
  getString,
  type SrMeasurementGroup,
  type SrQualitative,
  Tags,
  type Tid1500Output,
  uidFromName,
  writeMeasurementReport,
} from '@lingshu/dicom';
import type { AnalysisResult, Finding, Measurement } from '../contract.js';
import {
  categoryConcept,
  LINGSHU_SCHEME,
  type LungSite,
  LungSiteCodes,
  measurementConcept,
  RecommendationConcept,
  unitCode,
} from './codes.js';
import { findHeader, worldToImagePoints } from './imagePoints.js';

export interface SrExportOptions {
  language?: 'zh-CN' | 'en';
  /** The SEG written for the same result (from analysisToSeg), so groups can reference segments. */
  segmentation?: { sopInstanceUID: string; seriesInstanceUID: string };
  seriesNumber?: number;
  /** Fixed UIDs (e.g. derived from the result key, so a re-run writes the same object). */
  sopInstanceUID?: string;
  seriesInstanceUID?: string;
  now?: Date;
}

function site(attributes: Finding['attributes']): LungSite | undefined {
  const lobe = attributes.lobe;
  if (typeof lobe === 'string' && LungSiteCodes[lobe.toUpperCase()]) return LungSiteCodes[lobe.toUpperCase()];
  const side = attributes.side;
  if (typeof side === 'string') return LungSiteCodes[side];
  return undefined;
}

function siteFields(s: LungSite | undefined): Pick<SrMeasurementGroup, 'findingSite' | 'findingSiteLaterality'> {
  if (!s) return {};
  return s.laterality ? { findingSite: s.site, findingSiteLaterality: s.laterality } : { findingSite: s.site };
}

function srMeasurements(list: readonly Measurement[], axes?: Axes): SrMeasurementGroup['measurements'] {
  return list
    .filter((m) => Number.isFinite(m.value))
    .map((m) => {
      const scoord = m.key === 'longAxisMm' ? axes?.long : m.key === 'shortAxisMm' ? axes?.short : undefined;
      return {
        concept: measurementConcept(m.key, m.code),
        value: m.value,
        unit: unitCode(m.unit),
        ...(scoord ? { scoord } : {}),
      };
    });
}

type Scoord = NonNullable<SrMeasurementGroup['measurements'][number]['scoord']>;
interface Axes {
  long?: Scoord;
  short?: Scoord;
}

/** Long/short axis end points as polylines on the slice they were measured on. */
function axesOf(f: Finding, headers: readonly Dataset[]): Axes | undefined {
  const g = f.geometry;
  const ref = g?.referencedSopInstanceUID ? findHeader(headers, g.referencedSopInstanceUID) : undefined;
  if (!g || !ref) return undefined;
  const image = { sopClassUID: ref.sopClassUID, sopInstanceUID: g.referencedSopInstanceUID as string };
  const long = g.longAxisWorld ? worldToImagePoints(ref.header, g.longAxisWorld) : undefined;
  const short = g.shortAxisWorld ? worldToImagePoints(ref.header, g.shortAxisWorld) : undefined;
  return { ...(long ? { long: { points: long, image } } : {}), ...(short ? { short: { points: short, image } } : {}) };
}

function findingGroup(
  f: Finding,
  index: number,
  language: 'zh-CN' | 'en',
  withSeg: boolean,
  headers: readonly Dataset[],
): SrMeasurementGroup {
  const qualitative: SrQualitative[] = [];
  for (const c of f.categories) {
    qualitative.push({ concept: categoryConcept(c.system), value: c.value || '-' });
    if (c.text) qualitative.push({ concept: RecommendationConcept, value: c.text[language] });
  }
  return {
    trackingId: `${f.type} ${index + 1}`.slice(0, 64),
    trackingUid: f.trackingUid,
    finding: f.code,
    ...siteFields(site(f.attributes)),
    ...(withSeg && f.segmentNumber !== undefined ? { referencedSegment: { segmentNumber: f.segmentNumber } } : {}),
    measurements: srMeasurements(f.measurements, axesOf(f, headers)),
    qualitative,
  };
}

const LUNG = { value: '39607008', scheme: 'SCT', meaning: 'Lung' };

/** Study-level figures, one group per region (whole, right, left, …). */
function regionGroups(result: AnalysisResult): SrMeasurementGroup[] {
  const byRegion = new Map<string, Measurement[]>();
  for (const m of result.measurements) {
    const r = m.region ?? 'whole';
    byRegion.set(r, [...(byRegion.get(r) ?? []), m]);
  }
  const p = result.provenance;
  return [...byRegion.entries()].map(([region, list]) => {
    return {
      trackingId: `lung ${region}`.slice(0, 64),
      // Derived from the study, analyzer and region so reports of the same study track alike.
      trackingUid: uidFromName(`${p.studyInstanceUID}/${p.analyzerId}/${region}`),
      finding: LUNG,
      ...siteFields(LungSiteCodes[region]),
      measurements: srMeasurements(list),
    };
  });
}

/**
 * The result as a DICOM SR Measurement Report (TID 1500, Comprehensive SR): one Measurement
 * Group per finding (tracking UID from the finding, finding site from its lobe or side,
 * measurements with UCUM units, guideline categories as qualitative evaluations) and one per
 * region of the study-level measurements.
 */
export function analysisToSr(
  result: AnalysisResult,
  sourceHeaders: readonly Dataset[],
  options: SrExportOptions = {},
): Tid1500Output {
  const language = options.language ?? 'en';
  const p = result.provenance;
  const inputs = new Set(p.inputSopInstanceUIDs);
  const used = sourceHeaders.filter((h) => inputs.size === 0 || inputs.has(getString(h, Tags.SOPInstanceUID) ?? ''));
  const groups = [
    ...result.findings.map((f, i) => findingGroup(f, i, language, options.segmentation !== undefined, sourceHeaders)),
    ...regionGroups(result),
  ];
  return writeMeasurementReport({
    sourceSlices: used.length > 0 ? used : [...sourceHeaders],
    language,
    observer: {
      deviceUid: uidFromName(`lingshu/analyzer/${p.analyzerId}/${p.analyzerVersion}`),
      name: p.analyzerId,
      manufacturer: 'Lingshu',
      modelName: `${p.analyzerId} ${p.analyzerVersion}`,
    },
    ...(options.segmentation ? { segmentation: options.segmentation } : {}),
    privateSchemes: [LINGSHU_SCHEME],
    groups,
    seriesDescription: `AI measurements (${p.analyzerId})`,
    seriesNumber: options.seriesNumber ?? 9002,
    ...(options.sopInstanceUID ? { sopInstanceUID: options.sopInstanceUID } : {}),
    ...(options.seriesInstanceUID ? { seriesInstanceUID: options.seriesInstanceUID } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
