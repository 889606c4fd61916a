import {
  dilateBall,
  dilateBox,
  distanceTransform,
  gaussianSmooth,
  labelComponents,
  openBall,
  type Volume,
} from '@lingshu/imaging';
import { LungLabel } from '../lungs/types.js';
import type { Seed } from './candidates.js';
import { blobnessAt } from './hessian.js';
import type { NoduleParams } from './params.js';

/** A crop of the CT around a candidate, on the CT grid. */
export interface Crop {
  /** Inclusive CT voxel box [i0, j0, k0, i1, j1, k1]. */
  box: [number, number, number, number, number, number];
  dims: [number, number, number];
  spacing: [number, number, number];
  /** Lightly smoothed HU with non-lung set to the parenchyma level. */
  smooth: Float32Array;
  lung: Uint8Array;
}

export interface Segmented {
  crop: Crop;
  /** The nodule after vessel removal (opening), crop grid. */
  core: Uint8Array;
  /** The thresholded region before vessel removal (crop grid). */
  region: Uint8Array;
  /** Voxels that count towards volume (core plus its partial-volume rim, no vessel parts). */
  support: Uint8Array;
  /** Typical nodule HU (75th percentile of the core) and parenchyma HU. */
  noduleHu: number;
  parenchymaHu: number;
  /** Partial-volume weighted volume, mm³. */
  volumeMm3: number;
  /** Opening radius that separated it (mm). */
  openingMm: number;
  /**
   * Separate structures cut off right next to the object that run out of the crop (vessels), and
   * the thickest one's radius there (mm).
   */
  attachments: number;
  neckMm: number;
  /** Structures cut off right next to the object that end inside the crop (spicules, lobulations). */
  spicules: number;
  /**
   * Every part the opening cut off that reaches no face of the crop (the object's own spicules and
   * lobulations): the cut-off parts' component labels (crop grid) and, per label, 1 for such a
   * part; absent when it cut off no such part (`spiculeMask` gives the voxels).
   */
  spiculeParts?: { labels: Int32Array; own: Uint8Array };
  /**
   * How squarely two vessel stumps face each other across the object: max over pairs of
   * −cos(angle between their directions from the object's centre), 0 when none are opposed.
   * Near 1, the object is a stretch of one vessel running through (a thicker segment, a crossing).
   */
  throughVessel: number;
  /** `neckMm` relative to the object's own largest inscribed radius (0 without attachments). */
  neckRatio: number;
  /**
   * Hessian blobness of the object itself (its support, cut-off vessels left out) at its centre and
   * equivalent-sphere scale: the seed's blobness also sees the vessels around it.
   */
  coreBlobness: number;
}

export type SegmentOutcome = { ok: true; value: Segmented } | { ok: false; reason: string };

/** Contrast above parenchyma (HU) up to which the region includes ground-glass halos. */
const GGN_CONTRAST_HU = 110;

function extractCrop(ct: Volume, labels: Uint8Array, seed: Seed, halfMm: number, parenchymaHu: number): Crop {
  const [nx, ny, nz] = ct.dimensions;
  const sp = ct.spacing;
  const c = [seed.i, seed.j, seed.k];
  const n = [nx, ny, nz];
  const box = [0, 0, 0, 0, 0, 0] as [number, number, number, number, number, number];
  for (let a = 0; a < 3; a++) {
    const h = Math.max(2, Math.ceil(halfMm / (sp[a] ?? 1)));
    box[a] = Math.max(0, (c[a] ?? 0) - h);
    box[a + 3] = Math.min((n[a] ?? 1) - 1, (c[a] ?? 0) + h);
  }
  const dims: [number, number, number] = [box[3] - box[0] + 1, box[4] - box[1] + 1, box[5] - box[2] + 1];
  const values = new Float32Array(dims[0] * dims[1] * dims[2]);
  const lung = new Uint8Array(values.length);
  let q = 0;
  for (let k = box[2]; k <= box[5]; k++) {
    for (let j = box[1]; j <= box[4]; j++) {
      const row = nx * (j + ny * k);
      for (let i = box[0]; i <= box[3]; i++, q++) {
        const l = labels[row + i];
        if (l === LungLabel.RightLung || l === LungLabel.LeftLung) {
          lung[q] = 1;
          values[q] = ct.voxels[row + i] ?? 0;
        } else values[q] = parenchymaHu;
      }
    }
  }
  const spacing: [number, number, number] = [sp[0], sp[1], sp[2]];
  // Light smoothing against low-dose noise; along thick slices it is nearly a no-op.
  const smooth = gaussianSmooth(values, dims, spacing, 0.6);
  return { box, dims, spacing, smooth, lung };
}

