import { distanceTransform } from '@lingshu/imaging';
import { describe, expect, it } from 'vitest';
import { groundGlassChannel } from './ggnChannel.js';
import { defaultNoduleParams } from './params.js';

/**
 * On a 1.2 mm grid: a 10 mm ground-glass ball with a 3 mm vessel running through its centre along
 * i (the vessel's dense centre is not in the band, only the ball around it), and a second vessel
 * alone. The candidate mask (for the distance map) is both vessels and the ball.
 */
function scene(): {
  band: Uint8Array;
  lung: Uint8Array;
  dist: Float32Array;
  dims: [number, number, number];
  spacing: [number, number, number];
} {
  const dims: [number, number, number] = [50, 50, 30];
  const spacing: [number, number, number] = [1.2, 1.2, 1.2];
  const n = dims[0] * dims[1] * dims[2];
  const band = new Uint8Array(n);
  const mask = new Uint8Array(n);
  const lung = new Uint8Array(n).fill(1);
  for (let k = 0, p = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++, p++) {
        const [x, y, z] = [i * 1.2, j * 1.2, k * 1.2];
        const inBall = Math.hypot(x - 24, y - 24, z - 18) <= 5;
        const vesselCore = Math.hypot(y - 24, z - 18) <= 1.5;
        const otherVessel = Math.hypot(x - 40, z - 18) <= 1.5;
        if (inBall || vesselCore || otherVessel) mask[p] = 1;
        // Partial-volume rims of the vessels fall in the band too (one voxel).
        const rim = (d: number): boolean => d > 1.5 && d <= 2.5;
        if ((inBall && !vesselCore) || rim(Math.hypot(y - 24, z - 18)) || rim(Math.hypot(x - 40, z - 18))) band[p] = 1;
      }
    }
  }
  return { band, lung, dist: distanceTransform(mask, dims, spacing), dims, spacing };
}

describe('groundGlassChannel', () => {
  it('puts a seed at the centre of a ground-glass ball a vessel runs through, none on a vessel alone', () => {
    const { band, lung, dist, dims, spacing } = scene();
    const points = groundGlassChannel(band, lung, dist, dims, spacing, { ...defaultNoduleParams }, []);
    const passed = points.filter((p) => p.blobness >= defaultNoduleParams.ggnChannelMinBlobness);
    const atBall = passed.filter((p) => Math.hypot(p.i * 1.2 - 24, p.j * 1.2 - 24, p.k * 1.2 - 18) <= 2);
    expect(atBall.length, JSON.stringify(points)).toBe(1);
    expect(atBall[0]?.radiusMm).toBeGreaterThan(3);
    // Nothing along the lone vessel (x = 40 mm) nor along the first one outside the ball.
    for (const p of passed) expect(Math.hypot(p.i * 1.2 - 24, p.j * 1.2 - 24, p.k * 1.2 - 18)).toBeLessThanOrEqual(2);
  });

  it('keeps a point next to a seed by default, skips it with ggnChannelSkipNearSeed (analyzer ≤ 0.6.0)', () => {
    const { band, lung, dist, dims, spacing } = scene();
    const taken = [[20, 20, 15, 5]] as const;
    const atSeed = (points: ReturnType<typeof groundGlassChannel>): number =>
      points.filter((p) => Math.hypot(p.i - 20, p.j - 20, p.k - 15) <= 2).length;
    expect(atSeed(groundGlassChannel(band, lung, dist, dims, spacing, { ...defaultNoduleParams }, taken))).toBe(1);
    const old = { ...defaultNoduleParams, ggnChannelSkipNearSeed: 0.5 };
    expect(atSeed(groundGlassChannel(band, lung, dist, dims, spacing, old, taken))).toBe(0);
  });
});
