import {
  type Dims3,
  dilateBox,
  fillHoles2D,
  largestComponents,
  openBox,
  type Spacing3,
  thresholdMask,
} from '@lingshu/imaging';

/**
 * Body mask: tissue above `bodyHu`. An in-plane opening of `openingMm` cuts the thin shell of the
 * table and blankets loose so the largest 6-connected component is the patient; the unopened
 * tissue near that component is then taken back (thin chest walls survive) and holes are filled
 * per slice so the lungs and airways lie inside.
 */
export function segmentBody(hu: Int16Array, dims: Dims3, spacing: Spacing3, bodyHu = -500, openingMm = 3): Uint8Array {
  const dense = thresholdMask(hu, bodyHu, Number.POSITIVE_INFINITY);
  const ri = Math.max(1, Math.round(openingMm / spacing[0]));
  const rj = Math.max(1, Math.round(openingMm / spacing[1]));
  const core = largestComponents(openBox(dense, dims, [ri, rj, 0]), dims, 1, 6);
  const near = dilateBox(core, dims, [ri + 1, rj + 1, 0]);
  for (let p = 0; p < dense.length; p++) if (near[p] === 0) dense[p] = 0;
  return fillHoles2D(dense, dims, dense);
}
