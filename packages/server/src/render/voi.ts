/** VOI LUT functions of PS3.3 C.11.2.1.2 (names as in VOI LUT Function (0028,1056)). */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface VoiWindow {
  center: number;
  width: number;
  fn: VoiFunction;
}

/**
 * Maps modality values to 0..255 display values with a window (PS3.3 C.11.2.1.2.1 LINEAR,
 * C.11.2.1.3.2 LINEAR_EXACT, C.11.2.1.3.1 SIGMOID). LINEAR needs width ≥ 1; the others width > 0.
 */
export function applyVoi(values: ArrayLike<number>, window: VoiWindow, invert: boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  const { center: c, fn } = window;
  const w = fn === 'LINEAR' ? Math.max(window.width, 1) : Math.max(window.width, Number.EPSILON);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? 0;
    let y: number;
    if (fn === 'SIGMOID') {
      y = 255 / (1 + Math.exp((-4 * (x - c)) / w));
    } else if (fn === 'LINEAR_EXACT') {
      y = x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : ((x - c) / w + 0.5) * 255;
    } else {
      const lo = c - 0.5 - (w - 1) / 2;
      const hi = c - 0.5 + (w - 1) / 2;
      y = x <= lo ? 0 : x > hi ? 255 : ((x - (c - 0.5)) / (w - 1 || 1) + 0.5) * 255;
    }
    const v = Math.round(Math.min(255, Math.max(0, y)));
    out[i] = invert ? 255 - v : v;
  }
  return out;
}

/** A window spanning the values' range: the default when the dataset gives none. */
export function minMaxWindow(values: ArrayLike<number>): VoiWindow {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { center: 0, width: 1, fn: 'LINEAR_EXACT' };
  // LINEAR_EXACT maps min→0 and max→255 exactly; a flat image gets width 1 (mid-grey at its value).
  return { center: (min + max) / 2, width: Math.max(max - min, 1), fn: 'LINEAR_EXACT' };
}

export function parseVoiFunction(value: string | undefined): VoiFunction | undefined {
  const v = (value ?? '').trim().toUpperCase().replace('-', '_');
  return v === 'LINEAR' || v === 'LINEAR_EXACT' || v === 'SIGMOID' ? v : undefined;
}
