import {
  type Box3,
  boundingBox,
  boxDims,
  closeBall,
  closeBox,
  cropMask,
  dilateBox,
  distanceTransform,
  downsampleMask,
  downsampleMean,
  erodeBox,
  expandBox,
  type Factors3,
  fillHoles2D,
  labelComponents,
  pasteMask,
  subtractMask,
  thresholdMask,
  upsampleLabels,
  type Volume,
} from '@lingshu/imaging';
import { type AirwayOptions, defaultAirwayOptions, segmentAirways } from './airways.js';
import { segmentBody } from './body.js';
import { chooseLungs, splitJoined } from './chooseLungs.js';
import { checkAborted, coarseFactors, coarseSpacing, type GridInfo, gridInfo } from './grid.js';
import { markMedial, medialAdditions, parenchymaMask } from './parenchyma.js';
import { lungRegions } from './regions.js';
import { LungLabel, type LungSegmentation, type LungSegmentationOptions } from './types.js';
import { zoneLookup } from './zones.js';

export const defaultLungOptions = {
  bodyHu: -500,
  airHu: -400,
  closingRadiusMm: 20,
  minLungMl: 20,
  junctionSearchMm: 40,
} as const;

/**
 * Body, airway and left/right lung segmentation by thresholds, connectivity and morphology.
 * Coarse steps run on a ≈1.4 mm grid; labels are brought back to the CT grid by nearest
 * neighbour. The lung mask includes vessels, nodules and juxtapleural lesions (per-side closing
 * with a ball plus 2D hole filling), as volumetry and nodule detection need.
 */
