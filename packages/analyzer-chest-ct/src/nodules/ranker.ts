import type { NoduleDetails } from './types.js';

/**
 * One regression tree of fixed depth, stored as a complete binary tree in heap order: internal
 * node n (0-based) sends a feature vector x to child 2n + 1 when x[feature[n]] ≤ threshold[n], else
 * to 2n + 2; the nodes past the last internal one are the leaves (`leaf`, left to right).
 */
export interface RankerTree {
  feature: number[];
  threshold: number[];
  leaf: number[];
}

/**
 * A boosted-tree classifier of nodule candidates: logit = bias + Σ tree leaves; the confidence is
 * its logistic. Data, not code: `rankerModel.ts` holds the shipped one, `fitRanker` (rankerFit.ts)
 * makes one.
 */
export interface NoduleRanker {
  /** Feature names in the order of the vectors the trees read (RANKER_FEATURES at fitting time). */
  features: readonly string[];
  bias: number;
  trees: readonly RankerTree[];
}

/**
 * The candidate facts the ranker reads, by name: the seed's and the object's blobness, elongation,
 * vessel stumps (attachments up to 5, the thickest stump's neck ratio, two stumps facing each other),
 * spicules, size (ln mean diameter), mean and peak contrast to the parenchyma (1000 HU), HU spread,
 * pleural contact (surface and in-plane), juxtapleural, enclosed air, type and the slice spacing.
 */
export const RANKER_FEATURES: readonly string[] = [
  'blobness',
  'elongation',
  'attachments',
  'neckRatio',
  'throughVessel',
  'coreBlobness',
  'calcified',
  'logMeanDiameter',
  'meanContrast',
  'peakContrast',
  'heterogeneity',
  'pleuralContact',
  'inPlaneContact',
  'juxtapleural',
  'lumen',
  'groundGlass',
  'partSolid',
  'sliceSpacingMm',
  'spicules',
];

/**
 * The feature vector of a measured candidate (from its rounded details, as reported, so a model
 * fitted on reported details reads exactly the same values).
 */
export function rankerFeatures(
  d: Pick<NoduleDetails, 'shape' | 'type' | 'meanDiameterMm' | 'meanHu' | 'maxHu' | 'juxtapleural'>,
  parenchymaHu: number,
  sliceSpacingMm: number,
): number[] {
  const s = d.shape;
  return [
    s.blobness,
    s.elongation,
    Math.min(5, s.attachments),
    s.neckRatio,
    s.throughVessel,
    s.coreBlobness,
    d.type === 'calcified' ? 1 : 0,
    Math.log(Math.max(1, d.meanDiameterMm)),
    (d.meanHu - parenchymaHu) / 1000,
    (d.maxHu - parenchymaHu) / 1000,
    s.heterogeneity,
    s.pleuralContact,
    s.inPlaneContact,
    d.juxtapleural ? 1 : 0,
    s.lumen,
    d.type === 'ground-glass' ? 1 : 0,
    d.type === 'part-solid' ? 1 : 0,
    sliceSpacingMm,
    s.spicules,
  ];
}

/** The leaf value one tree gives a feature vector. */
export function treeValue(tree: RankerTree, x: readonly number[]): number {
  const internal = tree.feature.length;
  let n = 0;
  while (n < internal) n = 2 * n + ((x[tree.feature[n] ?? 0] ?? 0) <= (tree.threshold[n] ?? 0) ? 1 : 2);
  return tree.leaf[n - internal] ?? 0;
}

/** The ranker's logit of one feature vector. */
export function rankerLogit(model: NoduleRanker, x: readonly number[]): number {
  let sum = model.bias;
  for (const tree of model.trees) sum += treeValue(tree, x);
  return sum;
}
