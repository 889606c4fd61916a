import type { Finding } from '@lingshu/ai';
import type { AccessScope, Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { Vec3 } from '@lingshu/imaging';
import type { AddedFindingGeometry } from '../oversight/addedGeometry.js';
import { type Polygon, traceOutlines } from './outline.js';
import type { ViewResult } from './results.js';
import { readSegFrames } from './segFrames.js';

/** The outline of a finding on one source slice. */
export interface SliceContour {
  sopInstanceUID: string;
  /** Closed polygons in image pixel coordinates [column, row] (pixel centres at integers). */
  polygons: Polygon[];
}

/**
 * What the viewer draws for a finding: its outline per source slice, from the stored SEG
 * (`segmentation`), else the geometry's voxel box on the slices it spans (`geometry`), else
 * nothing (`none`); plus the long/short axes (patient coordinates) when measured.
 */
export interface FindingContours {
  resultPk: string;
  findingId: string;
  source: 'segmentation' | 'geometry' | 'none';
  seriesInstanceUID: string | null;
  segmentNumber: number | null;
  slices: SliceContour[];
  longAxisWorld: [Vec3, Vec3] | null;
  shortAxisWorld: [Vec3, Vec3] | null;
  /** The slice the axes were measured on. */
  axesSopInstanceUID: string | null;
}

type Json = Record<string, { Value?: unknown[] } | undefined>;

const numbers = (ds: Json, tag: string): number[] => (ds[tag]?.Value ?? []).map(Number);

/** The series' slices ordered along their normal: SOP Instance UID and position along the normal (mm). */
async function slicesAlongNormal(
  archive: Archive,
  seriesUid: string,
  scope: AccessScope,
): Promise<{ normal: Vec3; slices: Array<{ sop: string; along: number }> }> {
  const meta = (await archive.getSeriesMetadata(seriesUid, scope)) as unknown as Json[];
  const out: Array<{ sop: string; along: number }> = [];
  let normal: Vec3 = [0, 0, 1];
  for (const ds of meta) {
    const sop = ds['00080018']?.Value?.[0];
    const ipp = numbers(ds, '00200032');
    const iop = numbers(ds, '00200037');
    if (typeof sop !== 'string' || ipp.length !== 3 || iop.length !== 6) continue;
    const [a, b, c, d, e, f] = iop as [number, number, number, number, number, number];
    const n: Vec3 = [b * f - c * e, c * d - a * f, a * e - b * d];
    normal = n;
    out.push({ sop, along: n[0] * (ipp[0] as number) + n[1] * (ipp[1] as number) + n[2] * (ipp[2] as number) });
  }
  return { normal, slices: out.sort((x, y) => x.along - y.along) };
}

/**
 * No segmentation: the geometry's voxel box as a rectangle on the slices it spans, centred on the
 * slice nearest the finding's centre (the box's slice extent taken symmetrically, so the volume's
 * k direction does not matter).
 */
async function boxContours(
  archive: Archive,
  scope: AccessScope,
  seriesUid: string,
  finding: Finding,
): Promise<SliceContour[]> {
  const g = finding.geometry;
  if (!g) return [];
  const { normal, slices } = await slicesAlongNormal(archive, seriesUid, scope);
  if (slices.length === 0) return [];
  let centre = g.referencedSopInstanceUID ? slices.findIndex((s) => s.sop === g.referencedSopInstanceUID) : -1;
  if (centre < 0) {
    // The slice nearest the finding's centre along the normal.
    const at = normal[0] * g.centerWorld[0] + normal[1] * g.centerWorld[1] + normal[2] * g.centerWorld[2];
    centre = 0;
    slices.forEach((s, i) => {
      if (Math.abs(s.along - at) < Math.abs((slices[centre] as { along: number }).along - at)) centre = i;
    });
  }
  const [i0, j0, k0, i1, j1, k1] = g.boxVoxel;
  const kc = Math.round(g.centerVoxel[2]);
  const half = Math.max(kc - k0, k1 - kc, 0);
  const rect: Polygon = [
    [i0 - 0.5, j0 - 0.5],
    [i1 + 0.5, j0 - 0.5],
    [i1 + 0.5, j1 + 0.5],
    [i0 - 0.5, j1 + 0.5],
  ];
  const out: SliceContour[] = [];
  for (let s = Math.max(0, centre - half); s <= Math.min(slices.length - 1, centre + half); s++)
    out.push({ sopInstanceUID: (slices[s] as { sop: string }).sop, polygons: [rect] });
  return out;
}

/** Outlines of one finding of a result the caller may see (see FindingContours). */
export async function findingContours(
  archive: Archive,
  scope: AccessScope,
  result: ViewResult,
  findingId: string,
): Promise<FindingContours> {
  const finding = result.findings.find((f) => f.id === findingId);
  if (!finding) throw new LingshuError('ARCHIVE_NOT_FOUND', 'The AI result has no finding with this id');
  const g = finding.geometry;
  const base = {
    resultPk: result.pk,
    findingId,
    seriesInstanceUID: result.seriesInstanceUID,
    segmentNumber: finding.segmentNumber ?? null,
    longAxisWorld: g?.longAxisWorld ?? null,
    shortAxisWorld: g?.shortAxisWorld ?? null,
    axesSopInstanceUID: g?.longAxisWorld || g?.shortAxisWorld ? (g.referencedSopInstanceUID ?? null) : null,
  };
  if (finding.segmentNumber !== undefined && result.segSopInstanceUID) {
    const seg = readSegFrames(await archive.readInstance(result.segSopInstanceUID, scope));
    const slices: SliceContour[] = [];
    for (const frame of seg.frames) {
      if (frame.segment !== finding.segmentNumber || !frame.sourceSopInstanceUID) continue;
      const polygons = traceOutlines(seg.mask(frame), seg.columns, seg.rows);
      if (polygons.length > 0) slices.push({ sopInstanceUID: frame.sourceSopInstanceUID, polygons });
    }
    if (slices.length > 0) return { ...base, source: 'segmentation', slices };
  }
  const boxes =
    g && result.seriesInstanceUID ? await boxContours(archive, scope, result.seriesInstanceUID, finding) : [];
  return { ...base, source: boxes.length > 0 ? 'geometry' : 'none', slices: boxes };
}

/**
 * A finding a reader added: its drawn axes on the image they were measured on (`geometry`), or
 * nothing when it was added without a measurement (`none`). It has no outline.
 */
export function addedFindingContours(
  result: Pick<ViewResult, 'pk' | 'seriesInstanceUID'>,
  findingId: string,
  geometry: AddedFindingGeometry | null,
): FindingContours {
  return {
    resultPk: result.pk,
    findingId,
    source: geometry ? 'geometry' : 'none',
    seriesInstanceUID: result.seriesInstanceUID,
    segmentNumber: null,
    slices: [],
    longAxisWorld: geometry?.longAxisWorld ?? null,
    shortAxisWorld: geometry?.shortAxisWorld ?? null,
    axesSopInstanceUID: geometry?.referencedSopInstanceUID ?? null,
  };
}
