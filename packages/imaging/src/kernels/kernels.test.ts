import { describe, expect, it } from 'vitest';
import { labelComponents, labelComponents2D } from './connectedComponents.js';
import { distanceTransform, distanceTransformSquared } from './distanceTransform.js';
import { fillHoles2D, fillHoles3D } from './fillHoles.js';
import { gaussianSmooth } from './gaussian.js';
import { histogram, percentiles } from './histogram.js';
import { largestComponents, removeSmallComponents } from './largestComponents.js';
import { boundingBox, cropMask, invertMask, pasteMask } from './maskOps.js';
import { closeBall, closeBox, dilateBall, dilateBox, erodeBall, erodeBox, openBall } from './morphology.js';
import { downsampleMask, downsampleMean, upsampleLabels } from './resample.js';
import { countMask, thresholdMask } from './threshold.js';
import type { Dims3, Spacing3 } from './types.js';

/** Deterministic LCG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomMask(dims: Dims3, density: number, seed: number): Uint8Array {
  const r = rng(seed);
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let p = 0; p < m.length; p++) m[p] = r() < density ? 1 : 0;
  return m;
}

function ball(dims: Dims3, c: [number, number, number], r: number): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  let p = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, p++)
        m[p] = (i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2 <= r * r ? 1 : 0;
  return m;
}

function bruteEdt2(mask: Uint8Array, dims: Dims3, s: Spacing3): Float64Array {
  const [nx, ny, nz] = dims;
  const bg: Array<[number, number, number]> = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (mask[i + nx * (j + ny * k)] === 0) bg.push([i, j, k]);
  const out = new Float64Array(mask.length);
  let p = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (mask[p] === 0) continue;
        let best = Number.POSITIVE_INFINITY;
        for (const [a, b, c] of bg) {
          const d = ((i - a) * s[0]) ** 2 + ((j - b) * s[1]) ** 2 + ((k - c) * s[2]) ** 2;
          if (d < best) best = d;
        }
        out[p] = best;
      }
  return out;
}

describe('distance transform', () => {
  it('equals brute force on random masks with anisotropic spacing', () => {
    const cases: Array<{ dims: Dims3; s: Spacing3; density: number }> = [
      { dims: [9, 7, 5], s: [0.7, 0.7, 2.5], density: 0.85 },
      { dims: [12, 5, 6], s: [1, 1.3, 0.6], density: 0.95 },
      { dims: [1, 10, 8], s: [1, 1, 1], density: 0.7 },
    ];
    for (const [n, c] of cases.entries()) {
      const m = randomMask(c.dims, c.density, 11 + n);
      m[0] = 0;
      const fast = distanceTransformSquared(m, c.dims, c.s);
      const slow = bruteEdt2(m, c.dims, c.s);
      for (let p = 0; p < m.length; p++) expect(fast[p]).toBeCloseTo(slow[p]!, 3);
    }
  });

  it('gives the radius minus depth inside a ball', () => {
    const dims: Dims3 = [21, 21, 21];
    const d = distanceTransform(ball(dims, [10, 10, 10], 8), dims, [1, 1, 1]);
    // The nearest voxel centre outside a radius-8 ball is (8, 1, 0) from the centre: √65.
    expect(d[10 + 21 * (10 + 21 * 10)]).toBeCloseTo(Math.sqrt(65), 5);
    expect(d[0]).toBe(0);
  });
});

describe('connected components', () => {
  it('counts components with 6- and 26-connectivity', () => {
    const dims: Dims3 = [5, 5, 5];
    const m = new Uint8Array(125);
    m[0] = 1; // (0,0,0)
    m[1 + 5 + 25] = 1; // (1,1,1): diagonal neighbour of (0,0,0)
    m[4 + 5 * 4 + 25 * 4] = 1;
    m[3 + 5 * 4 + 25 * 4] = 1; // face neighbour of the previous
    expect(labelComponents(m, dims, 6).count).toBe(3);
    const c26 = labelComponents(m, dims, 26);
    expect(c26.count).toBe(2);
    expect(c26.sizes.slice(1).sort()).toEqual([2, 2]);
    const s2 = labelComponents2D(new Uint8Array([1, 0, 1, 0, 1, 0, 1, 0, 1]), 3, 3, 4);
    expect(s2.count).toBe(5);
    expect(labelComponents2D(new Uint8Array([1, 0, 1, 0, 1, 0, 1, 0, 1]), 3, 3, 8).count).toBe(1);
  });

  it('numbers 6-connected components by their first voxel in scan order, as a flood fill does', () => {
    // Reference: flood fill from each unlabelled voxel in scan order.
    const reference = (m: Uint8Array, [nx, ny, nz]: Dims3): { labels: Int32Array; sizes: number[] } => {
      const labels = new Int32Array(m.length);
      const sizes = [0];
      for (let seed = 0; seed < m.length; seed++) {
        if (m[seed] === 0 || labels[seed] !== 0) continue;
        const l = sizes.length;
        labels[seed] = l;
        const stack = [seed];
        let size = 0;
        while (stack.length > 0) {
          const p = stack.pop()!;
          size++;
          const i = p % nx;
          const j = Math.floor(p / nx) % ny;
          const k = Math.floor(p / (nx * ny));
          const nbs = [
            [i > 0, p - 1],
            [i < nx - 1, p + 1],
            [j > 0, p - nx],
            [j < ny - 1, p + nx],
            [k > 0, p - nx * ny],
            [k < nz - 1, p + nx * ny],
          ] as const;
          for (const [ok, q] of nbs) {
            if (ok && m[q] !== 0 && labels[q] === 0) {
              labels[q] = l;
              stack.push(q);
            }
          }
        }
        sizes.push(size);
      }
      return { labels, sizes };
    };
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const [dims, density] of [
      [[9, 7, 5], 0.5],
      [[16, 3, 11], 0.6],
      [[20, 20, 20], 0.35],
      [[1, 30, 4], 0.7],
    ] as const) {
      const m = Uint8Array.from({ length: dims[0] * dims[1] * dims[2] }, () => (random() < density ? 1 : 0));
      const got = labelComponents(m, dims, 6);
      const want = reference(m, dims);
      expect(got.count).toBe(want.sizes.length - 1);
      expect(got.count).toBeGreaterThan(1);
      expect(got.sizes).toEqual(want.sizes);
      expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
    }
  });

  it('keeps the largest components and removes small ones', () => {
    const dims: Dims3 = [20, 10, 10];
    const a = ball(dims, [4, 4, 4], 3);
    const b = ball(dims, [14, 4, 4], 2);
    const both = a.map((v, p) => v | b[p]!);
    expect(countMask(largestComponents(both, dims, 1))).toBe(countMask(a));
    expect(countMask(largestComponents(both, dims, 2))).toBe(countMask(both));
    expect(countMask(removeSmallComponents(both, dims, countMask(b) + 1))).toBe(countMask(a));
  });
});

describe('morphology', () => {
  const dims: Dims3 = [14, 12, 9];
  const s: Spacing3 = [0.8, 0.8, 2];
  const m = randomMask(dims, 0.55, 5);

  it('satisfies duality and ordering identities', () => {
    expect(erodeBox(m, dims, [1, 2, 1])).toEqual(invertMask(dilateBox(invertMask(m), dims, [1, 2, 1])));
    expect(erodeBall(m, dims, s, 2)).toEqual(invertMask(dilateBall(invertMask(m), dims, s, 2)));
    const closed = closeBall(m, dims, s, 1.7);
    const opened = openBall(m, dims, s, 1.7);
    for (let p = 0; p < m.length; p++) {
      expect(opened[p]! <= m[p]!).toBe(true);
      expect(closed[p]! >= m[p]!).toBe(true);
    }
    // Closing is idempotent.
    expect(closeBall(closed, dims, s, 1.7)).toEqual(closed);
    const cb = closeBox(m, dims, [1, 1, 1]);
    expect(closeBox(cb, dims, [1, 1, 1])).toEqual(cb);
  });

  it('dilates by a box exactly as a brute-force window maximum (row/plane sweeps)', () => {
    const sparse = randomMask(dims, 0.06, 11);
    const radii = [2, 1, 3] as const;
    const fast = dilateBox(sparse, dims, radii);
    const [nx, ny, nz] = dims;
    let mismatches = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          let v = 0;
          for (let c = Math.max(0, k - radii[2]); c <= Math.min(nz - 1, k + radii[2]) && !v; c++)
            for (let b = Math.max(0, j - radii[1]); b <= Math.min(ny - 1, j + radii[1]) && !v; b++)
              for (let a = Math.max(0, i - radii[0]); a <= Math.min(nx - 1, i + radii[0]); a++)
                if (sparse[a + nx * (b + ny * c)]) v = 1;
          if (fast[i + nx * (j + ny * k)] !== v) mismatches++;
        }
    expect(mismatches).toBe(0);
  });

  it('dilates and erodes a small object in a large grid as brute-force ball tests', () => {
    // The object sits off-centre, away from and against the grid border, so the EDT runs on a
    // box around it; the result must be what a whole-grid ball test gives.
    const d: Dims3 = [30, 26, 12];
    const [nx, ny, nz] = d;
    const r = 2.3;
    for (const [ci, cj, ck] of [
      [8, 17, 6],
      [1, 24, 0],
    ] as const) {
      const obj = new Uint8Array(nx * ny * nz);
      const blob = randomMask([5, 4, 3], 0.8, 3);
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < 4; j++)
          for (let i = 0; i < 5; i++) {
            const [x, y, z] = [ci + i - 2, cj + j - 2, ck + k - 1];
            if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz && blob[i + 5 * (j + 4 * k)])
              obj[x + nx * (y + ny * z)] = 1;
          }
      const within = (p: number, q: number): boolean => {
        const di = (p % nx) - (q % nx);
        const dj = (((p / nx) | 0) % ny) - (((q / nx) | 0) % ny);
        const dk = ((p / (nx * ny)) | 0) - ((q / (nx * ny)) | 0);
        return (di * s[0]) ** 2 + (dj * s[1]) ** 2 + (dk * s[2]) ** 2 <= r * r;
      };
      const inside: number[] = [];
      const outside: number[] = [];
      for (let p = 0; p < obj.length; p++) (obj[p] ? inside : outside).push(p);
      const dil = dilateBall(obj, d, s, r);
      const ero = erodeBall(obj, d, s, r);
      let mismatches = 0;
      for (let p = 0; p < obj.length; p++) {
        if (dil[p] !== (inside.some((q) => within(p, q)) ? 1 : 0)) mismatches++;
        if (ero[p] !== (obj[p] && !outside.some((q) => within(p, q)) ? 1 : 0)) mismatches++;
      }
      expect(inside.length).toBeGreaterThan(10);
      expect(countMask(dil)).toBeGreaterThan(inside.length);
      expect(mismatches).toBe(0);
    }
  });

  it('dilates a point into a box and an anisotropic ball of the right size', () => {
    const d: Dims3 = [11, 11, 11];
    const p = new Uint8Array(1331);
    p[5 + 11 * (5 + 11 * 5)] = 1;
    expect(countMask(dilateBox(p, d, [1, 2, 3]))).toBe(3 * 5 * 7);
    // Radius 2 mm with 1 mm in-plane and 2 mm slices: ±2 voxels in-plane, ±1 slice.
    const b = dilateBall(p, d, [1, 1, 2], 2);
    let brute = 0;
    for (let k = -5; k <= 5; k++)
      for (let j = -5; j <= 5; j++) for (let i = -5; i <= 5; i++) if (i * i + j * j + 4 * k * k <= 4) brute++;
    expect(countMask(b)).toBe(brute);
  });
});

describe('hole filling', () => {
  it('fills enclosed background in 2D slices and in 3D', () => {
    const dims: Dims3 = [9, 9, 9];
    const shell = ball(dims, [4, 4, 4], 4);
    const inner = ball(dims, [4, 4, 4], 2);
    const hollow = shell.map((v, p) => (inner[p] ? 0 : v));
    expect(fillHoles3D(hollow, dims)).toEqual(shell);
    const f2 = fillHoles2D(hollow, dims);
    expect(countMask(f2)).toBe(countMask(shell));
    // A 2D ring with an open side is not filled.
    const ring = new Uint8Array(25);
    for (const q of [6, 7, 8, 11, 13, 16, 18]) ring[q] = 1;
    expect(countMask(fillHoles2D(ring, [5, 5, 1]))).toBe(7);
    ring[17] = 1;
    expect(countMask(fillHoles2D(ring, [5, 5, 1]))).toBe(9);
  });
});

describe('smoothing, resampling, histograms', () => {
  it('keeps the mean of a Gaussian-smoothed constant and smooths an impulse', () => {
    const dims: Dims3 = [15, 15, 5];
    const v = new Float32Array(15 * 15 * 5).fill(-850);
    expect(gaussianSmooth(v, dims, [1, 1, 2], 1.5)[300]).toBeCloseTo(-850, 3);
    const imp = new Float32Array(15 * 15 * 5);
    imp[7 + 15 * (7 + 15 * 2)] = 1000;
    const g = gaussianSmooth(imp, dims, [1, 1, 2], 1);
    let sum = 0;
    for (const x of g) sum += x;
    expect(sum).toBeCloseTo(1000, 1);
    expect(g[7 + 15 * (7 + 15 * 2)]!).toBeLessThan(200);
  });

  /** Reference: each axis in turn, one line at a time, Float64 sums over the truncated kernel. */
  function lineByLineGaussian(v: ArrayLike<number>, dims: Dims3, spacing: Spacing3, sigmaMm: number): Float32Array {
    const [nx, ny] = dims;
    const ref = Float32Array.from(v);
    for (const axis of [0, 1, 2] as const) {
      const sv = sigmaMm / spacing[axis];
      const radius = Math.max(1, Math.ceil(3 * sv));
      const w = Array.from({ length: 2 * radius + 1 }, (_, t) => Math.exp(-((t - radius) ** 2) / (2 * sv * sv)));
      const total = w.reduce((a, b) => a + b, 0);
      const n = dims[axis];
      const stride = [1, nx, nx * ny][axis]!;
      for (let start = 0; start < ref.length; start++) {
        const i = start % nx;
        const j = Math.floor(start / nx) % ny;
        const k = Math.floor(start / (nx * ny));
        if ([i, j, k][axis] !== 0) continue;
        const line = Array.from({ length: n }, (_, t) => ref[start + t * stride]!);
        for (let t = 0; t < n; t++) {
          let acc = 0;
          for (let u = -radius; u <= radius; u++)
            acc += (w[u + radius]! / total) * line[Math.min(n - 1, Math.max(0, t + u))]!;
          ref[start + t * stride] = acc;
        }
      }
    }
    return ref;
  }

  it('filters every axis exactly as a line-by-line convolution with replicated borders', () => {
    const cases: Array<{ dims: Dims3; spacing: Spacing3; sigma: number; sparse: boolean }> = [
      { dims: [11, 9, 7], spacing: [0.7, 0.9, 1.6], sigma: 1.1, sparse: false },
      // Rows and planes of zeros between a few impulses (the zero rows it skips).
      { dims: [23, 17, 13], spacing: [0.7, 0.7, 1], sigma: 1.4, sparse: true },
      // A kernel reaching past every border.
      { dims: [5, 3, 2], spacing: [1, 1, 1], sigma: 3, sparse: false },
    ];
    for (const { dims, spacing, sigma, sparse } of cases) {
      const n = dims[0] * dims[1] * dims[2];
      const v = Int16Array.from({ length: n }, (_, p) =>
        sparse ? (p % 997 === 500 ? 800 : 0) : ((p * 7919) % 600) - 900,
      );
      const ref = lineByLineGaussian(v, dims, spacing, sigma);
      const got = gaussianSmooth(v, dims, spacing, sigma);
      let worst = 0;
      let zerosKept = true;
      for (let p = 0; p < n; p++) {
        worst = Math.max(worst, Math.abs(got[p]! - ref[p]!));
        if (ref[p] === 0 && got[p] !== 0) zerosKept = false;
      }
      expect(worst).toBeLessThan(1e-3);
      expect(zerosKept).toBe(true);
      const mid = Math.floor(n / 2);
      expect(got[mid]).not.toBe(v[mid]);
    }
  });

  it('downsamples and upsamples consistently', () => {
    const dims: Dims3 = [5, 4, 3];
    const v = Int16Array.from({ length: 60 }, (_, p) => p);
    const d = downsampleMean(v, dims, [2, 2, 1]);
    expect(d.dims).toEqual([3, 2, 3]);
    expect(d.values[0]).toBe(Math.round((0 + 1 + 5 + 6) / 4));
    expect(d.values[2]).toBe(Math.round((4 + 9) / 2));
    const m = new Uint8Array(60);
    m[6] = 1;
    const dm = downsampleMask(m, dims, [2, 2, 1]);
    expect(countMask(dm.mask)).toBe(1);
    expect(countMask(downsampleMask(m, dims, [2, 2, 1], 'majority').mask)).toBe(0);
    const up = upsampleLabels(dm.mask, dm.dims, [2, 2, 1], dims);
    expect(countMask(up)).toBe(4);
    expect(up[6]).toBe(1);
  });

  it('block means from slices handed out in any order, or by two callers sharing a counter, are the same', () => {
    const r = rng(11);
    for (const [dims, f] of [
      [
        [10, 8, 7],
        [2, 2, 1],
      ],
      [
        [10, 8, 7],
        [2, 2, 2],
      ],
      [
        [9, 7, 5],
        [3, 2, 2],
      ],
    ] as Array<[Dims3, [number, number, number]]>) {
      const v = Int16Array.from({ length: dims[0] * dims[1] * dims[2] }, () => Math.round(r() * 2000 - 1000));
      const whole = downsampleMean(v, dims, f);
      const cz = whole.dims[2];
      const reversed = [...Array(cz).keys()].reverse();
      const backwards = downsampleMean(v, dims, f, undefined, () => reversed.shift() ?? cz);
      expect(Array.from(backwards.values)).toEqual(Array.from(whole.values));
      // Two callers on one counter and one output: the first stops after two slices.
      let next = 0;
      const into = new Int16Array(whole.values.length).fill(12345);
      let firstTook = 0;
      downsampleMean(v, dims, f, into, () => (firstTook++ < 2 ? next++ : cz));
      expect(into.includes(12345)).toBe(true);
      downsampleMean(v, dims, f, into, () => next++);
      expect(Array.from(into)).toEqual(Array.from(whole.values));
    }
  });

  it('upsamples labels as nearest neighbour for every block shape (pair stores, row copies)', () => {
    const r = rng(3);
    for (const [fine, f] of [
      [
        [8, 6, 5],
        [2, 2, 1],
      ],
      [
        [7, 6, 5],
        [2, 1, 2],
      ],
      [
        [6, 5, 4],
        [1, 2, 1],
      ],
      [
        [10, 7, 5],
        [3, 2, 2],
      ],
    ] as Array<[Dims3, [number, number, number]]>) {
      const cd: Dims3 = [Math.ceil(fine[0] / f[0]), Math.ceil(fine[1] / f[1]), Math.ceil(fine[2] / f[2])];
      const coarse = Uint8Array.from({ length: cd[0] * cd[1] * cd[2] }, () => Math.floor(r() * 5));
      const up = upsampleLabels(coarse, cd, f, fine);
      let bad = 0;
      for (let k = 0; k < fine[2]; k++)
        for (let j = 0; j < fine[1]; j++)
          for (let i = 0; i < fine[0]; i++) {
            const c = ((i / f[0]) | 0) + cd[0] * (((j / f[1]) | 0) + cd[1] * ((k / f[2]) | 0));
            if (up[i + fine[0] * (j + fine[1] * k)] !== coarse[c]) bad++;
          }
      expect(bad).toBe(0);
    }
  });

  it('computes exact nearest-rank percentiles and histograms', () => {
    const v = Int16Array.from({ length: 100 }, (_, p) => -1000 + p);
    expect(percentiles(v, [15, 50, 100])).toEqual([-986, -951, -901]);
    const mask = thresholdMask(v, -1000, -951);
    expect(countMask(mask)).toBe(50);
    expect(percentiles(v, [50], mask)).toEqual([-976]);
    expect(percentiles(Float32Array.from(v), [15])).toEqual([-986]);
    const h = histogram(v, -1000, -950, 10);
    expect(Array.from(h.counts)).toEqual([10, 10, 10, 10, 10]);
    expect(h.over).toBe(50);
  });

  it('crops, pastes and bounds masks', () => {
    const dims: Dims3 = [6, 5, 4];
    const labels = new Uint8Array(120);
    labels[1 + 6 * (2 + 5 * 3)] = 2;
    labels[4 + 6 * (1 + 5 * 1)] = 2;
    const box = boundingBox(labels, dims, 2)!;
    expect(box).toEqual([1, 1, 1, 4, 2, 3]);
    const c = cropMask(labels, dims, box, 2);
    expect(countMask(c)).toBe(2);
    const t = new Uint8Array(120);
    pasteMask(t, dims, box, c, 7);
    expect(Array.from(t).filter((x) => x === 7).length).toBe(2);
    expect(t[1 + 6 * (2 + 5 * 3)]).toBe(7);
  });
});
