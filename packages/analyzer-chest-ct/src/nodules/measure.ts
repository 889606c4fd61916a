import { roundTenth } from '@lingshu/clinical';
import { dilateBox, fillHoles2D, type Vec3, type Volume, voxelToWorld } from '@lingshu/imaging';
import type { LungSegmentation } from '../lungs/types.js';
import { type Axes2D, axes2D } from './axes.js';
import { symmetricEigenvalues3 as eig3 } from './hessian.js';
import type { NoduleParams } from './params.js';
import { rankerFeatures, rankerLogit } from './ranker.js';
import { noduleRanker } from './rankerModel.generated.js';
import { type Segmented, spiculeMask } from './segment.js';
import type { NoduleDetails, NoduleType } from './types.js';

export interface Measured {
  details: NoduleDetails;
  voxels: Uint32Array;
}

/** Axial slice (crop k) with the most voxels of `mask`, with its pixels. */
function largestSlice(
  mask: Uint8Array,
  dims: readonly [number, number, number],
): { k: number; pixels: Array<[number, number]> } {
  const [cx, cy, cz] = dims;
  let bestK = -1;
  let bestN = 0;
  for (let k = 0; k < cz; k++) {
    let n = 0;
    const base = cx * cy * k;
    for (let q = 0; q < cx * cy; q++) if (mask[base + q]) n++;
    if (n > bestN) {
      bestN = n;
      bestK = k;
    }
  }
  const pixels: Array<[number, number]> = [];
  if (bestK >= 0) {
    const base = cx * cy * bestK;
    for (let j = 0; j < cy; j++) for (let i = 0; i < cx; i++) if (mask[base + i + cx * j]) pixels.push([i, j]);
  }
  return { k: bestK, pixels };
}

/** Largest 6-connected component of a small mask (flood fill). */
function largestComponent(mask: Uint8Array, dims: readonly [number, number, number]): Uint8Array {
  const [cx, cy, cz] = dims;
  const seen = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  let best: number[] = [];
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || seen[s]) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    seen[s] = 1;
    const members: number[] = [];
    while (head < tail) {
      const q = queue[head++] ?? 0;
      members.push(q);
      const i = q % cx;
      const j = Math.floor(q / cx) % cy;
      const k = Math.floor(q / (cx * cy));
      const nb = [
        i > 0 ? q - 1 : -1,
        i < cx - 1 ? q + 1 : -1,
        j > 0 ? q - cx : -1,
        j < cy - 1 ? q + cx : -1,
        k > 0 ? q - cx * cy : -1,
        k < cz - 1 ? q + cx * cy : -1,
      ];
      for (const n of nb) {
        if (n >= 0 && mask[n] && !seen[n]) {
          seen[n] = 1;
          queue[tail++] = n;
        }
      }
    }
    if (members.length > best.length) best = members;
  }
  const out = new Uint8Array(mask.length);
  for (const q of best) out[q] = 1;
  return out;
}

/** sqrt(λ1/λ2) of the voxel coordinates' covariance (mm): 1 for round, large for tubes. */
function elongation(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  sp: readonly [number, number, number],
): number {
  const [cx, cy] = dims;
  let n = 0;
  const m = [0, 0, 0];
  const c = [0, 0, 0, 0, 0, 0];
  for (let q = 0; q < mask.length; q++) {
    if (!mask[q]) continue;
    const x = (q % cx) * sp[0];
    const y = (Math.floor(q / cx) % cy) * sp[1];
    const z = Math.floor(q / (cx * cy)) * sp[2];
    n++;
    m[0] = (m[0] ?? 0) + x;
    m[1] = (m[1] ?? 0) + y;
    m[2] = (m[2] ?? 0) + z;
    c[0] = (c[0] ?? 0) + x * x;
    c[1] = (c[1] ?? 0) + y * y;
    c[2] = (c[2] ?? 0) + z * z;
    c[3] = (c[3] ?? 0) + x * y;
    c[4] = (c[4] ?? 0) + x * z;
    c[5] = (c[5] ?? 0) + y * z;
  }
  if (n < 4) return 1;
  const mx = (m[0] ?? 0) / n;
  const my = (m[1] ?? 0) / n;
  const mz = (m[2] ?? 0) / n;
  // Voxel extent adds s²/12 per axis so thick slices do not look flat.
  const cov: [number, number, number, number, number, number] = [
    (c[0] ?? 0) / n - mx * mx + sp[0] ** 2 / 12,
    (c[1] ?? 0) / n - my * my + sp[1] ** 2 / 12,
    (c[2] ?? 0) / n - mz * mz + sp[2] ** 2 / 12,
    (c[3] ?? 0) / n - mx * my,
    (c[4] ?? 0) / n - mx * mz,
    (c[5] ?? 0) / n - my * mz,
  ];
  const ev = eig3(cov);
  return Math.sqrt(Math.max(1e-9, ev[2]) / Math.max(1e-9, ev[1]));
}