/** Component of `mask` containing voxel `p`, or of the voxel of `mask` nearest to it within `maxVoxels`. */
function componentAt(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  p: number,
  maxVoxels: number,
): Uint8Array | undefined {
  const [nx, ny, nz] = dims;
  let start = mask[p] ? p : -1;
  if (start < 0) {
    const ci = p % nx;
    const cj = Math.floor(p / nx) % ny;
    const ck = Math.floor(p / (nx * ny));
    let best = Number.POSITIVE_INFINITY;
    for (let dk = -maxVoxels; dk <= maxVoxels; dk++) {
      for (let dj = -maxVoxels; dj <= maxVoxels; dj++) {
        for (let di = -maxVoxels; di <= maxVoxels; di++) {
          const i = ci + di;
          const j = cj + dj;
          const k = ck + dk;
          if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
          const q = i + nx * (j + ny * k);
          const d = di * di + dj * dj + dk * dk;
          if (mask[q] && d < best) {
            best = d;
            start = q;
          }
        }
      }
    }
  }
  if (start < 0) return undefined;
  const comps = labelComponents(mask, dims, 6);
  const label = comps.labels[start];
  const out = new Uint8Array(mask.length);
  for (let q = 0; q < out.length; q++) if (comps.labels[q] === label) out[q] = 1;
  return out;
}

/**
 * Frees an object from a passing vessel thicker than itself, which no opening removes: in the
 * region at `level` (half the object's contrast, where the two keep their own outlines) the
 * object's deepest point near the seed, the lowest erosion (a fraction of that depth) whose part
 * there no longer runs out of the crop, grown back by the same radius within the region.
 */
