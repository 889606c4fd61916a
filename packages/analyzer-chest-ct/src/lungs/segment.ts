import {
  boundingBox,
  boxDims,
  cropMask,
  type Dims3,
  dilateBox,
  downsampledDims,
  downsampleMean,
  erodeBox,
  expandBox,
  type Factors3,
  labelComponents,
  pasteMask,
  type Spacing3,
  thresholdMask,
  upsampleLabels,
  type Volume,
} from '@lingshu/imaging';
import { type AirwayOptions, defaultAirwayOptions, segmentAirways } from './airways.js';
import { segmentBody } from './body.js';
import { chooseLungs, splitJoined } from './chooseLungs.js';
import { applySideClosing, closeSide, type SideClosing, type SideClosingJob } from './closeSide.js';
import { checkAborted, coarseFactors, coarseSpacing, type GridInfo, gridInfo } from './grid.js';
import { parenchymaMask } from './parenchyma.js';
import { pleuralDistanceLookup } from './pleural.js';
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
  const stage = lungsUntilClosing(ct, options);
  // Per side: close with a ball (juxtapleural nodules, hilar vessels and masses) and fill 2D
  // holes (vessels, nodules inside the lung). The ball closing runs on the twice-coarser grid
  // (8× fewer voxels); only blocks holding no lung are taken from it, and a one-block closing on
  // the working grid seals the seam between them and the lung, so the pleural boundary stays
  // where the working grid put it.
  // Voxels the closing adds on the medial border (hilum, mediastinal fat and vessels, masses
  // abutting the mediastinum): in the lung mask for nodule detection, not parenchyma for density
  // measures (see medialAdditions).
  for (const side of [LungLabel.RightLung, LungLabel.LeftLung] as const) {
    const closing = closeSide(sideJob(stage, side));
    if (closing) applySideClosing(stage.lab, stage.medial, stage.grid.dims, closing);
    checkAborted(options.signal);
  }
  return lungsAfterClosing(ct, options, stage);
}

/**
 * segmentLungs with the left lung closed by `closeLeft` (another thread) while this one closes
 * the right: the same labels, since each closing reads only its own side and both are applied
 * in segmentLungs's order. Wants `sharedMemory` (the other thread reads the working grid's labels).
 * With `shareBlockMeans` the working grid's block means are computed by both threads as well
 * (blockMeansTogether).
 */
export async function segmentLungsSharing(
  ct: Volume,
  options: LungSegmentationOptions,
  closeLeft: (job: SideClosingJob) => Promise<SideClosing | undefined>,
  shareBlockMeans?: (job: BlockMeansJob) => Promise<void>,
): Promise<LungSegmentation> {
  const coarse = shareBlockMeans ? await blockMeansTogether(ct, shareBlockMeans) : undefined;
  const stage = lungsUntilClosing(ct, options, coarse);
  const left = closeLeft(sideJob(stage, LungLabel.LeftLung));
  // Awaited below; until then a failure must not count as unhandled.
  left.catch(() => undefined);
  const right = closeSide(sideJob(stage, LungLabel.RightLung));
  if (right) applySideClosing(stage.lab, stage.medial, stage.grid.dims, right);
  checkAborted(options.signal);
  const closed = await left;
  if (closed) applySideClosing(stage.lab, stage.medial, stage.grid.dims, closed);
  checkAborted(options.signal);
  return lungsAfterClosing(ct, options, stage);
}

/** The segmentation up to the per-side closing: grids, body, airway and the initial lung labels. */
interface LungStage {
  closingRadiusMm: number;
  f: Factors3;
  grid: GridInfo;
  hu: Int16Array;
  vcDims: Dims3;
  vcSpacing: Spacing3;
  half: Factors3;
  lab: Uint8Array;
  medial: Uint8Array;
  airwayVoxels: number;
  warnings: Array<{ code: string; message: string }>;
}

function sideJob(stage: LungStage, side: SideClosingJob['side']): SideClosingJob {
  const { lab, grid, vcDims, half, vcSpacing, closingRadiusMm } = stage;
  return { lab, dims: grid.dims, vcDims, half, vcSpacing, closingRadiusMm, side, iLeft: grid.iLeft };
}

/**
 * What a helper needs to compute block means of the working grid beside this thread: the CT
 * voxels and the output (shared memory), the block factors, the slab counter both threads take
 * output slices from, and `busy`, 1 while the helper holds a slice (see blockMeansTogether).
 */
export interface BlockMeansJob {
  values: Int16Array;
  dims: Dims3;
  f: Factors3;
  into: Int16Array;
  next: Int32Array;
  busy: Int32Array;
}

const sharedInt32 = (): Int32Array => new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/**
 * The working grid's block means (downsampleMean) with a helper taking output slices from the
 * same counter: identical values, each slice written by one thread. `share` posts the job at once
 * and settles when the helper is done; this thread waits for it only while the helper still holds
 * a slice (one that is loading or has stopped takes none).
 */
