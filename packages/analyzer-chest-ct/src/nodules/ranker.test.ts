import { describe, expect, it } from 'vitest';
import { RANKER_FEATURES, rankerLogit, treeValue } from './ranker.js';
import { fitRanker, type RankerSample } from './rankerFit.js';
import { noduleRanker } from './rankerModel.generated.js';

describe('nodule ranker', () => {
  it('walks a tree in heap order: left when the feature is at most the threshold', () => {
    // Root splits on x[1] at 0.5; its children on x[0] at 2 (left) and x[2] at −1 (right).
    const tree = { feature: [1, 0, 2], threshold: [0.5, 2, -1], leaf: [10, 20, 30, 40] };
    expect(treeValue(tree, [1, 0.5, 0])).toBe(10);
    expect(treeValue(tree, [3, 0, 0])).toBe(20);
    expect(treeValue(tree, [0, 0.6, -1])).toBe(30);
    expect(treeValue(tree, [0, 0.6, 0])).toBe(40);
    expect(rankerLogit({ features: ['a', 'b', 'c'], bias: -1, trees: [tree, tree] }, [3, 0, 0])).toBe(39);
  });

  it('fits an interaction of two facts: positives rank above negatives on unseen samples', () => {
    // Nodule when both facts are high (an AND of two features), with noise features beside them.
    let state = 7;
    const uniform = (): number => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const draw = (n: number): RankerSample[] =>
      Array.from({ length: n }, () => {
        const x = [uniform(), uniform(), uniform(), uniform()];
        return { x, label: (x[0] ?? 0) > 0.6 && (x[1] ?? 0) > 0.6 ? 1 : 0, weight: 1 } as RankerSample;
      });
    const model = fitRanker(draw(800), ['a', 'b', 'noise1', 'noise2'], {
      trees: 60,
      depth: 2,
      learningRate: 0.2,
      subsample: 0.8,
      lambda: 1,
      minChildWeight: 1,
      seed: 3,
    });
    expect(model.trees).toHaveLength(60);
    for (const t of model.trees) {
      expect(t.feature).toHaveLength(3);
      expect(t.leaf).toHaveLength(4);
    }
    const test = draw(400);
    const pos = test.filter((s) => s.label === 1).map((s) => rankerLogit(model, s.x));
    const neg = test.filter((s) => s.label === 0).map((s) => rankerLogit(model, s.x));
    let concordant = 0;
    for (const p of pos) for (const q of neg) concordant += p > q ? 1 : p === q ? 0.5 : 0;
    expect(concordant / (pos.length * neg.length)).toBeGreaterThan(0.97);
    // The same samples and seed give the same model.
    const small = draw(60);
    expect(JSON.stringify(fitRanker(small, ['a', 'b', 'c', 'd']))).toBe(
      JSON.stringify(fitRanker(small, ['a', 'b', 'c', 'd'])),
    );
  });

  it('is fitted on the features the detector computes (refit after changing RANKER_FEATURES)', () => {
    expect(noduleRanker.features).toEqual(RANKER_FEATURES);
    expect(noduleRanker.trees.length).toBeGreaterThan(0);
  });
});
