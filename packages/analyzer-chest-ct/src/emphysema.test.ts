import { describe, expect, it } from 'vitest';
import { defaultEmphysemaOptions, moderateSigmaFor, quantifyEmphysema } from './emphysema.js';
import { lungRegions } from './lungs/regions.js';
import { LungLabel } from './lungs/types.js';

/**
 * A block of right lung at −860 HU (1 mm voxels) with either vessels ringed by −990 HU voxels
 * (the undershoot of an edge-enhancing kernel) or −990 HU holes away from any dense tissue.
 */
function lungBlock(kind: 'undershoot' | 'holes'): {
  hu: Int16Array;
  labels: Uint8Array;
  dims: [number, number, number];
} {
  const dims: [number, number, number] = [40, 40, 12];
  const [nx, ny, nz] = dims;
  const hu = new Int16Array(nx * ny * nz).fill(-860);
  const labels = new Uint8Array(hu.length).fill(LungLabel.RightLung);
  for (let k = 0; k < nz; k++) {
    for (let j = 4; j < ny - 4; j += 8) {
      for (let i = 4; i < nx - 4; i += 8) {
        const c = i + nx * (j + ny * k);
        if (kind === 'undershoot') {
          for (const d of [-1, 1, -nx, nx, -nx - 1, -nx + 1, nx - 1, nx + 1]) hu[c + d] = -990;
          hu[c] = 40;
        } else {
          // A 3×3 hole in parenchyma (no dense neighbour).
          for (const d of [0, -1, 1, -nx, nx, -nx - 1, -nx + 1, nx - 1, nx + 1]) hu[c + d] = -990;
        }
      }
    }
  }
  return { hu, labels, dims };
}