function erosionSplit(
  region: Uint8Array,
  smooth: Float32Array,
  level: number,
  crop: Crop,
  volumeDims: readonly number[],
  seedAt: number,
  radiusMm: number,
  maxRadiusMm: number,
): { core: Uint8Array; radiusMm: number } | undefined {
  const { dims, spacing } = crop;
  const half = new Uint8Array(region.length);
  for (let q = 0; q < half.length; q++) half[q] = region[q] && (smooth[q] ?? 0) > level ? 1 : 0;
  const depth = distanceTransform(half, dims, spacing);
  let peakAt = -1;
  let peak = 0;
  forBall(dims, spacing, seedAt, 0.5 * radiusMm, (q) => {
    if ((depth[q] ?? 0) > peak) {
      peak = depth[q] ?? 0;
      peakAt = q;
    }
  });
  if (peakAt < 0 || peak > maxRadiusMm) return undefined;
  const minMm = Math.min(spacing[0], spacing[1]);
  // Most seeds here sit on a vessel whose eroded part runs out of the crop at every level: the
  // flood stops at the first open face instead of labelling the whole crop each time.
  const queue = new Int32Array(half.length);
  for (const f of [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
    const rho = f * peak;
    if (rho < minMm) continue;
    const part = partUnlessFace((q) => (depth[q] ?? 0) > rho, crop, volumeDims, peakAt, queue);
    if (!part) continue;
    const grown = dilateBall(part, dims, spacing, rho);
    const core = partUnlessFace((q) => grown[q] === 1 && half[q] === 1, crop, volumeDims, peakAt, queue);
    if (core) return { core, radiusMm: rho };
  }
  return undefined;
}

/**
 * The 6-connected part of the voxels where `inside` holds that contains `start`, or undefined when
 * `start` is not inside or the part reaches an open crop face (as `componentAt` at `start` followed
 * by `touchesCropFace` decide, without labelling the whole crop). `queue` holds the crop's voxel count.
 */
function partUnlessFace(
  inside: (q: number) => boolean,
  crop: Crop,
  volumeDims: readonly number[],
  start: number,
  queue: Int32Array,
): Uint8Array | undefined {
  if (!inside(start)) return undefined;
  const [cx, cy, cz] = crop.dims;
  const open = openFaces(crop, volumeDims);
  const plane = cx * cy;
  const out = new Uint8Array(plane * cz);
  out[start] = 1;
  queue[0] = start;
  let head = 0;
  let tail = 1;
  const visit = (q: number): void => {
    if (!out[q] && inside(q)) {
      out[q] = 1;
      queue[tail++] = q;
    }
  };
  while (head < tail) {
    const q = queue[head++] ?? 0;
    const i = q % cx;
    const j = Math.floor(q / cx) % cy;
    const k = Math.floor(q / plane);
    if ((i === 0 && open[0]) || (j === 0 && open[1]) || (k === 0 && open[2])) return undefined;
    if ((i === cx - 1 && open[3]) || (j === cy - 1 && open[4]) || (k === cz - 1 && open[5])) return undefined;
    if (i > 0) visit(q - 1);
    if (i < cx - 1) visit(q + 1);
    if (j > 0) visit(q - cx);
    if (j < cy - 1) visit(q + cx);
    if (k > 0) visit(q - plane);
    if (k < cz - 1) visit(q + plane);
  }
  return out;
}

/** Open crop faces (not the volume's own edges): [i0, j0, k0, i1, j1, k1]. */
function openFaces(crop: Crop, volumeDims: readonly number[]): boolean[] {
  const b = crop.box;
  return [
    b[0] > 0,
    b[1] > 0,
    b[2] > 0,
    b[3] < (volumeDims[0] ?? 0) - 1,
    b[4] < (volumeDims[1] ?? 0) - 1,
    b[5] < (volumeDims[2] ?? 0) - 1,
  ];
}

/** The voxels of a segmented object's own cut-off parts (`Segmented.spiculeParts`), crop grid. */
export function spiculeMask(parts: NonNullable<Segmented['spiculeParts']>): Uint8Array {
  const { labels, own } = parts;
  const out = new Uint8Array(labels.length);
  for (let q = 0; q < out.length; q++) out[q] = own[labels[q] ?? 0] ?? 0;
  return out;
}

/** Bits of `labelsReachingCropFace`: a voxel on an open face of the crop (not the volume's own edge), on any face. */
const OPEN_FACE = 1;
const ANY_FACE = 2;

/** Per component label (of `count`): which faces of the crop it reaches (`OPEN_FACE`, `ANY_FACE`), in one pass. */
function labelsReachingCropFace(
  labels: Int32Array,
  count: number,
  crop: Crop,
  volumeDims: readonly number[],
): Uint8Array {
  const [cx, cy, cz] = crop.dims;
  const open = openFaces(crop, volumeDims);
  const out = new Uint8Array(count);
  for (let k = 0, q = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++, q++) {
        const l = labels[q] ?? 0;
        if (l === 0) continue;
        const low = i === 0 || j === 0 || k === 0;
        const high = i === cx - 1 || j === cy - 1 || k === cz - 1;
        if (!low && !high) continue;
        out[l] = (out[l] ?? 0) | ANY_FACE;
        if ((i === 0 && open[0]) || (j === 0 && open[1]) || (k === 0 && open[2])) out[l] = (out[l] ?? 0) | OPEN_FACE;
        if ((i === cx - 1 && open[3]) || (j === cy - 1 && open[4]) || (k === cz - 1 && open[5]))
          out[l] = (out[l] ?? 0) | OPEN_FACE;
      }
    }
  }
  return out;
}