/**
 * Fractions of the object's surface voxels that touch non-lung (pleura, mediastinum): `surface`
 * over all six neighbours, `inPlane` of its in-plane outline over the four in the same slice.
 */
function pleuralContacts(
  mask: Uint8Array,
  lung: Uint8Array,
  dims: readonly [number, number, number],
): { surface: number; inPlane: number } {
  const [cx, cy, cz] = dims;
  const plane = cx * cy;
  let surface = 0;
  let touching = 0;
  let outline = 0;
  let touchingInPlane = 0;
  for (let q = 0; q < mask.length; q++) {
    if (!mask[q]) continue;
    const i = q % cx;
    const j = Math.floor(q / cx) % cy;
    const k = Math.floor(q / plane);
    const nb = [
      i > 0 ? q - 1 : -1,
      i < cx - 1 ? q + 1 : -1,
      j > 0 ? q - cx : -1,
      j < cy - 1 ? q + cx : -1,
      k > 0 ? q - plane : -1,
      k < cz - 1 ? q + plane : -1,
    ];
    let edge = false;
    let touches = false;
    let edgeInPlane = false;
    let touchesInPlane = false;
    // Neighbours 0–3 lie in the same slice, 4–5 above and below.
    for (let a = 0; a < 6; a++) {
      if (a === 4) {
        edgeInPlane = edge;
        touchesInPlane = touches;
      }
      const n = nb[a] ?? -1;
      if (n < 0) continue;
      if (!mask[n]) edge = true;
      if (!lung[n]) touches = true;
    }
    if (edge || touches) surface++;
    if (touches) touching++;
    if (edgeInPlane || touchesInPlane) outline++;
    if (touchesInPlane) touchingInPlane++;
  }
  return {
    surface: surface > 0 ? touching / surface : 0,
    inPlane: outline > 0 ? touchingInPlane / outline : 0,
  };
}

/** How a nodule's volume is weighed (the `volume…` nodule parameters). */
export interface VolumeOptions {
  /**
   * The ground-glass level is taken from interior voxels at least this many voxels (in-plane; one
   * slice through-plane on slices ≥ 2 mm apart) from the solid part; 0: from all interior voxels.
   */
  levelClearOfSolidVoxels: number;
  /**
   * Count the parts the opening cut off that reach no crop face (spicules, lobulations) and their
   * rim, within this reach of the nodule's centre; undefined: not at all.
   */
  spiculeReach?: SpiculeReach;
  /** Interior voxels of a ground-glass or part-solid object count in full. */
  interiorInFull: boolean;
}

/** How far a nodule's own cut-off parts may count: within `radiusMm` of `centre` (crop voxel coordinates). */
export interface SpiculeReach {
  centre: readonly [number, number, number];
  radiusMm: number;
}

/**
 * The voxels a nodule's own cut-off parts add to its support: the parts the opening cut off that
 * reach no face of the crop (spicules, lobulations; `segment.ts` `spiculeParts`) and their
 * one-voxel rim, in the lung, outside the support and outside the other cut-off structures
 * (vessels), and within `reach` of the nodule's centre (a thin vessel that fades out inside the
 * crop adds at most that much of itself).
 */