/** Standard normal values (Box–Muller on a seeded linear congruential generator): same seed, same noise. */
function gaussianNoise(seed: number): () => number {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 1) / 2147483649;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * One right lung filling `dims`: parenchyma at −860 HU with 30 HU of white noise and −990 HU 3×3
 * holes every 8 voxels; with `rims`, every third hole holds a 40 HU vessel ringed by undershoot (a
 * sharp kernel's rim). Each `volume` call draws fresh noise from the scene's generator.
 */
function holesAndRims(dims: [number, number, number], seed: number) {
  const [nx, ny, nz] = dims;
  const labels = new Uint8Array(nx * ny * nz).fill(LungLabel.RightLung);
  const regions = lungRegions(labels, dims, 1, 1);
  const gauss = gaussianNoise(seed);
  const volume = (rims: boolean): Int16Array => {
    const hu = Int16Array.from(labels, () => -860 + 30 * gauss());
    for (let k = 0; k < nz; k++) {
      for (let j = 4, n = 0; j < ny - 4; j += 8) {
        for (let i = 4; i < nx - 4; i += 8, n++) {
          const c = i + nx * (j + ny * k);
          for (const d of [0, -1, 1, -nx, nx, -nx - 1, -nx + 1, nx - 1, nx + 1]) hu[c + d] = -990;
          if (rims && n % 3 === 0) hu[c] = 40;
        }
      }
    }
    return hu;
  };
  return { labels, regions, volume };
}

describe('quantifyEmphysema noise adaptation', () => {
  it('smooths when low attenuation sits beside dense tissue (sharp-kernel undershoot)', () => {
    const { hu, labels, dims } = lungBlock('undershoot');
    const regions = lungRegions(labels, dims, 1, 1);
    const raw = quantifyEmphysema(hu, labels, dims, [1, 1, 1], regions, {
      ...defaultEmphysemaOptions,
      adaptive: false,
    });
    const adapted = quantifyEmphysema(hu, labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions);
    expect(raw.edgeFraction).toBeGreaterThan(0.9);
    expect(adapted.smoothingSigmaMm).toBe(defaultEmphysemaOptions.adaptiveSigmaMm);
    expect(raw.regions[0]!.laaPercent).toBeCloseTo((100 * 16 * 8) / (40 * 40), 5);
    // The ring averages with the vessel and the parenchyma: no longer below −950 HU.
    expect(adapted.regions[0]!.laaPercent).toBeLessThan(1);
  });

  it('leaves emphysema-like holes in parenchyma unsmoothed', () => {
    const { hu, labels, dims } = lungBlock('holes');
    const regions = lungRegions(labels, dims, 1, 1);
    const r = quantifyEmphysema(hu, labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions);
    expect(r.edgeFraction).toBe(0);
    expect(r.smoothingSigmaMm).toBe(0);
    expect(r.regions[0]!.laaPercent).toBeCloseTo((100 * 16 * 9) / (40 * 40), 5);
  });

  it('picks the smoothing from the noise of the parenchyma peak: none, moderate, full', () => {
    const dims: [number, number, number] = [48, 48, 16];
    const labels = new Uint8Array(dims[0] * dims[1] * dims[2]).fill(LungLabel.RightLung);
    const regions = lungRegions(labels, dims, 1, 1);
    const gauss = gaussianNoise(12345);
    const sigmaFor = (noiseHu: number): { sigma: number; noise: number } => {
      // Parenchyma at −860 HU with white Gaussian noise (Box–Muller).
      const hu = Int16Array.from(labels, () => -860 + noiseHu * gauss());
      const r = quantifyEmphysema(hu, labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions);
      return { sigma: r.smoothingSigmaMm, noise: r.noiseHu };
    };
    const quiet = sigmaFor(15);
    const moderate = sigmaFor(32);
    const noisy = sigmaFor(60);
    expect(quiet.noise).toBeGreaterThan(12);
    expect(quiet.noise).toBeLessThan(18);
    expect(quiet.sigma).toBe(0);
    expect(moderate.noise).toBeGreaterThan(defaultEmphysemaOptions.moderateNoiseHu);
    expect(moderate.noise).toBeLessThan(defaultEmphysemaOptions.adaptiveNoiseHu);
    expect(moderate.sigma).toBe(defaultEmphysemaOptions.moderateSigmaMm);
    expect(noisy.sigma).toBe(defaultEmphysemaOptions.adaptiveSigmaMm);
  });

  it('smooths moderate noise from an edge-enhancing kernel like high noise, smooth-kernel noise mildly', () => {
    const dims: [number, number, number] = [48, 48, 16];
    const { labels, regions, volume } = holesAndRims(dims, 777);
    const scan = (rims: boolean): { sigma: number; noise: number; edge: number; loose: number } => {
      const r = quantifyEmphysema(volume(rims), labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions);
      return { sigma: r.smoothingSigmaMm, noise: r.noiseHu, edge: r.edgeFraction, loose: r.edgeFractionUnclustered };
    };
    const sharp = scan(true);
    const smooth = scan(false);
    for (const s of [sharp, smooth]) {
      expect(s.noise).toBeGreaterThan(defaultEmphysemaOptions.moderateNoiseHu);
      expect(s.noise).toBeLessThan(defaultEmphysemaOptions.adaptiveNoiseHu);
    }
    expect(sharp.loose).toBeGreaterThan(defaultEmphysemaOptions.moderateEdgeFraction);
    expect(sharp.edge).toBeLessThan(defaultEmphysemaOptions.adaptiveEdgeFraction);
    expect(sharp.sigma).toBe(defaultEmphysemaOptions.adaptiveSigmaMm);
    expect(smooth.loose).toBeLessThan(defaultEmphysemaOptions.moderateEdgeFraction);
    expect(smooth.sigma).toBe(defaultEmphysemaOptions.moderateSigmaMm);
    expect(defaultEmphysemaOptions.adaptiveSigmaMm).toBeGreaterThan(defaultEmphysemaOptions.moderateSigmaMm);
  });

  it('tells an edge-enhancing kernel by its rims also when emphysema holes outnumber them', () => {
    // Left half: 40 HU vessel voxels ringed by −990 HU (undershoot), 16 per slice; right half: 24
    // emphysema holes of 7×7 voxels at −990 HU. Parenchyma and holes with 30 HU of white noise
    // (moderate), parenchyma at −860 HU.
    const dims: [number, number, number] = [64, 64, 12];
    const [nx, ny, nz] = dims;
    const labels = new Uint8Array(nx * ny * nz).fill(LungLabel.RightLung);
    const regions = lungRegions(labels, dims, 1, 1);
    const gauss = gaussianNoise(2024);
    const scene = (rims: boolean): Int16Array => {
      const hu = Int16Array.from(labels, () => -860 + 30 * gauss());
      for (let k = 0; k < nz; k++) {
        const at = (i: number, j: number): number => i + nx * (j + ny * k);
        if (rims) {
          for (let j = 4; j < ny - 4; j += 16) {
            for (let i = 4; i < 30; i += 8) {
              for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) hu[at(i + di, j + dj)] = -990;
              hu[at(i, j)] = 40;
            }
          }
        }
        for (let cj = 4; cj < ny - 3; cj += 8)
          for (let ci = 36; ci < nx - 3; ci += 9)
            for (let dj = -3; dj <= 3; dj++)
              for (let di = -3; di <= 3; di++) hu[at(ci + di, cj + dj)] = -990 + 30 * gauss();
      }
      return hu;
    };
    const sharp = quantifyEmphysema(scene(true), labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions);
    const smooth = quantifyEmphysema(scene(false), labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions);
    const o = defaultEmphysemaOptions;
    for (const r of [sharp, smooth]) {
      expect(r.noiseHu).toBeGreaterThan(o.moderateNoiseHu);
      expect(r.noiseHu).toBeLessThan(o.adaptiveNoiseHu);
    }
    // Over all low-attenuation voxels the holes dilute the rims below 0.15, where analyzer ≤ 0.6.0
    // took the scan for a smooth kernel; outside clusters the rims dominate.
    expect(sharp.edgeFraction).toBeLessThan(0.15);
    expect(sharp.edgeFractionUnclustered).toBeGreaterThan(o.moderateEdgeFraction);
    expect(sharp.smoothingSigmaMm).toBe(o.adaptiveSigmaMm);
    // The holes alone (a smooth kernel with emphysema): the milder smoothing.
    expect(smooth.edgeFractionUnclustered).toBeLessThan(o.moderateEdgeFraction);
    expect(smooth.smoothingSigmaMm).toBe(o.moderateSigmaMm);
  });

  it('smooths smooth-kernel moderate noise less on thick slices, edge-enhancing kernels not', () => {
    const dims: [number, number, number] = [48, 48, 12];
    const { labels, regions, volume } = holesAndRims(dims, 4242);
    const smooth = volume(false);
    const sharp = volume(true);
    const sigma = (hu: Int16Array, sliceMm: number, thicknessOption = 0): number =>
      quantifyEmphysema(hu, labels, dims, [1, 1, sliceMm], regions, {
        ...defaultEmphysemaOptions,
        sliceThicknessMm: thicknessOption,
      }).smoothingSigmaMm;
    const o = defaultEmphysemaOptions;
    expect(sigma(smooth, 1)).toBe(o.moderateSigmaMm);
    expect(sigma(smooth, o.thinSliceMm)).toBe(o.moderateSigmaMm);
    const at2p5 = sigma(smooth, 2.5);
    expect(at2p5).toBeGreaterThan(0);
    expect(at2p5).toBeLessThan(o.moderateSigmaMm);
    // σ² = 0.7² − (2.5² − 1.25²)/12 with the defaults.
    expect(at2p5).toBeCloseTo(Math.sqrt(o.moderateSigmaMm ** 2 - (2.5 ** 2 - o.thinSliceMm ** 2) / 12), 2);
    expect(sigma(smooth, 5)).toBe(0);
    // The slice thickness, when given, wins over the slice spacing (overlapping reconstructions).
    expect(sigma(smooth, 2.5, 5)).toBe(0);
    expect(sigma(smooth, 5, 1)).toBe(o.moderateSigmaMm);
    expect(moderateSigmaFor(o, 0.625)).toBe(o.moderateSigmaMm);
    // Rims lie in-plane: thick slices keep the edge-enhancing kernel's smoothing.
    expect(sigma(sharp, 5)).toBe(o.adaptiveSigmaMm);
  });

  it('gives the same figures from the coarse label grid as from the CT labels', () => {
    const { hu, labels, dims } = lungBlock('holes');
    // Left lung on the right half: blocks of 2×2×1 carry one label each.
    for (let p = 0; p < labels.length; p++) if (p % dims[0] >= 20) labels[p] = LungLabel.LeftLung;
    const coarseDims: [number, number, number] = [20, 20, 12];
    const coarse = new Uint8Array(20 * 20 * 12);
    for (let k = 0; k < 12; k++)
      for (let j = 0; j < 20; j++)
        for (let i = 0; i < 20; i++) coarse[i + 20 * (j + 20 * k)] = labels[2 * i + 40 * (2 * j + 40 * k)]!;
    const regions = lungRegions(labels, dims, 1, 1);
    const fine = quantifyEmphysema(hu, labels, dims, [1, 1, 1], regions);
    const viaGrid = quantifyEmphysema(hu, labels, dims, [1, 1, 1], regions, defaultEmphysemaOptions, {
      labels: coarse,
      dims: coarseDims,
      factors: [2, 2, 1],
    });
    expect(viaGrid.regions).toEqual(fine.regions);
  });
});