/** Whether the mask reaches a face of the crop that is not the volume's own edge. */
function touchesCropFace(mask: Uint8Array, crop: Crop, volumeDims: readonly number[]): boolean {
  const [cx, cy, cz] = crop.dims;
  const open = openFaces(crop, volumeDims);
  for (let k = 0, q = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++, q++) {
        if (!mask[q]) continue;
        if ((i === 0 && open[0]) || (j === 0 && open[1]) || (k === 0 && open[2])) return true;
        if ((i === cx - 1 && open[3]) || (j === cy - 1 && open[4]) || (k === cz - 1 && open[5])) return true;
      }
    }
  }
  return false;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN;
}

/**
 * Segments one candidate at full resolution: a region at a low threshold (ground-glass level,
 * or midway to the nodule's core when fainter), the seed's connected component inside the lung,
 * vessels cut off by a ball opening whose radius grows with the nodule (0.45–0.8 × its radius;
 * 0.95 for a seed that passed a stricter blob test) until the object no longer runs out of the
 * crop (a vessel or the hilum always does), and a partial-volume weighted volume:
 * Σ clamp((HU − parenchyma)/(nodule − parenchyma), 0, 1)·voxel.
 */
export function segmentCandidate(
  ct: Volume,
  labels: Uint8Array,
  seed: Seed,
  parenchymaHu: number,
  params: NoduleParams,
): SegmentOutcome {
  const r = seed.radiusMm;
  const crop = extractCrop(ct, labels, seed, 2.5 * r + 5, parenchymaHu);
  const { dims, spacing, smooth, lung } = crop;
  const [cx, cy] = dims;
  const sp = seed.i - crop.box[0] + cx * (seed.j - crop.box[1] + cy * (seed.k - crop.box[2]));
  // Core estimate: mean within 0.4 r of the seed.
  const coreR2 = Math.max(spacing[0] ** 2, (0.4 * r) ** 2);
  let coreSum = 0;
  let coreN = 0;
  forBall(dims, spacing, sp, Math.sqrt(coreR2), (q) => {
    coreSum += smooth[q] ?? 0;
    coreN++;
  });
  const coreHu = coreN > 0 ? coreSum / coreN : parenchymaHu;
  const contrast = coreHu - parenchymaHu;
  if (contrast < 40) return { ok: false, reason: 'faint' };
  const t0 = parenchymaHu + Math.min(0.5 * contrast, GGN_CONTRAST_HU);
  // A ground-glass channel seed is segmented within the band: a vessel running into or through
  // the nodule leaves a groove instead of joining it to the vessel tree, and stays out of its volume.
  // A dense centre is a solid or part-solid nodule: the regular seeds segment it whole.
  const bandMax = seed.groundGlass ? params.ggnChannelMaxHu : Number.POSITIVE_INFINITY;
  if (coreHu >= bandMax) return { ok: false, reason: 'dense-core' };
  const region = new Uint8Array(smooth.length);
  for (let q = 0; q < region.length; q++) {
    const v = smooth[q] ?? 0;
    region[q] = lung[q] && v > t0 && v < bandMax ? 1 : 0;
  }
  const maxV = Math.max(1, Math.round((0.5 * r) / spacing[0]));
  const r0 = componentAt(region, dims, sp, maxV);
  if (!r0) return { ok: false, reason: 'no-region' };
  let core: Uint8Array | undefined;
  let openingMm = 0;
  const minOpen = 0.75 * Math.min(spacing[0], spacing[1]);
  // A seed that is a blob at its own scale may open wider: a vessel as thick as 0.8 of its radius
  // (a hilar vessel beside a large nodule) then comes off too.
  const factors = [0.45, 0.6, 0.8];
  if (seed.blobness >= params.wideOpeningMinBlobness) factors.push(params.wideOpeningFactor);
  for (const factor of factors) {
    openingMm = Math.max(minOpen, factor * r);
    const opened = openBall(r0, dims, spacing, openingMm);
    const comp = componentAt(opened, dims, sp, Math.max(1, Math.round(r / spacing[0])));
    if (comp && !touchesCropFace(comp, crop, ct.dimensions)) {
      core = comp;
      break;
    }
  }
  // No opening frees it: a passing vessel thicker than the opening. Eroded, the two come apart;
  // the seed's part grown back by the same radius (within the region) is the object.
  if (!core && params.erosionSplit) {
    const level = parenchymaHu + 0.5 * contrast;
    const freed = erosionSplit(r0, smooth, level, crop, ct.dimensions, sp, r, 0.5 * params.vesselSideMaxDiameterMm);
    if (freed) {
      core = freed.core;
      openingMm = freed.radiusMm;
    }
  }
  if (!core) return { ok: false, reason: 'extends-beyond-crop' };
  // A larger ball that keeps nearly all of the object trims the fillet where a vessel joins it.
  let coreCount = 0;
  for (let q = 0; q < core.length; q++) coreCount += core[q] ?? 0;
  let trimmedCore = core;
  for (const factor of [0.55, 0.65, 0.75]) {
    const radius = Math.max(minOpen, factor * r);
    if (radius <= openingMm) continue;
    const trimmed = componentAt(
      openBall(core, dims, spacing, radius),
      dims,
      sp,
      Math.max(1, Math.round(r / spacing[0])),
    );
    if (!trimmed) break;
    let n = 0;
    for (let q = 0; q < trimmed.length; q++) n += trimmed[q] ?? 0;
    if (n < 0.75 * coreCount) break;
    trimmedCore = trimmed;
  }
  core = trimmedCore;
  // Thick slices: clip to the seed slice's section (`clipToSeedSlice`); what the clip takes off
  // along the pleura is its partial-volume band, not a vessel stump (nor is such a cut-off part below).
  const thick = spacing[2] >= params.sliceClipMinSpacingMm;
  // The in-plane band along non-lung, built only when some part is left out (most seeds leave none).
  let nearPleura: Uint8Array | undefined;
  const band = (parts: Uint8Array): Uint8Array => {
    nearPleura ??= nearNonLungInPlane(lung, dims, spacing, params.pleuralBandMm);
    return pleuralBand(parts, nearPleura, dims, params.pleuralBandMinFraction);
  };
  let clippedAway: Uint8Array | undefined;
  if (thick) {
    const clipped = clipToSeedSlice(core, dims, spacing, sp, params.sliceClipMarginMm);
    const comp = componentAt(clipped, dims, sp, Math.max(1, Math.round(r / spacing[0])));
    if (comp) {
      const away = new Uint8Array(core.length);
      let anyAway = false;
      for (let q = 0; q < core.length; q++) {
        away[q] = core[q] && !comp[q] ? 1 : 0;
        if (away[q]) anyAway = true;
      }
      if (anyAway) clippedAway = band(away);
      core = comp;
    }
  }
  // Neck test: what the opening cut off next to the object must be clearly thinner than the
  // object (a vessel beside a nodule); a cut-off part as thick as the rest means the "object" is
  // only a thicker stretch of a vessel or a branching point.
  const coreDist = distanceTransform(core, dims, spacing);
  let coreR = 0;
  for (let q = 0; q < core.length; q++) if ((coreDist[q] ?? 0) > coreR) coreR = coreDist[q] ?? 0;
  // Voxels touching the core (incl. the caps one slice above/below that thick slices leave after
  // the opening) are its own partial-volume rim, not attachments.
  const near = dilateBox(core, dims, [1, 1, 1]);
  const removed = new Uint8Array(core.length);
  let anyRemoved = false;
  for (let q = 0; q < core.length; q++) {
    if (r0[q] && !near[q] && !clippedAway?.[q]) {
      removed[q] = 1;
      anyRemoved = true;
    }
  }
  if (anyRemoved && thick) {
    const alongPleura = band(removed);
    for (let q = 0; q < removed.length; q++) if (alongPleura[q]) removed[q] = 0;
  }
  let neckMm = 0;
  let attachments = 0;
  let spicules = 0;
  let throughVessel = 0;
  let spiculeParts: Segmented['spiculeParts'];
  if (anyRemoved) {
    const ring = dilateBall(core, dims, spacing, coreR + Math.max(spacing[0], spacing[1], spacing[2]));
    const removedDist = distanceTransform(removed, dims, spacing);
    const nearRing = dilateBox(core, dims, [2, 2, 1]);
    // A cut-off structure that runs out of the crop (≥ 1.5 radii + 5 mm beyond the object) is a
    // vessel; one that ends inside it is the object's own spicule or lobulation.
    const parts = labelComponents(removed, dims, 26);
    const faces = labelsReachingCropFace(parts.labels, parts.sizes.length, crop, ct.dimensions);
    const isVessel = (q: number): boolean => ((faces[parts.labels[q] ?? 0] ?? 0) & OPEN_FACE) !== 0;
    // The object's own parts for its volume: those that reach no face at all (a vessel that runs
    // to the first or last slice inside the crop is no spicule of it). Only labels here: the mask
    // is built when the nodule is measured (most segmented candidates are not).
    const own = new Uint8Array(parts.sizes.length);
    let anyOwn = false;
    for (let l = 1; l < own.length; l++) {
      if (!faces[l]) {
        own[l] = 1;
        anyOwn = true;
      }
    }
    if (anyOwn) spiculeParts = { labels: parts.labels, own };
    const touching = new Uint8Array(core.length);
    for (let q = 0; q < core.length; q++) {
      if (ring[q] && removed[q] && isVessel(q) && (removedDist[q] ?? 0) > neckMm) neckMm = removedDist[q] ?? 0;
      if (removed[q] && nearRing[q]) touching[q] = 1;
    }
    // Each separate stump right beside the object is one attached structure: a vessel branch
    // when its part leaves the crop, else a spicule.
    const comps = labelComponents(touching, dims, 26);
    const stumpIsVessel = new Uint8Array(comps.sizes.length);
    for (let q = 0; q < core.length; q++) {
      const c = comps.labels[q] ?? 0;
      if (c > 0 && isVessel(q)) stumpIsVessel[c] = 1;
    }
    for (let c = 1; c < comps.sizes.length; c++) {
      if ((comps.sizes[c] ?? 0) < 3) stumpIsVessel[c] = 0;
      else if (stumpIsVessel[c]) attachments++;
      else spicules++;
    }
    if (attachments >= 2) throughVessel = opposedStumps(comps.labels, stumpIsVessel, core, dims, spacing);
  }
  const neckRatio = coreR > 0 ? neckMm / coreR : 0;
  if (neckMm > params.maxNeckRatio * coreR) return { ok: false, reason: 'thick-attachment' };
  const huValues: number[] = [];
  for (let q = 0; q < core.length; q++) if (core[q]) huValues.push(smooth[q] ?? 0);
  const noduleHu = percentile(huValues, 0.75);
  if (!(noduleHu - parenchymaHu >= params.minContrastHu)) return { ok: false, reason: 'faint' };
  // Partial-volume rim: one voxel-diagonal around the core, inside the lung, minus the cut-off
  // attachments (voxels of the region not touching the object).
  const rim = dilateBall(core, dims, spacing, 1.01 * Math.max(spacing[0], spacing[1], Math.min(spacing[2], 1.5)));
  const support = new Uint8Array(core.length);
  const span = noduleHu - parenchymaHu;
  let weight = 0;
  for (let q = 0; q < support.length; q++) {
    if (!rim[q] || !lung[q] || removed[q] || (smooth[q] ?? 0) >= bandMax) continue;
    support[q] = 1;
    weight += Math.max(0, Math.min(1, ((smooth[q] ?? 0) - parenchymaHu) / span));
  }
  const volumeMm3 = weight * spacing[0] * spacing[1] * spacing[2];
  const coreBlobness = supportBlobness(smooth, support, dims, spacing, parenchymaHu, params.hessianClipHu);
  return {
    ok: true,
    value: {
      crop,
      core,
      region: r0,
      support,
      noduleHu,
      parenchymaHu,
      volumeMm3,
      openingMm,
      attachments,
      spicules,
      ...(spiculeParts ? { spiculeParts } : {}),
      throughVessel,
      neckMm,
      neckRatio,
      coreBlobness,
    },
  };
}

