import { describe, expect, it } from 'vitest';
import { bestAlignment, daysBetween } from './growth.js';

const n = (id: string, c: [number, number, number]) => ({ id, side: 'right', centerWorld: c, meanDiameterMm: 6 });

describe('bestAlignment', () => {
  it('uses the lung-centre offset when it pairs more nodules or pairs them closer', () => {
    const before = [n('p1', [0, 0, 0]), n('p2', [40, 0, 0])];
    const now = [n('c1', [12, 0, 0]), n('c2', [52, 0, 0])];
    // Raw: 12 mm > 10 + 3 mm? No, 12 ≤ 13: both pair at 12 mm; aligned by +12 they pair at 0 mm.
    const a = bestAlignment(before, now, [12, 0, 0]);
    expect(a.method).toBe('lung-centre');
    expect(a.matches.map((m) => m.distanceMm)).toEqual([0, 0]);
    // Shifted 20 mm: raw finds nothing, aligned finds both.
    const far = [n('c1', [20, 0, 0]), n('c2', [60, 0, 0])];
    expect(bestAlignment(before, far, [20, 0, 0]).matches).toHaveLength(2);
    expect(bestAlignment(before, far, undefined)).toMatchObject({ method: 'none', matches: [] });
  });

  it('keeps raw positions when the lung-centre offset is worse', () => {
    const before = [n('p1', [0, 0, 0])];
    const now = [n('c1', [3, -2, 5])];
    const a = bestAlignment(before, now, [-6.5, -2.2, 2.4]);
    expect(a).toMatchObject({ method: 'none', offset: [0, 0, 0] });
    expect(a.matches[0]?.distanceMm).toBeCloseTo(Math.hypot(3, 2, 5), 6);
  });
});

describe('daysBetween', () => {
  it('counts calendar days between DICOM dates', () => {
    expect(daysBetween('20240101', '20240701')).toBe(182);
    expect(daysBetween('20231231', '20240101')).toBe(1);
    expect(daysBetween('', '20240101')).toBeUndefined();
  });
});