async function blockMeansTogether(
  ct: Volume,
  share: (job: BlockMeansJob) => Promise<void>,
): Promise<{ values: Int16Array; dims: Dims3 } | undefined> {
  const values = ct.voxels;
  if (!(values instanceof Int16Array) || !(values.buffer instanceof SharedArrayBuffer)) return undefined;
  const f = coarseFactors(ct.spacing);
  const size = downsampledDims(ct.dimensions, f).reduce((a, b) => a * b, 1);
  const job: BlockMeansJob = {
    values,
    dims: ct.dimensions,
    f,
    into: new Int16Array(new SharedArrayBuffer(2 * size)),
    next: sharedInt32(),
    busy: sharedInt32(),
  };
  const helped = share(job);
  // Awaited below only while the helper holds a slice; a helper that never starts must not count as unhandled.
  helped.catch(() => undefined);
  const coarse = downsampleMean(values, ct.dimensions, f, job.into, () => Atomics.add(job.next, 0, 1));
  // Every slice is handed out; one the helper holds is finished when it reports done.
  if (Atomics.load(job.busy, 0) > 0) await helped;
  return coarse;
}

/**
 * The helper's side of blockMeansTogether: output slices from the shared counter until none is
 * left, `busy` held meanwhile (taken before the first slice, so a slice in progress is always seen).
 * On an error `busy` stays set: the analysing thread then awaits this request, which fails, and
 * the run with it, instead of going on with a slice that may be unwritten.
 */
export function blockMeansAsHelper(job: BlockMeansJob): void {
  let holding = false;
  downsampleMean(job.values, job.dims, job.f, job.into, () => {
    if (!holding) {
      Atomics.add(job.busy, 0, 1);
      holding = true;
    }
    return Atomics.add(job.next, 0, 1);
  });
  if (holding) Atomics.sub(job.busy, 0, 1);
}

function lungsUntilClosing(
  ct: Volume,
  options: LungSegmentationOptions,
  blockMeans?: { values: Int16Array; dims: Dims3 },
): LungStage {
  const o = { ...defaultLungOptions, ...options };
  const airwayOptions: AirwayOptions = { ...defaultAirwayOptions, ...options.airway };
  const full = gridInfo(ct);
  const f = coarseFactors(ct.spacing);
  // In shared memory when asked (with the working grid's labels and parenchyma): helper threads read them in place.
  const coarseSize = downsampledDims(ct.dimensions, f).reduce((a, b) => a * b, 1);
  const coarse =
    blockMeans ??
    downsampleMean(
      ct.voxels,
      ct.dimensions,
      f,
      options.sharedMemory ? new Int16Array(new SharedArrayBuffer(2 * coarseSize)) : undefined,
    );
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

  const lab = initialLabels(body, airway.mask, comps.labels, choice.sideOf, options.sharedMemory === true);
  for (const l of choice.joined) splitJoined(comps.labels, l, grid, midI, o.junctionSearchMm, lab);

  return {
    closingRadiusMm: o.closingRadiusMm,
    f,
    grid,
    hu,
    vcDims: vc.dims,
    vcSpacing,
    half,
    lab,
    medial: new Uint8Array(lab.length),
    airwayVoxels: airway.voxels,
    warnings: [...choice.warnings],
  };
}

function lungsAfterClosing(ct: Volume, options: LungSegmentationOptions, stage: LungStage): LungSegmentation {
  const { f, grid, hu, lab, medial } = stage;
  const [nx, ny, nz] = ct.dimensions;
  // In shared memory when asked: the analyzer's worker threads read the labels in place.
  const into = options.sharedMemory ? new Uint8Array(new SharedArrayBuffer(nx * ny * nz)) : undefined;
  const labels = upsampleLabels(lab, grid.dims, f, ct.dimensions, into);
  // Volumes from the coarse labels weighted by the CT voxels each block holds (edge blocks are partial).
  const counts = labelVoxelCounts(lab, grid.dims, f, ct.dimensions);
  const fullMl = (ct.spacing[0] * ct.spacing[1] * ct.spacing[2]) / 1000;
  const right = counts[LungLabel.RightLung]! * fullMl;
  const left = counts[LungLabel.LeftLung]! * fullMl;
  const warnings = stage.warnings;
  if (stage.airwayVoxels === 0) {
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
  return {
    labels,
    volumesMl: { right, left, total: right + left, airway: counts[LungLabel.Airway]! * fullMl },
    zoneOf: zoneLookup(labels, ct.dimensions, regions),
    pleuralDistanceMm: pleuralDistanceLookup(labels, ct.dimensions, lab, grid.dims, grid.spacing, f),
    warnings,
    regions,
    workGrid: {
      factors: f,
      dims: grid.dims,
      spacing: grid.spacing,
      hu,
      labels: lab,
      parenchyma: parenchymaMask(lab, medial, options.sharedMemory === true),
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
function initialLabels(
  body: Uint8Array,
  airway: Uint8Array,
  comps: Int32Array,
  sideOf: Uint8Array,
  shared: boolean,
): Uint8Array {
  const lab = shared ? new Uint8Array(new SharedArrayBuffer(body.length)) : new Uint8Array(body.length);
  for (let p = 0; p < lab.length; p++) {
    if (body[p] === 0) continue;
    lab[p] = airway[p] !== 0 ? LungLabel.Airway : sideOf[comps[p]!]! || LungLabel.Body;
  }
  return lab;
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
