/** A closed polygon in image pixel coordinates: [column, row] pairs, pixel centres at integers. */
export type Polygon = Array<[number, number]>;

/**
 * The outlines of a binary mask (`mask[row * columns + column]` ≠ 0 inside) along pixel edges:
 * one closed polygon per boundary (outer outlines clockwise on screen, holes counter-clockwise),
 * corners only (collinear edge points dropped). Pixel (c, r) covers [c − ½, c + ½] × [r − ½, r + ½],
 * so the polygon encloses exactly the mask's pixels.
 */
export function traceOutlines(mask: Uint8Array, columns: number, rows: number): Polygon[] {
  const inside = (c: number, r: number): boolean =>
    c >= 0 && r >= 0 && c < columns && r < rows && mask[r * columns + c] !== 0;
  const w = columns + 1;
  // Directed boundary edges between grid corners (x, y) ∈ [0, columns] × [0, rows], inside on the right.
  const from: number[] = [];
  const to: number[] = [];
  const outOf = new Map<number, number[]>();
  const add = (x0: number, y0: number, x1: number, y1: number): void => {
    const a = y0 * w + x0;
    const e = from.push(a) - 1;
    to.push(y1 * w + x1);
    const list = outOf.get(a);
    if (list) list.push(e);
    else outOf.set(a, [e]);
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (!inside(c, r)) continue;
      if (!inside(c, r - 1)) add(c, r, c + 1, r);
      if (!inside(c + 1, r)) add(c + 1, r, c + 1, r + 1);
      if (!inside(c, r + 1)) add(c + 1, r + 1, c, r + 1);
      if (!inside(c - 1, r)) add(c, r + 1, c, r);
    }
  }
  const used = new Uint8Array(from.length);
  const polygons: Polygon[] = [];
  for (let start = 0; start < from.length; start++) {
    if (used[start]) continue;
    const corners: number[] = [];
    let e = start;
    while (!used[e]) {
      used[e] = 1;
      corners.push(from[e] as number);
      // At a corner shared diagonally by two pixels there are two ways on; take the first unused.
      const next = (outOf.get(to[e] as number) ?? []).find((x) => !used[x]);
      if (next === undefined) break;
      e = next;
    }
    polygons.push(dropCollinear(corners, w));
  }
  return polygons;
}

function dropCollinear(corners: readonly number[], w: number): Polygon {
  const pts = corners.map((k): [number, number] => [k % w, Math.floor(k / w)]);
  const n = pts.length;
  const out: Polygon = [];
  for (let i = 0; i < n; i++) {
    const p = pts[(i + n - 1) % n] as [number, number];
    const q = pts[i] as [number, number];
    const s = pts[(i + 1) % n] as [number, number];
    const cross = (q[0] - p[0]) * (s[1] - q[1]) - (q[1] - p[1]) * (s[0] - q[0]);
    if (cross !== 0) out.push([q[0] - 0.5, q[1] - 0.5]);
  }
  return out;
}

/** Shoelace area of a polygon (pixels², positive for clockwise-on-screen outlines). */
export function polygonArea(poly: Polygon): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i] as [number, number];
    const q = poly[(i + 1) % poly.length] as [number, number];
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}