export function segmentLungs(ct: Volume, options: LungSegmentationOptions = {}): LungSegmentation {
  const o = { ...defaultLungOptions, ...options };
  const airwayOptions: AirwayOptions = { ...defaultAirwayOptions, ...options.airway };
  const full = gridInfo(ct);
  const f = coarseFactors(ct.spacing);
  const coarse = downsampleMean(ct.voxels, ct.dimensions, f);
  const grid: GridInfo = { ...full, dims: coarse.dims, spacing: coarseSpacing(ct.spacing, f) };
  const hu = coarse.values;
  const voxelMl = (grid.spacing[0] * grid.spacing[1] * grid.spacing[2]) / 1000;
  checkAborted(options.signal);

  // The body needs no fine boundary (lungs lie well inside the skin): find it on a grid twice as
  // coarse and shrink it by one of those voxels so no air outside the skin leaks into it.
  const half: Factors3 = [2, 2, grid.dims[2] >= 64 ? 2 : 1];
  const vc = downsampleMean(hu, grid.dims, half);
  const vcSpacing = coarseSpacing(grid.spacing, half);
  const bodyVc = erodeBox(segmentBody(vc.values, vc.dims, vcSpacing, o.bodyHu), vc.dims, [1, 1, 0]);
  const body = upsampleLabels(bodyVc, vc.dims, half, grid.dims);
  const airway = segmentAirways(hu, body, grid, airwayOptions);
  checkAborted(options.signal);

  // Air inside the body, cut loose from the trachea and main bronchi.
  const air = thresholdMask(hu, Number.NEGATIVE_INFINITY, o.airHu, body);
  // The airway is small: dilate it on its bounding box, not the whole grid.
  const cut = air;
  const airwayBox = boundingBox(airway.mask, grid.dims);
  if (airwayBox) {
    const box = expandBox(airwayBox, [1, 1, 0], grid.dims);
    pasteMask(cut, grid.dims, box, dilateBox(cropMask(airway.mask, grid.dims, box), boxDims(box), [1, 1, 0]), 0);
  }
  const comps = labelComponents(cut, grid.dims, 6);
  const midI = airway.seedI ?? meanColumn(body, grid.dims) ?? grid.dims[0] / 2;
  const choice = chooseLungs(comps, grid, midI, o.minLungMl / voxelMl);
  checkAborted(options.signal);

  const lab = initialLabels(body, airway.mask, comps.labels, choice.sideOf);
  for (const l of choice.joined) splitJoined(comps.labels, l, grid, midI, o.junctionSearchMm, lab);

  // Per side: close with a ball (juxtapleural nodules, hilar vessels and masses) and fill 2D
  // holes (vessels, nodules inside the lung). The ball closing runs on the twice-coarser grid
  // (8× fewer voxels); only blocks holding no lung are taken from it, and a one-block closing on
  // the working grid seals the seam between them and the lung, so the pleural boundary stays
  // where the working grid put it.
  // Voxels the closing adds on the medial border (hilum, mediastinal fat and vessels, masses
  // abutting the mediastinum): in the lung mask for nodule detection, not parenchyma for density
  // measures (see medialAdditions).
  const medial = new Uint8Array(lab.length);
  for (const side of [LungLabel.RightLung, LungLabel.LeftLung]) {
    const fine0 = boundingBox(lab, grid.dims, side);
    if (!fine0) continue;
    // The side's box aligned to whole blocks of the coarser grid, downsampled there and placed
    // on that grid (cheaper than downsampling the whole working grid per side).
    const aligned: Box3 = [
      fine0[0] - (fine0[0] % half[0]),
      fine0[1] - (fine0[1] % half[1]),
      fine0[2] - (fine0[2] % half[2]),
      Math.min(grid.dims[0] - 1, fine0[3] - (fine0[3] % half[0]) + half[0] - 1),
      Math.min(grid.dims[1] - 1, fine0[4] - (fine0[4] % half[1]) + half[1] - 1),
      Math.min(grid.dims[2] - 1, fine0[5] - (fine0[5] % half[2]) + half[2] - 1),
    ];
    const local = downsampleMask(cropMask(lab, grid.dims, aligned, side), boxDims(aligned), half, 'any');
    const o0: [number, number, number] = [aligned[0] / half[0], aligned[1] / half[1], aligned[2] / half[2]];
    const sideVc = new Uint8Array(vc.values.length);
    const vcBox: Box3 = [
      o0[0],
      o0[1],
      o0[2],
      o0[0] + local.dims[0] - 1,
      o0[1] + local.dims[1] - 1,
      o0[2] + local.dims[2] - 1,
    ];
    pasteMask(sideVc, vc.dims, vcBox, local.mask, 1);
    const box0 = boundingBox(sideVc, vc.dims);
    if (!box0) continue;
    const m = (s: number): number => Math.ceil(o.closingRadiusMm / s) + 1;
    const box = expandBox(box0, [m(vcSpacing[0]), m(vcSpacing[1]), m(vcSpacing[2])], vc.dims);
    const crop = cropMask(sideVc, vc.dims, box);
    const cropDims = boxDims(box);
    const added = subtractMask(closeBall(crop, cropDims, vcSpacing, o.closingRadiusMm), crop);
    const wBox: Box3 = [
      box[0] * half[0],
      box[1] * half[1],
      box[2] * half[2],
      Math.min(grid.dims[0] - 1, (box[3] + 1) * half[0] - 1),
      Math.min(grid.dims[1] - 1, (box[4] + 1) * half[1] - 1),
      Math.min(grid.dims[2] - 1, (box[5] + 1) * half[2] - 1),
    ];
    const wDims = boxDims(wBox);
    const wMask = cropMask(lab, grid.dims, wBox, side);
    markAdded(wMask, wBox, added, box, half);
    // The seal, hole filling and medial test run on the mask's own bounding box plus twice the
    // seal's radii (a box closing adds nothing beyond that: identical to running them on wBox).
    const sealRadii = [half[0], half[1], half[2] > 1 ? 1 : 0] as const;
    const mBox0 = boundingBox(wMask, wDims);
    if (!mBox0) continue;
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
    fillHoles2D(sealed, sDims, sealed);
    // The right lung's medial side is towards the patient's left (+i when iLeft is +1).
    const medialStep = (side === LungLabel.RightLung ? 1 : -1) * grid.iLeft;
    markMedial(medial, lab, grid.dims, sBox, medialAdditions(sideMask, sealed, sDims, medialStep as 1 | -1));
    pasteMask(lab, grid.dims, sBox, sealed, side, (current) => current === LungLabel.Body);
    checkAborted(options.signal);
  }

  const labels = upsampleLabels(lab, grid.dims, f, ct.dimensions);
  // Volumes from the coarse labels weighted by the CT voxels each block holds (edge blocks are partial).
  const [nx, ny, nz] = ct.dimensions;
  const counts = labelVoxelCounts(lab, grid.dims, f, ct.dimensions);
  const fullMl = (ct.spacing[0] * ct.spacing[1] * ct.spacing[2]) / 1000;
  const right = counts[LungLabel.RightLung]! * fullMl;
  const left = counts[LungLabel.LeftLung]! * fullMl;
  const warnings = [...choice.warnings];
  if (airway.voxels === 0) {
    warnings.push({ code: 'airway-not-found', message: 'The trachea was not found in the cranial slices' });
  }
  for (const [side, ml] of [
    ['right', right],
    ['left', left],
  ] as const) {
    if (ml > 0 && (ml < 500 || ml > 5000)) {
      warnings.push({ code: 'lung-volume-implausible', message: `The ${side} lung volume is outside 0.5–5 L` });
    }
  }

  const regions = lungRegions(lab, grid.dims, grid.kSuperior, grid.jPosterior, f, ct.dimensions);
  let edt: Float32Array | undefined;
  const [cx, cy] = grid.dims;
  return {
    labels,
    volumesMl: { right, left, total: right + left, airway: counts[LungLabel.Airway]! * fullMl },
    zoneOf: zoneLookup(labels, ct.dimensions, regions),
    pleuralDistanceMm(i, j, k) {
      const ii = Math.round(i);
      const jj = Math.round(j);
      const kk = Math.round(k);
      if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) return 0;
      const l = labels[ii + nx * (jj + ny * kk)];
      if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) return 0;
      if (!edt) {
        const lungs = new Uint8Array(lab.length);
        for (let p = 0; p < lab.length; p++)
          lungs[p] = lab[p] === LungLabel.RightLung || lab[p] === LungLabel.LeftLung ? 1 : 0;
        edt = distanceTransform(lungs, grid.dims, grid.spacing);
      }
      const q = ((ii / f[0]) | 0) + cx * (((jj / f[1]) | 0) + cy * ((kk / f[2]) | 0));
      // Measured on the coarse grid: distance to the nearest non-lung coarse voxel centre.
      return edt[q] ?? 0;
    },
    warnings,
    regions,
    workGrid: {
      factors: f,
      dims: grid.dims,
      spacing: grid.spacing,
      hu,
      labels: lab,
      parenchyma: parenchymaMask(lab, medial),
    },
  };
}