/** 1 where a crop voxel lies within `mm` in-plane (square neighbourhood, same slice) of non-lung. */
function nearNonLungInPlane(
  lung: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  mm: number,
): Uint8Array {
  const notLung = new Uint8Array(lung.length);
  for (let q = 0; q < lung.length; q++) notLung[q] = lung[q] ? 0 : 1;
  const radii = [Math.max(1, Math.round(mm / spacing[0])), Math.max(1, Math.round(mm / spacing[1])), 0] as const;
  return dilateBox(notLung, dims, radii);
}

/**
 * The components of `parts` (26-connected) that lie along the pleura: at least `minFraction` of
 * their voxels within the band marked in `nearPleura` (the partial-volume band of an oblique
 * chest wall or mediastinum on thick slices, not a vessel, which only ends there). 1 where so.
 */
function pleuralBand(
  parts: Uint8Array,
  nearPleura: Uint8Array,
  dims: readonly [number, number, number],
  minFraction: number,
): Uint8Array {
  const comps = labelComponents(parts, dims, 26);
  const inBand = new Uint32Array(comps.sizes.length);
  for (let q = 0; q < parts.length; q++)
    if (parts[q] && nearPleura[q]) {
      const c = comps.labels[q] ?? 0;
      inBand[c] = (inBand[c] ?? 0) + 1;
    }
  const out = new Uint8Array(parts.length);
  for (let q = 0; q < parts.length; q++) {
    const c = comps.labels[q] ?? 0;
    if (parts[q] && (inBand[c] ?? 0) >= minFraction * (comps.sizes[c] ?? 1)) out[q] = 1;
  }
  return out;
}

