/**
 * A finding the reader adds from what they drew on a stack image, as pure functions: the long and
 * short axes from a Length or Ellipse annotation (or two nearly perpendicular lengths), their
 * sizes in mm, and the geometry the server stores with the added finding (docs/oversight.md
 * "Adding a finding from a measurement").
 */

export type Vec3 = [number, number, number];
export type Segment = [Vec3, Vec3];

/** One annotation on the image, in patient coordinates, oldest first (as Cornerstone lists them). */
export interface DrawnAnnotation {
  tool: 'length' | 'ellipse';
  /** Length: the two ends. Ellipse: Cornerstone's handles [bottom, top, left, right]. */
  points: readonly Vec3[];
}

/** The image's plane (DICOM Image Position / Orientation (Patient), Pixel Spacing). */
export interface ImagePlane {
  origin: Vec3;
  /** Direction along a row (increasing column). */
  rowCosines: Vec3;
  /** Direction down a column (increasing row). */
  columnCosines: Vec3;
  /** Distance between rows (mm): Pixel Spacing [0]. */
  rowSpacingMm: number;
  /** Distance between columns (mm): Pixel Spacing [1]. */
  columnSpacingMm: number;
}

/** What the server stores with an added finding (`finding.geometry`). */
export interface AddedGeometry {
  referencedSopInstanceUID: string;
  /** [column, row, frame index in the stack]. */
  centerVoxel: Vec3;
  longAxisWorld: Segment;
  shortAxisWorld?: Segment;
}

/** Axes measured by the reader. */
export interface DrawnAxes {
  longAxisWorld: Segment;
  shortAxisWorld?: Segment;
}

/** Two lengths count as long and short axis when within ±15° of perpendicular. */
const MAX_AXES_COS = 0.26;

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const mid = ([a, b]: Segment): Vec3 => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];

/** Length of a segment (mm). */
export function segmentMm([a, b]: Segment): number {
  const d = sub(b, a);
  return Math.sqrt(dot(d, d));
}

function segmentOf(points: readonly Vec3[], i: number, j: number): Segment | undefined {
  const a = points[i];
  const b = points[j];
  return a && b && segmentMm([a, b]) > 0 ? [a, b] : undefined;
}

function perpendicular(u: Segment, v: Segment): boolean {
  return Math.abs(dot(sub(u[1], u[0]), sub(v[1], v[0]))) / (segmentMm(u) * segmentMm(v)) <= MAX_AXES_COS;
}

/** The longer of two segments first. */
function ordered(a: Segment, b: Segment): DrawnAxes {
  return segmentMm(a) >= segmentMm(b)
    ? { longAxisWorld: a, shortAxisWorld: b }
    : { longAxisWorld: b, shortAxisWorld: a };
}

/**
 * The axes of the newest annotation: an ellipse gives both (its two diameters); a length is the
 * long axis, with the newest earlier length nearly perpendicular to it as the short axis (the
 * longer of the two is the long axis). Null when nothing usable was drawn.
 */
export function axesFromAnnotations(drawn: readonly DrawnAnnotation[]): DrawnAxes | null {
  const newest = drawn.at(-1);
  if (!newest) return null;
  if (newest.tool === 'ellipse') {
    const vertical = segmentOf(newest.points, 0, 1);
    const horizontal = segmentOf(newest.points, 2, 3);
    if (vertical && horizontal) return ordered(vertical, horizontal);
    const one = vertical ?? horizontal;
    return one ? { longAxisWorld: one } : null;
  }
  const long = segmentOf(newest.points, 0, 1);
  if (!long) return null;
  for (let i = drawn.length - 2; i >= 0; i--) {
    const other = drawn[i];
    const seg = other?.tool === 'length' ? segmentOf(other.points, 0, 1) : undefined;
    if (seg && perpendicular(long, seg)) return ordered(long, seg);
  }
  return { longAxisWorld: long };
}

/** Sizes (mm, one decimal as the form shows them) of the drawn axes. */
export function axesMm(axes: DrawnAxes): { longAxisMm: number; shortAxisMm?: number } {
  const round = (mm: number): number => Math.round(mm * 10) / 10;
  const longAxisMm = round(segmentMm(axes.longAxisWorld));
  return axes.shortAxisWorld ? { longAxisMm, shortAxisMm: round(segmentMm(axes.shortAxisWorld)) } : { longAxisMm };
}

/** [column, row] of a patient-coordinate point on the image (pixel centres at integers). */
export function worldToPixel(plane: ImagePlane, p: Vec3): [number, number] {
  const d = sub(p, plane.origin);
  return [dot(d, plane.rowCosines) / plane.columnSpacingMm, dot(d, plane.columnCosines) / plane.rowSpacingMm];
}

/**
 * The geometry of the added finding: the image, the centre voxel (the middle of the long axis,
 * or of both axes, rounded to the pixel and clamped into the image) and the axes.
 */
export function addedGeometry(
  axes: DrawnAxes,
  image: { sopInstanceUID: string; frameIndex: number; plane: ImagePlane; rows: number; columns: number },
): AddedGeometry {
  const centre = axes.shortAxisWorld
    ? mid([mid(axes.longAxisWorld), mid(axes.shortAxisWorld)])
    : mid(axes.longAxisWorld);
  const [col, row] = worldToPixel(image.plane, centre);
  const clamp = (v: number, n: number): number => Math.min(Math.max(Math.round(v), 0), Math.max(n - 1, 0));
  return {
    referencedSopInstanceUID: image.sopInstanceUID,
    centerVoxel: [clamp(col, image.columns), clamp(row, image.rows), image.frameIndex],
    longAxisWorld: axes.longAxisWorld,
    ...(axes.shortAxisWorld ? { shortAxisWorld: axes.shortAxisWorld } : {}),
  };
}
