import { fillHoles2D } from '@lingshu/imaging';
import { describe, expect, it } from 'vitest';
import { dropOpenHoles } from './openHoles.js';

const N = 20;
const NZ = 12;
const at = (i: number, j: number, k: number): number => i + N * (j + N * k);

/**
 * A lung disc (radius 8) on slices 3–11 round a "liver dome" (radius 4 at the centre, rising from
 * below the lung to slice 6) and a mass (radius 3.5) on slices 8–9 with lung above and below it.
 */
function scene(): Uint8Array {
  const lung = new Uint8Array(N * N * NZ);
  for (let k = 3; k < NZ; k++) {
    for (let j = 0; j < N; j++) {
      for (let i = 0; i < N; i++) {
        const r = Math.hypot(i - 10, j - 10);
        const dome = k <= 6 && r <= 4;
        const mass = (k === 8 || k === 9) && r <= 3.5;
        if (r <= 8 && !dome && !mass) lung[at(i, j, k)] = 1;
      }
    }
  }
  return lung;
}

describe('dropOpenHoles', () => {
  it('takes back the dome the lung wraps round and keeps a mass enclosed by lung', () => {
    const before = scene();
    const filled = fillHoles2D(before, [N, N, NZ]);
    // Slice-by-slice filling takes both in.
    expect(filled[at(10, 10, 4)]).toBe(1);
    expect(filled[at(10, 10, 8)]).toBe(1);
    const taken = dropOpenHoles(filled, before, [N, N, NZ], 20);
    expect(taken).toBeGreaterThan(0);
    for (let k = 3; k <= 6; k++) expect(filled[at(10, 10, k)]).toBe(0);
    expect(filled[at(10, 10, 8)]).toBe(1);
    expect(filled[at(10, 10, 9)]).toBe(1);
    // The lung itself is untouched.
    expect(filled[at(4, 10, 4)]).toBe(1);
  });

  it('keeps holes smaller than the area limit, wherever they rest', () => {
    const before = scene();
    const filled = fillHoles2D(before, [N, N, NZ]);
    expect(dropOpenHoles(filled, before, [N, N, NZ], 1000)).toBe(0);
    expect(filled[at(10, 10, 4)]).toBe(1);
  });
});