/**
 * Thick slices: the object's cross-section in each slice away from the seed's must lie within the
 * kept cross-section of the slice before it (towards the seed), widened by `marginMm` in-plane.
 * Where the pleura or mediastinum runs obliquely through a thick slice, its partial-volume band
 * lies inside the lung mask, several millimetres wide (too wide for the opening), and joins a
 * nearby nodule through the slice above or below; a nodule's own sections taper away from its
 * widest slice and stay within the one before.
 */
export function clipToSeedSlice(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  seedIndex: number,
  marginMm: number,
): Uint8Array {
  const [cx, cy, cz] = dims;
  const plane = cx * cy;
  const ks = Math.floor(seedIndex / plane);
  const out = new Uint8Array(mask.length);
  out.set(mask.subarray(ks * plane, (ks + 1) * plane), ks * plane);
  const radii = [
    Math.max(1, Math.round(marginMm / spacing[0])),
    Math.max(1, Math.round(marginMm / spacing[1])),
    0,
  ] as const;
  for (const step of [1, -1]) {
    for (let k = ks + step; k >= 0 && k < cz; k += step) {
      const prev = (k - step) * plane;
      // The previous slice's kept section, widened in-plane.
      const widened = dilateBox(out.slice(prev, prev + plane), [cx, cy, 1], radii);
      let any = 0;
      const base = k * plane;
      for (let q = 0; q < plane; q++) {
        const v = mask[base + q] && widened[q] ? 1 : 0;
        out[base + q] = v;
        any |= v;
      }
      if (!any) break;
    }
  }
  return out;
}

