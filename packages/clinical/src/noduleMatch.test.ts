import { describe, expect, it } from 'vitest';
import { matchDistanceLimitMm, matchNodules, type NoduleForGrowth, noduleGrowth } from './noduleMatch.js';

const n = (id: string, side: string, c: [number, number, number], d = 6, v = 110): NoduleForGrowth => ({
  id,
  side,
  centerWorld: c,
  meanDiameterMm: d,
  volumeMm3: v,
});

describe('matchNodules', () => {
  it('pairs nodules nearest first, one to one, after the alignment offset', () => {
    const prior = [n('p1', 'right', [-80, 10, 100]), n('p2', 'right', [-70, 10, 100])];
    const current = [n('c1', 'right', [-67, 12, 104]), n('c2', 'right', [-77, 12, 104])];
    // Patient shifted by (+3, +2, +4): raw positions would pair p2 with c2 (nearer), aligned p1↔c2, p2↔c1.
    const m = matchNodules(prior, current, [3, 2, 4]);
    expect(m.map((x) => [x.priorId, x.currentId])).toEqual([
      ['p1', 'c2'],
      ['p2', 'c1'],
    ]);
    expect(m[0]?.distanceMm).toBeCloseTo(0, 6);
  });

  it('never matches across sides or beyond the distance limit', () => {
    const prior = [n('p1', 'left', [60, 0, 0]), n('p2', 'right', [-60, 0, 0])];
    const current = [n('c1', 'right', [60, 0, 0]), n('c2', 'right', [-60, 0, 25])];
    expect(matchNodules(prior, current)).toEqual([]);
    // 10 mm + half of 6 mm = 13 mm: 12.9 matches, 13.1 does not.
    expect(matchDistanceLimitMm(prior[1]!, current[1]!)).toBe(13);
    expect(matchNodules([prior[1]!], [n('c', 'right', [-60, 0, 12.9])])).toHaveLength(1);
    expect(matchNodules([prior[1]!], [n('c', 'right', [-60, 0, 13.1])])).toHaveLength(0);
  });

  it('matches when a side is unknown', () => {
    const p: NoduleForGrowth = { id: 'p', centerWorld: [1, 2, 3] };
    expect(matchNodules([p], [n('c', 'left', [1, 2, 5])])).toEqual([{ priorId: 'p', currentId: 'c', distanceMm: 2 }]);
  });
});

describe('noduleGrowth', () => {
  it('reports volume change, VDT and the growth rules', () => {
    // Volume doubled in 200 days: VDT 200 d, +100 %; 6.1 → 8.3 mm is growth by all three rules.
    const g = noduleGrowth(n('p', 'right', [0, 0, 0], 6.1, 100), n('c', 'right', [0, 0, 0], 8.3, 200), 200);
    expect(g.volumeChangePercent).toBeCloseTo(100, 6);
    expect(g.volumeDoublingTimeDays).toBeCloseTo(200, 6);
    expect(g).toMatchObject({ growingLungRads: true, growingFleischner: true, growingVolume: true, intervalDays: 200 });
  });

  it('is not growing for small changes; Lung-RADS only within 12 months', () => {
    const stable = noduleGrowth(n('p', 'r', [0, 0, 0], 6, 110), n('c', 'r', [0, 0, 0], 6.5, 120), 365);
    expect(stable).toMatchObject({ growingLungRads: false, growingFleischner: false, growingVolume: false });
    const late = noduleGrowth(n('p', 'r', [0, 0, 0], 6, 110), n('c', 'r', [0, 0, 0], 7.8, 180), 500);
    expect(late.growingLungRads).toBe(false);
    expect(noduleGrowth(n('p', 'r', [0, 0, 0], 6, 110), n('c', 'r', [0, 0, 0], 7.8, 180), 300).growingLungRads).toBe(
      true,
    );
  });

  it('gives null VDT without a change or without volumes', () => {
    expect(
      noduleGrowth(n('p', 'r', [0, 0, 0], 6, 100), n('c', 'r', [0, 0, 0], 6, 100), 100).volumeDoublingTimeDays,
    ).toBe(null);
    const noVol = noduleGrowth({ id: 'p', centerWorld: [0, 0, 0] }, { id: 'c', centerWorld: [0, 0, 0] }, 100);
    expect(noVol).toMatchObject({ volumeChangePercent: null, volumeDoublingTimeDays: null, growingVolume: false });
  });
});
