import { getNumber, getNumbers, getString, getStrings, Tags, tag } from '@lingshu/dicom';
import type { SeriesInput } from './contract.js';

/** (0018,0010) Contrast/Bolus Agent and (0018,1030) Protocol Name (not in the Tags table). */
const ContrastBolusAgent = tag(0x0018, 0x0010);
const ProtocolName = tag(0x0018, 0x1030);

/** What a series' headers say about it, read once (no pixel data). */
export interface SeriesFacts {
  seriesInstanceUID: string;
  modality: string;
  /** Upper case BodyPartExamined, Series Description, Protocol Name and Study Description. */
  bodyPart: string;
  description: string;
  convolutionKernel: string;
  imageType: string[];
  /** Slices with pixel data and geometry (localizers excluded). */
  sliceCount: number;
  /** Slice thickness (mm): SliceThickness, else the median IPP step. */
  sliceThicknessMm: number | undefined;
  /** Median distance between neighbouring slice positions along the slice normal (mm). */
  sliceSpacingMm: number | undefined;
  /** Cranio-caudal extent of the slice centres plus one slice thickness (mm). */
  coverageMm: number;
  /** 'axial' when the slice normal is within 10° of the body axis. */
  orientation: 'axial' | 'coronal' | 'sagittal' | 'oblique' | 'unknown';
  /** Contrast/Bolus Agent present (contrast-enhanced acquisition). */
  contrast: boolean;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function orientationOf(iop: number[]): SeriesFacts['orientation'] {
  if (iop.length !== 6) return 'unknown';
  const [a, b, c, d, e, f] = iop as [number, number, number, number, number, number];
  const n = [b * f - c * e, c * d - a * f, a * e - b * d];
  const len = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
  const cos10 = Math.cos((10 * Math.PI) / 180);
  if (Math.abs(n[2]!) / len >= cos10) return 'axial';
  if (Math.abs(n[1]!) / len >= cos10) return 'coronal';
  if (Math.abs(n[0]!) / len >= cos10) return 'sagittal';
  return 'oblique';
}

/** Reads the facts of a series from its instance headers. */
export function seriesFacts(series: SeriesInput): SeriesFacts {
  const first = series.instances[0]?.dataset;
  const text = (t: number): string => (first ? (getString(first, t) ?? '') : '').toUpperCase();
  const positions: number[] = [];
  let normal: number[] | undefined;
  const thicknesses: number[] = [];
  let orientation: SeriesFacts['orientation'] = 'unknown';
  let sliceCount = 0;
  for (const inst of series.instances) {
    const ds = inst.dataset;
    const type = getStrings(ds, Tags.ImageType).map((s) => s.toUpperCase());
    if (type.includes('LOCALIZER')) continue;
    const ipp = getNumbers(ds, Tags.ImagePositionPatient);
    const iop = getNumbers(ds, Tags.ImageOrientationPatient);
    if (ipp.length !== 3 || iop.length !== 6) continue;
    sliceCount++;
    if (!normal) {
      orientation = orientationOf(iop);
      const [a, b, c, d, e, f] = iop as [number, number, number, number, number, number];
      normal = [b * f - c * e, c * d - a * f, a * e - b * d];
    }
    positions.push(ipp[0]! * normal[0]! + ipp[1]! * normal[1]! + ipp[2]! * normal[2]!);
    const th = getNumber(ds, Tags.SliceThickness);
    if (th !== undefined && th > 0) thicknesses.push(th);
  }
  positions.sort((a, b) => a - b);
  const steps: number[] = [];
  for (let t = 1; t < positions.length; t++) {
    const d = positions[t]! - positions[t - 1]!;
    if (d > 1e-3) steps.push(d);
  }
  const sliceSpacingMm = median(steps);
  const sliceThicknessMm = median(thicknesses) ?? sliceSpacingMm;
  const extent = positions.length ? positions[positions.length - 1]! - positions[0]! : 0;
  return {
    seriesInstanceUID: series.seriesInstanceUID,
    modality: text(Tags.Modality),
    bodyPart: text(Tags.BodyPartExamined),
    description: [text(Tags.SeriesDescription), text(ProtocolName), text(Tags.StudyDescription)]
      .filter(Boolean)
      .join(' | '),
    convolutionKernel: first ? getStrings(first, Tags.ConvolutionKernel).join('\\').toUpperCase() : '',
    imageType: first ? getStrings(first, Tags.ImageType).map((s) => s.toUpperCase()) : [],
    sliceCount,
    sliceThicknessMm,
    sliceSpacingMm,
    coverageMm: positions.length ? extent + (sliceThicknessMm ?? sliceSpacingMm ?? 0) : 0,
    orientation,
    contrast: first ? (getString(first, ContrastBolusAgent) ?? '').trim() !== '' : false,
  };
}