/**
 * Max over pairs of the stumps marked in `keep` (component labels of `stumps`) of −cos of the angle
 * between their directions from the centroid of `core` (mm), floored at 0.
 */
export function opposedStumps(
  stumps: Int32Array,
  keep: Uint8Array,
  core: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
): number {
  const [nx, ny] = dims;
  // Coordinate sums (x, y, z, count) per stump label; label 0 holds the core's.
  const sums = new Float64Array(4 * keep.length);
  for (let q = 0; q < core.length; q++) {
    const c = stumps[q] ?? 0;
    const slot = core[q] ? 0 : c > 0 && keep[c] ? c : -1;
    if (slot < 0) continue;
    sums[4 * slot] = (sums[4 * slot] ?? 0) + (q % nx) * spacing[0];
    sums[4 * slot + 1] = (sums[4 * slot + 1] ?? 0) + (Math.floor(q / nx) % ny) * spacing[1];
    sums[4 * slot + 2] = (sums[4 * slot + 2] ?? 0) + Math.floor(q / (nx * ny)) * spacing[2];
    sums[4 * slot + 3] = (sums[4 * slot + 3] ?? 0) + 1;
  }
  const mean = (slot: number, a: number): number => (sums[4 * slot + a] ?? 0) / (sums[4 * slot + 3] ?? 1);
  if (!sums[3]) return 0;
  const dirs: Array<[number, number, number]> = [];
  for (let c = 1; c < keep.length; c++) {
    if (!keep[c] || !sums[4 * c + 3]) continue;
    const dx = mean(c, 0) - mean(0, 0);
    const dy = mean(c, 1) - mean(0, 1);
    const dz = mean(c, 2) - mean(0, 2);
    const len = Math.hypot(dx, dy, dz);
    if (len > 0) dirs.push([dx / len, dy / len, dz / len]);
  }
  let best = 0;
  for (let a = 0; a < dirs.length; a++) {
    for (let b = a + 1; b < dirs.length; b++) {
      const [ux, uy, uz] = dirs[a] ?? [0, 0, 0];
      const [vx, vy, vz] = dirs[b] ?? [0, 0, 0];
      best = Math.max(best, -(ux * vx + uy * vy + uz * vz));
    }
  }
  return best;
}

