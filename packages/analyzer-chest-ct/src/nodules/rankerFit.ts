import { mulberry32 } from '@lingshu/imaging';
import { type NoduleRanker, type RankerTree, treeValue } from './ranker.js';

/** One labelled candidate: its feature vector, whether it is a nodule, and its weight in the loss. */
export interface RankerSample {
  x: readonly number[];
  label: 0 | 1;
  weight: number;
}

export interface RankerFitOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Fraction of the samples each tree is grown on (drawn afresh per tree, seeded). */
  subsample: number;
  /** L2 penalty on leaf values (in the Newton step's denominator). */
  lambda: number;
  /** A split must leave at least this much hessian weight on each side. */
  minChildWeight: number;
  seed: number;
}

export const defaultRankerFitOptions: Readonly<RankerFitOptions> = Object.freeze({
  trees: 150,
  depth: 2,
  learningRate: 0.1,
  subsample: 0.8,
  lambda: 1,
  minChildWeight: 1,
  seed: 1,
});

interface Split {
  feature: number;
  threshold: number;
  gain: number;
}

/** The split of `rows` with the largest loss reduction (second-order, as in gradient boosting). */
function bestSplit(
  rows: readonly number[],
  samples: readonly RankerSample[],
  g: Float64Array,
  h: Float64Array,
  features: number,
  options: RankerFitOptions,
): Split | undefined {
  let G = 0;
  let H = 0;
  for (const r of rows) {
    G += g[r] ?? 0;
    H += h[r] ?? 0;
  }
  const parent = (G * G) / (H + options.lambda);
  let best: Split | undefined;
  for (let f = 0; f < features; f++) {
    const value = (r: number): number => samples[r]?.x[f] ?? 0;
    const order = [...rows].sort((a, b) => value(a) - value(b));
    let gl = 0;
    let hl = 0;
    for (let i = 0; i < order.length - 1; i++) {
      const r = order[i] ?? 0;
      gl += g[r] ?? 0;
      hl += h[r] ?? 0;
      const here = value(r);
      const next = value(order[i + 1] ?? 0);
      if (next === here) continue;
      const hr = H - hl;
      if (hl < options.minChildWeight || hr < options.minChildWeight) continue;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + options.lambda) + (gr * gr) / (hr + options.lambda) - parent;
      if (gain > (best?.gain ?? 1e-12)) best = { feature: f, threshold: (here + next) / 2, gain };
    }
  }
  return best;
}

/** One tree of `options.depth` grown on `rows`; a node with no useful split sends everything left. */
function growTree(
  rows: number[],
  samples: readonly RankerSample[],
  g: Float64Array,
  h: Float64Array,
  features: number,
  options: RankerFitOptions,
): RankerTree {
  const internal = 2 ** options.depth - 1;
  const feature = new Array<number>(internal).fill(0);
  const threshold = new Array<number>(internal).fill(Number.MAX_VALUE);
  const leaf = new Array<number>(internal + 1).fill(0);
  const nodeRows: number[][] = [rows];
  for (let n = 0; n < internal; n++) {
    const here = nodeRows[n] ?? [];
    const split = here.length > 1 ? bestSplit(here, samples, g, h, features, options) : undefined;
    if (split) {
      feature[n] = split.feature;
      threshold[n] = split.threshold;
    }
    const left: number[] = [];
    const right: number[] = [];
    for (const r of here) ((samples[r]?.x[feature[n] ?? 0] ?? 0) <= (threshold[n] ?? 0) ? left : right).push(r);
    nodeRows[2 * n + 1] = left;
    nodeRows[2 * n + 2] = right;
  }
  for (let l = 0; l <= internal; l++) {
    let G = 0;
    let H = 0;
    for (const r of nodeRows[internal + l] ?? []) {
      G += g[r] ?? 0;
      H += h[r] ?? 0;
    }
    leaf[l] = H > 0 ? (-G / (H + options.lambda)) * options.learningRate : 0;
  }
  return { feature, threshold, leaf };
}

/**
 * Gradient-boosted trees for the weighted logistic loss (Newton leaf values, L2 on leaves, row
 * subsampling per tree): the nodule candidate ranker is fitted with it on tuning phantoms.
 */
export function fitRanker(
  samples: readonly RankerSample[],
  featureNames: readonly string[],
  options: RankerFitOptions = defaultRankerFitOptions,
): NoduleRanker {
  const n = samples.length;
  let wPos = 0;
  let wNeg = 0;
  for (const s of samples) {
    if (s.label) wPos += s.weight;
    else wNeg += s.weight;
  }
  const bias = Math.log(Math.max(wPos, 1e-9) / Math.max(wNeg, 1e-9));
  const logit = new Float64Array(n).fill(bias);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const uniform = mulberry32(options.seed);
  const trees: RankerTree[] = [];
  for (let t = 0; t < options.trees; t++) {
    const rows: number[] = [];
    for (let r = 0; r < n; r++) {
      const s = samples[r];
      if (!s) continue;
      const p = 1 / (1 + Math.exp(-(logit[r] ?? 0)));
      g[r] = s.weight * (p - s.label);
      h[r] = s.weight * p * (1 - p);
      if (uniform() < options.subsample) rows.push(r);
    }
    const tree = growTree(rows, samples, g, h, featureNames.length, options);
    trees.push(tree);
    for (let r = 0; r < n; r++) logit[r] = (logit[r] ?? 0) + treeValue(tree, samples[r]?.x ?? []);
  }
  return { features: [...featureNames], bias, trees };
}
