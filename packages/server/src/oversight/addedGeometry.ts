import { LingshuError } from '@lingshu/dicom';

type Vec3 = [number, number, number];

/**
 * Where a reader-added finding lies, from the length or ellipse the reader drew on one stack
 * image: the image (`referencedSopInstanceUID`), the centre voxel [column, row, frame index in the
 * series' stack] and the long / short axis end points in patient coordinates (LPS mm). Stored in
 * the `add` review's `changes.geometry`; the viewer jumps to it and draws its axes.
 */
export interface AddedFindingGeometry {
  referencedSopInstanceUID: string;
  centerVoxel: Vec3;
  longAxisWorld: [Vec3, Vec3];
  shortAxisWorld?: [Vec3, Vec3];
}

/** The image the geometry names, as the index knows it (for the bounds check). */
export interface ReferencedImage {
  rows: number;
  columns: number;
  /** Frames of its series (the viewer's stack, which the frame index counts in). */
  seriesImages: number;
}

const UID_RE = /^[0-9]+(\.[0-9]+)*$/;
/** Patient coordinates beyond ±10 m are not a measurement on a patient. */
const WORLD_LIMIT_MM = 10_000;
/** The add form's size limit (aiReview MAX_MM in the web app). */
const MAX_AXIS_MM = 300;
/** Perpendicular within ±15°: |cos| ≤ cos 75°. */
const MAX_AXES_COS = 0.26;

function bad(message: string, parameter: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter: `finding.geometry.${parameter}` } });
}

function vec3(v: unknown, parameter: string, limit: number): Vec3 {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    throw bad(`${parameter} must be three finite numbers`, parameter);
  if (v.some((x: number) => Math.abs(x) > limit)) throw bad(`${parameter} is out of range`, parameter);
  return [v[0], v[1], v[2]] as Vec3;
}

function segment(v: unknown, parameter: string): [Vec3, Vec3] {
  if (!Array.isArray(v) || v.length !== 2) throw bad(`${parameter} must be two points`, parameter);
  const ends: [Vec3, Vec3] = [
    vec3(v[0], `${parameter}[0]`, WORLD_LIMIT_MM),
    vec3(v[1], `${parameter}[1]`, WORLD_LIMIT_MM),
  ];
  const mm = lengthMm(ends);
  if (!(mm > 0 && mm <= MAX_AXIS_MM))
    throw bad(`${parameter} must be longer than 0 and at most ${MAX_AXIS_MM} mm`, parameter);
  return ends;
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Length of a segment (mm). */
export function lengthMm([a, b]: [Vec3, Vec3]): number {
  const d = sub(b, a);
  return Math.sqrt(dot(d, d));
}

/**
 * Checks the shape of a reader-added finding's geometry (HTTP_BAD_PARAMETER naming the field
 * otherwise): a DICOM UID, a centre voxel of non-negative numbers with an integer frame index,
 * a long axis of 0–300 mm and an optional short axis no longer than it and perpendicular to it.
 */
export function parseAddedGeometry(raw: unknown): AddedFindingGeometry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('geometry must be an object', '');
  const g = raw as Record<string, unknown>;
  const known = new Set(['referencedSopInstanceUID', 'centerVoxel', 'longAxisWorld', 'shortAxisWorld']);
  const unknown = Object.keys(g).find((k) => !known.has(k));
  if (unknown) throw bad(`${unknown} is not a field of an added finding's geometry`, unknown);
  const sop = g.referencedSopInstanceUID;
  if (typeof sop !== 'string' || sop.length > 64 || !UID_RE.test(sop))
    throw bad('referencedSopInstanceUID must be a DICOM UID', 'referencedSopInstanceUID');
  const centerVoxel = vec3(g.centerVoxel, 'centerVoxel', 100_000);
  if (centerVoxel.some((x) => x < 0) || !Number.isInteger(centerVoxel[2]))
    throw bad('centerVoxel must be [column, row, frame index] inside the image', 'centerVoxel');
  const longAxisWorld = segment(g.longAxisWorld, 'longAxisWorld');
  const out: AddedFindingGeometry = { referencedSopInstanceUID: sop, centerVoxel, longAxisWorld };
  if (g.shortAxisWorld !== undefined) {
    const shortAxisWorld = segment(g.shortAxisWorld, 'shortAxisWorld');
    if (lengthMm(shortAxisWorld) > lengthMm(longAxisWorld) + 1e-6)
      throw bad('the short axis is longer than the long axis', 'shortAxisWorld');
    const u = sub(longAxisWorld[1], longAxisWorld[0]);
    const v = sub(shortAxisWorld[1], shortAxisWorld[0]);
    if (Math.abs(dot(u, v)) / (lengthMm(longAxisWorld) * lengthMm(shortAxisWorld)) > MAX_AXES_COS)
      throw bad('the short axis is not perpendicular to the long axis', 'shortAxisWorld');
    out.shortAxisWorld = shortAxisWorld;
  }
  return out;
}

/** Checks the centre voxel against the referenced image (its columns, rows and series stack). */
export function checkAgainstImage(g: AddedFindingGeometry, image: ReferencedImage): void {
  const [col, row, frame] = g.centerVoxel;
  if (col > image.columns - 1 || row > image.rows - 1 || frame > image.seriesImages - 1)
    throw bad('centerVoxel lies outside the referenced image or its series', 'centerVoxel');
}