/** Blobness (hessian.ts) of the contrast inside `support` (clipped at `clipHu`), at its centroid and equivalent-sphere scale. */
function supportBlobness(
  smooth: Float32Array,
  support: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  parenchymaHu: number,
  clipHu: number,
): number {
  const [nx, ny] = dims;
  const values = new Float32Array(support.length);
  let n = 0;
  let si = 0;
  let sj = 0;
  let sk = 0;
  for (let q = 0; q < support.length; q++) {
    if (!support[q]) continue;
    values[q] = Math.max(0, Math.min(clipHu, (smooth[q] ?? 0) - parenchymaHu));
    n++;
    si += q % nx;
    sj += Math.floor(q / nx) % ny;
    sk += Math.floor(q / (nx * ny));
  }
  if (n === 0) return 0;
  const radiusMm = Math.cbrt((3 * n * spacing[0] * spacing[1] * spacing[2]) / (4 * Math.PI));
  return blobnessAt(
    values,
    dims,
    spacing,
    Math.round(si / n),
    Math.round(sj / n),
    Math.round(sk / n),
    radiusMm / Math.sqrt(3),
  );
}

/** Calls `fn` for every crop voxel within `radiusMm` of voxel `p`. */
export function forBall(
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  p: number,
  radiusMm: number,
  fn: (q: number) => void,
): void {
  const [nx, ny, nz] = dims;
  const ci = p % nx;
  const cj = Math.floor(p / nx) % ny;
  const ck = Math.floor(p / (nx * ny));
  const ri = Math.floor(radiusMm / spacing[0]);
  const rj = Math.floor(radiusMm / spacing[1]);
  const rk = Math.floor(radiusMm / spacing[2]);
  const r2 = radiusMm * radiusMm;
  for (let dk = -rk; dk <= rk; dk++) {
    const k = ck + dk;
    if (k < 0 || k >= nz) continue;
    for (let dj = -rj; dj <= rj; dj++) {
      const j = cj + dj;
      if (j < 0 || j >= ny) continue;
      for (let di = -ri; di <= ri; di++) {
        const i = ci + di;
        if (i < 0 || i >= nx) continue;
        const d2 = (di * spacing[0]) ** 2 + (dj * spacing[1]) ** 2 + (dk * spacing[2]) ** 2;
        if (d2 <= r2) fn(i + nx * (j + ny * k));
      }
    }
  }
}