function spiculeVoxels(seg: Segmented, reach: SpiculeReach): Uint8Array | undefined {
  const { crop, support, region } = seg;
  if (!seg.spiculeParts) return undefined;
  const spiculeParts = spiculeMask(seg.spiculeParts);
  const [cx, cy] = crop.dims;
  const [sx, sy, sz] = crop.spacing;
  const [ci, cj, ck] = reach.centre;
  const r2 = reach.radiusMm * reach.radiusMm;
  const out = dilateBox(spiculeParts, crop.dims, [1, 1, 1]);
  for (let q = 0; q < out.length; q++) {
    if (!out[q]) continue;
    const d2 =
      ((q % cx) - ci) ** 2 * sx * sx +
      ((Math.floor(q / cx) % cy) - cj) ** 2 * sy * sy +
      (Math.floor(q / (cx * cy)) - ck) ** 2 * sz * sz;
    if (support[q] || !crop.lung[q] || (region[q] && !spiculeParts[q]) || d2 > r2) out[q] = 0;
  }
  return out;
}

/**
 * Partial-volume weight (mm³) of a solid or calcified nodule's cut-off spicules and lobulations
 * (`spiculeVoxels`) against its typical HU, as `segment.ts` weighs the rest of it.
 */
function spiculeVolume(seg: Segmented, reach: SpiculeReach): number {
  const extra = spiculeVoxels(seg, reach);
  if (!extra) return 0;
  const { smooth, spacing } = seg.crop;
  const span = seg.noduleHu - seg.parenchymaHu;
  if (!(span > 0)) return 0;
  let weight = 0;
  for (let q = 0; q < extra.length; q++) {
    if (extra[q]) weight += Math.max(0, Math.min(1, ((smooth[q] ?? 0) - seg.parenchymaHu) / span));
  }
  return weight * spacing[0] * spacing[1] * spacing[2];
}

/**
 * Partial-volume weighted volume (mm³) of a ground-glass or part-solid object. Its ground-glass
 * level g is the median smoothed HU of the object's interior voxels below `solidHu` (all six
 * neighbours in the object) that lie clear of its solid part (`levelClearOfSolidVoxels`; the
 * blurred edge of a solid core would lift the median above the ground glass); with fewer than 8
 * such voxels, of all interior ones, then of all of its voxels below `solidHu`. Interior voxels
 * count in full (`interiorInFull`: weighing them, noise above g is capped at 1 and noise below it
 * is not, a loss of ≈ 0.4·noise/contrast), and so does every voxel at or above g (ground glass, or
 * solid); the rest of the support, and with `spiculeReach` the cut-off spicules and their rim
 * (`spiculeVoxels`), count
 * (HU − parenchyma)/(g − parenchyma), floored at 0. `segment.ts` weighs against the object's 75th
 * percentile, which for a part-solid nodule can lie in its solid part, and for ground glass lies
 * above its level by the noise.
 */
export function groundGlassVolume(seg: Segmented, solidHu: number, opts: VolumeOptions): number {
  const { crop, core, support, parenchymaHu } = seg;
  const { dims, spacing, smooth } = crop;
  const [cx, cy, cz] = dims;
  const plane = cx * cy;
  let nearSolid: Uint8Array | undefined;
  const r = opts.levelClearOfSolidVoxels;
  if (r > 0) {
    const dense = new Uint8Array(core.length);
    let any = false;
    for (let q = 0; q < core.length; q++) {
      if (support[q] && (smooth[q] ?? 0) >= solidHu) {
        dense[q] = 1;
        any = true;
      }
    }
    if (any) nearSolid = dilateBox(dense, dims, [r, r, spacing[2] >= 2 ? 1 : r]);
  }
  const interior = new Uint8Array(core.length);
  const interiorLevels: number[] = [];
  const clearLevels: number[] = [];
  const all: number[] = [];
  for (let q = 0; q < core.length; q++) {
    if (!core[q]) continue;
    const v = smooth[q] ?? 0;
    if (v >= solidHu) continue;
    all.push(v);
    const i = q % cx;
    const j = Math.floor(q / cx) % cy;
    const k = Math.floor(q / plane);
    if (i === 0 || j === 0 || k === 0 || i === cx - 1 || j === cy - 1 || k === cz - 1) continue;
    if (core[q - 1] && core[q + 1] && core[q - cx] && core[q + cx] && core[q - plane] && core[q + plane]) {
      interior[q] = 1;
      interiorLevels.push(v);
      if (nearSolid && !nearSolid[q]) clearLevels.push(v);
    }
  }
  const levels = clearLevels.length >= 8 ? clearLevels : interiorLevels.length >= 8 ? interiorLevels : all;
  if (levels.length === 0) return seg.volumeMm3;
  levels.sort((a, b) => a - b);
  const g = levels[levels.length >> 1] ?? parenchymaHu;
  if (!(g > parenchymaHu)) return seg.volumeMm3;
  const extra = opts.spiculeReach ? spiculeVoxels(seg, opts.spiculeReach) : undefined;
  let weight = 0;
  for (let q = 0; q < support.length; q++) {
    if (!support[q] && !extra?.[q]) continue;
    const v = smooth[q] ?? 0;
    if (v >= g || (opts.interiorInFull && interior[q])) weight += 1;
    else weight += Math.max(0, (v - parenchymaHu) / (g - parenchymaHu));
  }
  return weight * spacing[0] * spacing[1] * spacing[2];
}

