import {
  type Box3,
  boundingBox,
  boxDims,
  closeBall,
  closeBox,
  cropMask,
  type Dims3,
  downsampleMask,
  expandBox,
  type Factors3,
  fillHoles2D,
  type Mask,
  pasteMask,
  type Spacing3,
  subtractMask,
} from '@lingshu/imaging';
import { dropOpenHoles } from './openHoles.js';
import { markMedial, medialAdditions } from './parenchyma.js';
import { LungLabel } from './types.js';

/**
 * A 2-D hole fill at least this large on some slice (a disc of 30 mm) that rests on tissue outside
 * the lung is the diaphragm dome, not lung (openHoles.ts); vessels and bronchi are far smaller.
 */
const OPEN_HOLE_MIN_AREA_MM2 = 700;

/** What the closing of one lung needs: the working grid's labels (read only) and the coarser grid. */
export interface SideClosingJob {
  lab: Uint8Array;
  dims: Dims3;
  /** The twice-coarser grid of the ball closing: its dimensions, block factors and spacing. */
  vcDims: Dims3;
  half: Factors3;
  vcSpacing: Spacing3;
  closingRadiusMm: number;
  side: typeof LungLabel.RightLung | typeof LungLabel.LeftLung;
  /** +1 when i grows towards the patient's left. */
  iLeft: number;
}

/** One lung closed and hole-filled on box `sBox` of the working grid, with its medial additions. */
export interface SideClosing {
  side: SideClosingJob['side'];
  sBox: Box3;
  sealed: Mask;
  medial: Mask;
}

/**
 * Closes one lung (ball closing on the twice-coarser grid, a box closing that seals the seam,
 * 2-D hole filling) without writing anything: it reads only this side's labels, so both sides
 * may be closed at once (on two threads) and applied in order by applySideClosing.
 */
export function closeSide(job: SideClosingJob): SideClosing | undefined {
  const { lab, dims, vcDims, half, vcSpacing, closingRadiusMm, side, iLeft } = job;
  const fine0 = boundingBox(lab, dims, side);
  if (!fine0) return undefined;
  // The side's box aligned to whole blocks of the coarser grid, downsampled there and placed
  // on that grid (cheaper than downsampling the whole working grid per side).
  const aligned: Box3 = [
    fine0[0] - (fine0[0] % half[0]),
    fine0[1] - (fine0[1] % half[1]),
    fine0[2] - (fine0[2] % half[2]),
    Math.min(dims[0] - 1, fine0[3] - (fine0[3] % half[0]) + half[0] - 1),
    Math.min(dims[1] - 1, fine0[4] - (fine0[4] % half[1]) + half[1] - 1),
    Math.min(dims[2] - 1, fine0[5] - (fine0[5] % half[2]) + half[2] - 1),
  ];
  const local = downsampleMask(cropMask(lab, dims, aligned, side), boxDims(aligned), half, 'any');
  const o0: [number, number, number] = [aligned[0] / half[0], aligned[1] / half[1], aligned[2] / half[2]];
  const sideVc = new Uint8Array(vcDims[0] * vcDims[1] * vcDims[2]);
  const vcBox: Box3 = [
    o0[0],
    o0[1],
    o0[2],
    o0[0] + local.dims[0] - 1,
    o0[1] + local.dims[1] - 1,
    o0[2] + local.dims[2] - 1,
  ];
  pasteMask(sideVc, vcDims, vcBox, local.mask, 1);
  const box0 = boundingBox(sideVc, vcDims);
  if (!box0) return undefined;
  const m = (s: number): number => Math.ceil(closingRadiusMm / s) + 1;
  const box = expandBox(box0, [m(vcSpacing[0]), m(vcSpacing[1]), m(vcSpacing[2])], vcDims);
  const crop = cropMask(sideVc, vcDims, box);
  const cropDims = boxDims(box);
  const added = subtractMask(closeBall(crop, cropDims, vcSpacing, closingRadiusMm), crop);
  const wBox: Box3 = [
    box[0] * half[0],
    box[1] * half[1],
    box[2] * half[2],
    Math.min(dims[0] - 1, (box[3] + 1) * half[0] - 1),
    Math.min(dims[1] - 1, (box[4] + 1) * half[1] - 1),
    Math.min(dims[2] - 1, (box[5] + 1) * half[2] - 1),
  ];
  const wDims = boxDims(wBox);
  const wMask = cropMask(lab, dims, wBox, side);
  markAdded(wMask, wBox, added, box, half);
  // The seal, hole filling and medial test run on the mask's own bounding box plus twice the
  // seal's radii (a box closing adds nothing beyond that: identical to running them on wBox).
  const sealRadii = [half[0], half[1], half[2] > 1 ? 1 : 0] as const;
  const mBox0 = boundingBox(wMask, wDims);
  if (!mBox0) return undefined;
  const mBox = expandBox(mBox0, [2 * sealRadii[0], 2 * sealRadii[1], 2 * sealRadii[2]], wDims);
  const sDims = boxDims(mBox);
  const sBox: Box3 = [
    wBox[0] + mBox[0],
    wBox[1] + mBox[1],
    wBox[2] + mBox[2],
    wBox[0] + mBox[3],
    wBox[1] + mBox[4],
    wBox[2] + mBox[5],
  ];
  const sideMask = cropMask(wMask, wDims, mBox);
  const sealed = closeBox(sideMask, sDims, sealRadii);
  const unfilled = sealed.slice();
  fillHoles2D(sealed, sDims, sealed);
  // Not the diaphragm dome that the lung wraps round on axial slices (openHoles.ts).
  const pixelMm2 = (vcSpacing[0] / half[0]) * (vcSpacing[1] / half[1]);
  dropOpenHoles(sealed, unfilled, sDims, OPEN_HOLE_MIN_AREA_MM2 / pixelMm2);
  // The right lung's medial side is towards the patient's left (+i when iLeft is +1).
  const medialStep = (side === LungLabel.RightLung ? 1 : -1) * iLeft;
  return { side, sBox, sealed, medial: medialAdditions(sideMask, sealed, sDims, medialStep as 1 | -1) };
}

/** Marks the closing's medial additions and pastes the closed lung over body voxels of `lab`. */
export function applySideClosing(lab: Uint8Array, medial: Uint8Array, dims: Dims3, c: SideClosing): void {
  markMedial(medial, lab, dims, c.sBox, c.medial);
  pasteMask(lab, dims, c.sBox, c.sealed, c.side, (current) => current === LungLabel.Body);
}

/** Sets the voxels of `wMask` (box wBox of the working grid) whose coarser block is in `added` (box `box`). */
function markAdded(wMask: Uint8Array, wBox: Box3, added: Uint8Array, box: Box3, half: Factors3): void {
  const wDims = boxDims(wBox);
  const cropDims = boxDims(box);
  const addedCol = new Int32Array(wDims[0]);
  for (let i = 0; i < wDims[0]; i++) addedCol[i] = (((wBox[0] + i) / half[0]) | 0) - box[0];
  let q = 0;
  for (let k = 0; k < wDims[2]; k++) {
    const kc = (((wBox[2] + k) / half[2]) | 0) - box[2];
    for (let j = 0; j < wDims[1]; j++) {
      const row = cropDims[0] * ((((wBox[1] + j) / half[1]) | 0) - box[1] + cropDims[1] * kc);
      for (let i = 0; i < wDims[0]; i++, q++) {
        if (added[row + addedCol[i]!] !== 0) wMask[q] = 1;
      }
    }
  }
}