/*
 * The loops below run once per scan over the whole working grid; as functions of their own V8
 * optimises them on their own instead of through segmentLungs as a whole.
 */

/** Mean column (i) of the body voxels, or undefined without any. */
function meanColumn(body: Uint8Array, dims: readonly [number, number, number]): number | undefined {
  let sumI = 0;
  let nBody = 0;
  for (let p = 0, row = 0; row < dims[1] * dims[2]; row++) {
    for (let i = 0; i < dims[0]; i++, p++) {
      if (body[p] === 0) continue;
      sumI += i;
      nBody++;
    }
  }
  return nBody ? sumI / nBody : undefined;
}

/** Airway, the side of each chosen air component, or body, inside the body. */
function initialLabels(body: Uint8Array, airway: Uint8Array, comps: Int32Array, sideOf: Uint8Array): Uint8Array {
  const lab = new Uint8Array(body.length);
  for (let p = 0; p < lab.length; p++) {
    if (body[p] === 0) continue;
    lab[p] = airway[p] !== 0 ? LungLabel.Airway : sideOf[comps[p]!]! || LungLabel.Body;
  }
  return lab;
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

/** CT voxels per label of the working grid (edge blocks are partial), indexed by label. */
function labelVoxelCounts(
  lab: Uint8Array,
  dims: readonly [number, number, number],
  f: Factors3,
  ctDims: readonly [number, number, number],
): Float64Array {
  const [nx, ny, nz] = ctDims;
  const blockSize = (n: number, fc: number, c: number): number => Math.min(n, (c + 1) * fc) - c * fc;
  const counts = new Float64Array(5);
  const [cx, cy, cz] = dims;
  let p = 0;
  for (let kc = 0; kc < cz; kc++) {
    const wk = blockSize(nz, f[2], kc);
    for (let jc = 0; jc < cy; jc++) {
      const wjk = wk * blockSize(ny, f[1], jc);
      for (let ic = 0; ic < cx; ic++, p++) {
        const l = lab[p]!;
        if (l > 1) counts[l] = counts[l]! + wjk * blockSize(nx, f[0], ic);
      }
    }
  }
  return counts;
}