/** Whether any non-lung voxel of the crop lies within `mm` of a voxel of `mask` (crop faces do not count). */
function nearNonLung(
  mask: Uint8Array,
  lung: Uint8Array,
  dims: readonly [number, number, number],
  sp: readonly [number, number, number],
  mm: number,
): boolean {
  const [cx, cy, cz] = dims;
  const r = [0, 1, 2].map((a) => Math.floor(mm / (sp[a] ?? 1))) as [number, number, number];
  const offsets: number[][] = [];
  for (let dk = -r[2]; dk <= r[2]; dk++)
    for (let dj = -r[1]; dj <= r[1]; dj++)
      for (let di = -r[0]; di <= r[0]; di++)
        if ((di * sp[0]) ** 2 + (dj * sp[1]) ** 2 + (dk * sp[2]) ** 2 <= mm * mm) offsets.push([di, dj, dk]);
  for (let q = 0; q < mask.length; q++) {
    if (!mask[q]) continue;
    const i = q % cx;
    const j = Math.floor(q / cx) % cy;
    const k = Math.floor(q / (cx * cy));
    for (const [di = 0, dj = 0, dk = 0] of offsets) {
      const ii = i + di;
      const jj = j + dj;
      const kk = k + dk;
      if (ii < 0 || jj < 0 || kk < 0 || ii >= cx || jj >= cy || kk >= cz) continue;
      if (!lung[ii + cx * (jj + cy * kk)]) return true;
    }
  }
  return false;
}

/**
 * Voxels of air enclosed by the object in an axial slice (a bronchus cut across: a ring of wall
 * around a lumen darker than the parenchyma by more than `-maxContrastHu`).
 */
function enclosedLumen(seg: Segmented, maxContrastHu: number): number {
  const { dims, smooth } = seg.crop;
  const near = dilateBox(seg.core, dims, [2, 2, 1]);
  const local = new Uint8Array(near.length);
  for (let q = 0; q < local.length; q++) local[q] = near[q] && seg.region[q] ? 1 : 0;
  const filled = fillHoles2D(local, dims);
  let n = 0;
  const limit = seg.parenchymaHu + maxContrastHu;
  for (let q = 0; q < local.length; q++) if (filled[q] && !local[q] && (smooth[q] ?? 0) < limit) n++;
  return n;
}

function meanAxes(a: Axes2D | undefined): number {
  return a ? (a.longMm + a.shortMm) / 2 : 0;
}

/**
 * Measurements of one segmented nodule (Lung-RADS v2022 conventions, clinical-reference.md):
 * long/short axis on the axial slice of largest area of the half-contrast outline, mean diameter
 * rounded to 0.1 mm, partial-volume volume, HU statistics, solid component, type and location.
 */
