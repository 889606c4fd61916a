import type { PhantomModel } from '../model.js';
import { Random } from '../random.js';
import { type AxialGrid, rasteriseSlice } from '../raster.js';
import type { Kernel, SeriesOptions } from '../spec.js';
import { gaussianBlur2D, gaussianWeights } from './blur.js';

/** Reconstruction kernel model: image blur, noise correlation, noise gain, edge enhancement. */
const KERNELS: Record<Kernel, { imageSigmaMm: number; noiseSigmaMm: number; noiseGain: number; sharpen: number }> = {
  soft: { imageSigmaMm: 0.9, noiseSigmaMm: 1.3, noiseGain: 0.75, sharpen: 0 },
  standard: { imageSigmaMm: 0.6, noiseSigmaMm: 0.9, noiseGain: 1, sharpen: 0 },
  sharp: { imageSigmaMm: 0.35, noiseSigmaMm: 0.55, noiseGain: 1.6, sharpen: 0.6 },
  lung: { imageSigmaMm: 0.35, noiseSigmaMm: 0.5, noiseGain: 2, sharpen: 0.8 },
};

export const HU_MIN = -1024;
export const HU_MAX = 3071;

export function noiseStdHU(options: SeriesOptions): number {
  const base = options.dose === 'standard' ? 12 : options.dose === 'low' ? 30 : options.dose;
  return base * KERNELS[options.kernel].noiseGain;
}

export interface SliceGeometry {
  grid: AxialGrid;
  /** Slice centre positions along z, superior first. */
  z: number[];
  thicknessMm: number;
}

export function sliceGeometry(model: PhantomModel, options: SeriesOptions): SliceGeometry {
  const pixel = options.fieldOfViewMm / options.matrix;
  const origin = -options.fieldOfViewMm / 2 + pixel / 2;
  const spacing = options.sliceSpacingMm ?? options.sliceThicknessMm;
  const [z0, z1] = options.zRangeMm ?? [model.zRange[0] + model.translation[2], model.zRange[1] + model.translation[2]];
  const count = Math.max(1, Math.floor((z1 - z0) / spacing + 1e-6) + 1);
  const z = Array.from({ length: count }, (_, k) => Math.round((z1 - k * spacing) * 1000) / 1000);
  return {
    grid: { columns: options.matrix, rows: options.matrix, dx: pixel, dy: pixel, originX: origin, originY: origin },
    z,
    thicknessMm: options.sliceThicknessMm,
  };
}

/** Reusable buffers for rendering slices of one geometry. */
export class SliceRenderer {
  private readonly clean: Float32Array;
  private readonly sub: Float32Array;
  private readonly noise: Float32Array;
  private readonly scratch: Float32Array;
  private readonly imageWeights: Float32Array;
  private readonly noiseWeights: Float32Array;
  private readonly sharpenWeights: Float32Array;
  private readonly noiseScale: number;

  constructor(
    private readonly model: PhantomModel,
    private readonly geometry: SliceGeometry,
    private readonly options: SeriesOptions,
    private readonly noiseSeed: number,
  ) {
    const n = geometry.grid.columns * geometry.grid.rows;
    this.clean = new Float32Array(n);
    this.sub = new Float32Array(n);
    this.noise = new Float32Array(n);
    this.scratch = new Float32Array(n);
    const k = KERNELS[options.kernel];
    const px = geometry.grid.dx;
    this.imageWeights = gaussianWeights(k.imageSigmaMm / px);
    this.noiseWeights = gaussianWeights(k.noiseSigmaMm / px);
    this.sharpenWeights = gaussianWeights((k.sharpen > 0 ? 1.3 : 0) / px);
    // Std of Gaussian-filtered unit white noise in 2-D is Σw² of the 1-D kernel.
    let sumSq = 0;
    for (const w of this.noiseWeights) sumSq += w * w;
    this.noiseScale = noiseStdHU(options) / sumSq;
  }

  /** The noise-free HU of slice k (averaged over sub-slices across the slice thickness). */
  renderClean(k: number): Float32Array {
    const { grid, z, thicknessMm } = this.geometry;
    const zc = z[k]!;
    const subs = Math.min(4, Math.max(1, Math.ceil(thicknessMm / (grid.dx * 1.5))));
    const ramp = Math.max(grid.dx, thicknessMm / subs);
    if (subs === 1) {
      rasteriseSlice(this.model.ops, grid, zc, ramp, { hu: this.clean });
      return this.clean;
    }
    this.clean.fill(0);
    for (let s = 0; s < subs; s++) {
      const zs = zc - thicknessMm / 2 + ((s + 0.5) * thicknessMm) / subs;
      rasteriseSlice(this.model.ops, grid, zs, ramp, { hu: this.sub });
      for (let i = 0; i < this.clean.length; i++) this.clean[i] = this.clean[i]! + this.sub[i]! / subs;
    }
    return this.clean;
  }

  /** Slice k as the scanner would reconstruct it: kernel blur/sharpening, correlated noise, clamped HU. */
  render(k: number): Int16Array {
    const { columns, rows } = this.geometry.grid;
    const img = this.renderClean(k);
    gaussianBlur2D(img, columns, rows, this.imageWeights, this.scratch);
    const sharpen = KERNELS[this.options.kernel].sharpen;
    if (sharpen > 0) {
      this.sub.set(img);
      gaussianBlur2D(this.sub, columns, rows, this.sharpenWeights, this.scratch);
      for (let i = 0; i < img.length; i++) img[i] = img[i]! + sharpen * (img[i]! - this.sub[i]!);
    }
    const rng = new Random(this.noiseSeed, `noise:${k}`);
    rng.fillGaussian(this.noise);
    gaussianBlur2D(this.noise, columns, rows, this.noiseWeights, this.scratch);
    const out = new Int16Array(img.length);
    const noise = this.noise;
    const noiseScale = this.noiseScale;
    for (let i = 0; i < img.length; i++) {
      // Air outside the body is reconstructed at about −1000 with the same noise.
      const x = img[i]! + noise[i]! * noiseScale;
      // Math.round(x), computed as floor(x + 0.5) (much faster in V8); the one double where the
      // sum rounds up (0.49999999999999994) is corrected.
      let v = Math.floor(x + 0.5);
      if (v - x > 0.5) v -= 1;
      out[i] = v < HU_MIN ? HU_MIN : v > HU_MAX ? HU_MAX : v;
    }
    return out;
  }
}
