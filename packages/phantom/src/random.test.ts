import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random.fillGaussian', () => {
  it('gives the same deviates as repeated gaussian() calls, including the spare across calls', () => {
    const one = new Random(8, 'fill');
    const bulk = new Random(8, 'fill');
    const expected = Float32Array.from({ length: 1001 }, () => one.gaussian());
    const got = new Float32Array(1001);
    bulk.fillGaussian(got.subarray(0, 333)); // odd length: leaves a spare for the next call
    bulk.fillGaussian(got.subarray(333));
    expect(got).toEqual(expected);
    // The generator state continues identically afterwards.
    expect(bulk.nextUint32()).toBe(one.nextUint32());
    expect(bulk.gaussian()).toBe(one.gaussian());
  });
});
