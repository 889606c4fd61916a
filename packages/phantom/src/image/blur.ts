/** Normalised 1-D Gaussian weights for sigma in pixels (radius 3σ). */
export function gaussianWeights(sigmaPx: number): Float32Array {
  if (sigmaPx < 0.25) return new Float32Array([1]);
  const radius = Math.max(1, Math.ceil(3 * sigmaPx));
  const w = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigmaPx * sigmaPx));
    w[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / sum;
  return w;
}

/**
 * Separable Gaussian blur of a columns×rows image in place (edges clamp). Each pass blurs rows
 * and writes its result transposed, so both passes read memory sequentially; every output is
 * summed in double precision in kernel order (the same values as a direct 2-D evaluation).
 */
export function gaussianBlur2D(
  img: Float32Array,
  columns: number,
  rows: number,
  weights: Float32Array,
  scratch: Float32Array,
): void {
  if (weights.length === 1) return;
  const w = Float64Array.from(weights);
  const padded = new Float64Array(Math.max(columns, rows) + weights.length - 1);
  blurRowsTransposed(img, scratch, columns, rows, w, padded);
  blurRowsTransposed(scratch, img, rows, columns, w, padded);
}

/** Blurs each row of a width×height image and writes it as a column of the height×width output. */
function blurRowsTransposed(
  src: Float32Array,
  dst: Float32Array,
  width: number,
  height: number,
  w: Float64Array,
  padded: Float64Array,
): void {
  const taps = w.length;
  const radius = (taps - 1) >> 1;
  for (let r = 0; r < height; r++) {
    const base = r * width;
    const first = src[base]!;
    const last = src[base + width - 1]!;
    for (let k = 0; k < radius; k++) {
      padded[k] = first;
      padded[radius + width + k] = last;
    }
    for (let c = 0; c < width; c++) padded[radius + c] = src[base + c]!;
    // Outputs whose window lies in a constant run at either end (air around the body) share one
    // value, summed in the same order as the general loop.
    let lead = 1;
    while (lead < width && padded[radius + lead] === first) lead++;
    let trail = 1;
    while (trail < width && padded[radius + width - 1 - trail] === last) trail++;
    const start = lead === width ? width : Math.max(0, lead - radius);
    const end = lead === width ? width : Math.min(width, width - trail + radius);
    if (start > 0) {
      let s = 0;
      for (let k = 0; k < taps; k++) s += w[k]! * first;
      for (let c = 0; c < start; c++) dst[c * height + r] = s;
    }
    if (end < width) {
      let s = 0;
      for (let k = 0; k < taps; k++) s += w[k]! * last;
      for (let c = end; c < width; c++) dst[c * height + r] = s;
    }
    // Four outputs at a time share each weight load (each still summed in kernel order).
    let c = start;
    for (; c + 4 <= end; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < taps; k++) {
        const wk = w[k]!;
        const i = c + k;
        s0 += wk * padded[i]!;
        s1 += wk * padded[i + 1]!;
        s2 += wk * padded[i + 2]!;
        s3 += wk * padded[i + 3]!;
      }
      const o = c * height + r;
      dst[o] = s0;
      dst[o + height] = s1;
      dst[o + 2 * height] = s2;
      dst[o + 3 * height] = s3;
    }
    for (; c < end; c++) {
      let s = 0;
      for (let k = 0; k < taps; k++) s += w[k]! * padded[c + k]!;
      dst[c * height + r] = s;
    }
  }
}
