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

/** Separable Gaussian blur of a columns×rows image in place (edges clamp). */
export function gaussianBlur2D(
  img: Float32Array,
  columns: number,
  rows: number,
  weights: Float32Array,
  scratch: Float32Array,
): void {
  if (weights.length === 1) return;
  const radius = (weights.length - 1) >> 1;
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    for (let c = 0; c < columns; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const cc = c + k < 0 ? 0 : c + k >= columns ? columns - 1 : c + k;
        s += weights[k + radius]! * img[base + cc]!;
      }
      scratch[base + c] = s;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        const rr = r + k < 0 ? 0 : r + k >= rows ? rows - 1 : r + k;
        s += weights[k + radius]! * scratch[rr * columns + c]!;
      }
      img[r * columns + c] = s;
    }
  }
}
