import { describe, expect, it } from 'vitest';
import { polygonArea, traceOutlines } from './outline.js';

function maskOf(rows: string[]): { mask: Uint8Array; columns: number; rows: number } {
  const columns = rows[0]?.length ?? 0;
  const mask = new Uint8Array(columns * rows.length);
  rows.forEach((line, r) => {
    for (let c = 0; c < columns; c++) mask[r * columns + c] = line[c] === '#' ? 1 : 0;
  });
  return { mask, columns, rows: rows.length };
}

describe('traceOutlines', () => {
  it('outlines one pixel and a square along pixel edges (centres at integers)', () => {
    const one = maskOf(['...', '.#.', '...']);
    expect(traceOutlines(one.mask, one.columns, one.rows)).toEqual([
      [
        [0.5, 0.5],
        [1.5, 0.5],
        [1.5, 1.5],
        [0.5, 1.5],
      ],
    ]);
    const sq = maskOf(['....', '.##.', '.##.', '....']);
    const [poly] = traceOutlines(sq.mask, sq.columns, sq.rows);
    expect(poly).toHaveLength(4);
    expect(polygonArea(poly ?? [])).toBe(4);
  });

  it('encloses exactly the mask: area of an L shape, a hole, two separate blobs, an edge-touching blob', () => {
    const l = maskOf(['##..', '##..', '####', '####']);
    const lp = traceOutlines(l.mask, l.columns, l.rows);
    expect(lp).toHaveLength(1);
    expect(lp[0]).toHaveLength(6);
    expect(polygonArea(lp[0] ?? [])).toBe(12);

    const ring = maskOf(['###', '#.#', '###']);
    const rp = traceOutlines(ring.mask, ring.columns, ring.rows);
    expect(rp).toHaveLength(2);
    expect(rp.map(polygonArea).reduce((a, b) => a + b, 0)).toBe(8); // 9 outer − 1 hole

    const two = maskOf(['#...#', '.....']);
    expect(traceOutlines(two.mask, two.columns, two.rows)).toHaveLength(2);

    const diag = maskOf(['#.', '.#']);
    const dp = traceOutlines(diag.mask, diag.columns, diag.rows);
    expect(dp.map(polygonArea).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('gives nothing for an empty mask', () => {
    const e = maskOf(['...', '...']);
    expect(traceOutlines(e.mask, e.columns, e.rows)).toEqual([]);
  });
});