export function measureNodule(
  ct: Volume,
  lungs: LungSegmentation,
  seg: Segmented,
  blobness: number,
  params: NoduleParams,
): Measured | undefined {
  const { crop, support, noduleHu, parenchymaHu } = seg;
  const { dims, spacing, smooth } = crop;
  const [cx, cy] = dims;
  const half = (noduleHu + parenchymaHu) / 2;
  const outline = new Uint8Array(support.length);
  let count = 0;
  let huSum = 0;
  let huSq = 0;
  let maxHu = Number.NEGATIVE_INFINITY;
  let calcified = 0;
  const solid = new Uint8Array(support.length);
  let wSum = 0;
  const wc = [0, 0, 0];
  const span = noduleHu - parenchymaHu;
  for (let q = 0; q < support.length; q++) {
    if (!support[q]) continue;
    const v = smooth[q] ?? 0;
    const w = Math.max(0, Math.min(1, (v - parenchymaHu) / span));
    wSum += w;
    wc[0] = (wc[0] ?? 0) + w * (q % cx);
    wc[1] = (wc[1] ?? 0) + w * (Math.floor(q / cx) % cy);
    wc[2] = (wc[2] ?? 0) + w * Math.floor(q / (cx * cy));
    // The outline is the object plus its rim, never the cut-off parts of the region (vessels).
    if (v <= half || (seg.region[q] && !seg.core[q])) continue;
    outline[q] = 1;
    count++;
    huSum += v;
    huSq += v * v;
    if (v > maxHu) maxHu = v;
    if (v > params.calcifiedHu) calcified++;
    if (v > params.solidHu) solid[q] = 1;
  }
  if (count === 0 || wSum === 0) return undefined;
  const main = largestSlice(outline, dims);
  const axes = axes2D(main.pixels, spacing[0], spacing[1]);
  if (!axes) return undefined;
  const meanDiameterMm = roundTenth((axes.longMm + axes.shortMm) / 2);
  const meanHu = huSum / count;
  // Spread of HU inside the outline relative to the contrast: vessel crossings are heterogeneous.
  const heterogeneity = Math.sqrt(Math.max(0, huSq / count - meanHu * meanHu)) / span;
  const solidMain = largestComponent(solid, dims);
  const solidSlice = largestSlice(solidMain, dims);
  const solidAxes = axes2D(solidSlice.pixels, spacing[0], spacing[1]);
  const solidMm = meanAxes(solidAxes);
  let type: NoduleType;
  if (calcified / count >= params.calcifiedFraction && maxHu > params.calcifiedHu) type = 'calcified';
  else if (noduleHu > params.solidMeanHu || solidMm >= 0.7 * meanDiameterMm) type = 'solid';
  else if (solidMm >= params.minSolidComponentMm) type = 'part-solid';
  else type = 'ground-glass';
  // Ground glass (and the ground glass of a part-solid nodule) is nodule tissue in full: weighted
  // against the nodule's dense part it would count a quarter of itself.
  // Cut-off parts count within 2 mm + two radii of the centre: the phantom's spicules reach 2 mm +
  // 0.3–0.9 radii past the core, its lobes half a radius.
  const spiculeReach: SpiculeReach | undefined =
    params.volumeSpiculeReachMm > 0
      ? {
          centre: [(wc[0] ?? 0) / wSum, (wc[1] ?? 0) / wSum, (wc[2] ?? 0) / wSum],
          radiusMm: params.volumeSpiculeReachMm + meanDiameterMm,
        }
      : undefined;
  const volumeMm3 =
    type === 'ground-glass' || type === 'part-solid'
      ? groundGlassVolume(seg, params.solidHu, {
          levelClearOfSolidVoxels: params.volumeLevelClearOfSolidVoxels,
          ...(spiculeReach ? { spiculeReach } : {}),
          interiorInFull: params.volumeInteriorInFull >= 1,
        })
      : seg.volumeMm3 + (spiculeReach ? spiculeVolume(seg, spiculeReach) : 0);

  const [b0, b1, b2] = crop.box;
  const toCt = (i: number, j: number, k: number): Vec3 => [b0 + i, b1 + j, b2 + k];
  const centerVoxel = toCt((wc[0] ?? 0) / wSum, (wc[1] ?? 0) / wSum, (wc[2] ?? 0) / wSum);
  const centerWorld = voxelToWorld(ct, centerVoxel);
  const box: [number, number, number, number, number, number] = [
    Infinity,
    Infinity,
    Infinity,
    -Infinity,
    -Infinity,
    -Infinity,
  ];
  const [nx, ny] = ct.dimensions;
  const list: number[] = [];
  for (let q = 0; q < outline.length; q++) {
    if (!outline[q]) continue;
    const i = b0 + (q % cx);
    const j = b1 + (Math.floor(q / cx) % cy);
    const k = b2 + Math.floor(q / (cx * cy));
    box[0] = Math.min(box[0], i);
    box[1] = Math.min(box[1], j);
    box[2] = Math.min(box[2], k);
    box[3] = Math.max(box[3], i);
    box[4] = Math.max(box[4], j);
    box[5] = Math.max(box[5], k);
    list.push(i + nx * (j + ny * k));
  }
  const sliceIndex = b2 + main.k;
  const w = (p: [number, number]): Vec3 => voxelToWorld(ct, toCt(p[0], p[1], main.k));
  const ci = Math.round(centerVoxel[0]);
  const cj = Math.round(centerVoxel[1]);
  const ck = Math.round(centerVoxel[2]);
  const where = lungs.zoneOf(ci, cj, ck);
  const { surface: contact, inPlane: inPlaneContact } = pleuralContacts(seg.core, crop.lung, dims);
  // Juxtapleural: the nodule lies within `juxtapleuralMm` of the lung boundary (pleura), looked up
  // in the crop (it extends ≥ 5 mm beyond the object) instead of a whole-lung distance map.
  const juxtapleural = contact > 0.02 || nearNonLung(outline, crop.lung, dims, spacing, params.juxtapleuralMm);
  const elong = elongation(seg.core, dims, spacing);
  // A bronchus cut across is a ring of wall around an air lumen darker than the parenchyma; a
  // nodule is densest in its middle.
  const lumen = enclosedLumen(seg, params.lumenMaxContrastHu) / Math.max(1, count);
  const sop = ct.metadata.sopInstanceUIDs[sliceIndex];
  const details: NoduleDetails = {
    type,
    centerVoxel,
    centerWorld,
    boxVoxel: box,
    longAxisMm: roundTenth(axes.longMm),
    shortAxisMm: roundTenth(axes.shortMm),
    meanDiameterMm,
    volumeMm3: Math.round(volumeMm3),
    meanHu: Math.round(meanHu),
    maxHu: Math.round(maxHu),
    ...(type === 'part-solid' ? { solidComponentMm: roundTenth(solidMm) } : {}),
    ...(where ? { side: where.side, zone: where.zone, lobe: where.lobe } : {}),
    juxtapleural,
    perifissural: false,
    isMass: meanDiameterMm > params.massMm,
    confidence: 0,
    longAxisWorld: [w(axes.longEnds[0]), w(axes.longEnds[1])],
    shortAxisWorld: [w(axes.shortEnds[0]), w(axes.shortEnds[1])],
    sliceIndex,
    ...(sop ? { referencedSopInstanceUID: sop } : {}),
    shape: {
      elongation: Math.round(elong * 100) / 100,
      blobness: Math.round(blobness * 100) / 100,
      pleuralContact: Math.round(contact * 100) / 100,
      inPlaneContact: Math.round(inPlaneContact * 100) / 100,
      heterogeneity: Math.round(heterogeneity * 100) / 100,
      attachments: seg.attachments,
      spicules: seg.spicules,
      throughVessel: Math.round(seg.throughVessel * 100) / 100,
      neckRatio: Math.round(seg.neckRatio * 100) / 100,
      coreBlobness: Math.round(seg.coreBlobness * 100) / 100,
      lumen: Math.round(lumen * 1000) / 1000,
    },
  };
  details.confidence = candidateConfidence(details, parenchymaHu, spacing[2], elong, params);
  return { details, voxels: Uint32Array.from(list) };
}

/**
 * How likely a measured candidate is a nodule: the boosted-tree ranker (ranker.ts, fitted on tuning
 * phantoms by scripts/fit-nodule-ranker.ts) over its shape, size, attenuation and contact facts.
 * Blob-like, round, free-standing objects are nodules; vessel crossings and bronchi are less
 * blob-like, longer, have more or thicker vessels cut off or enclose air. Compact lesions of at
 * least `largeLesionMm` have passed the segmentation's vessel tests (crop, neck, elongation) already
 * and get at least `largeLesionConfidence`, while large irregular or elongated opacities
 * (consolidation or ground-glass patches) keep their score.
 */
function candidateConfidence(
  details: NoduleDetails,
  parenchymaHu: number,
  sliceSpacingMm: number,
  elong: number,
  params: NoduleParams,
): number {
  const p =
    1 / (1 + Math.exp(-rankerLogit(noduleRanker, rankerFeatures(details, Math.round(parenchymaHu), sliceSpacingMm))));
  const largeCompact = details.meanDiameterMm >= params.largeLesionMm && elong <= params.largeLesionMaxElongation;
  return Math.round(Math.max(p, largeCompact ? params.largeLesionConfidence : 0) * 1000) / 1000;
}
