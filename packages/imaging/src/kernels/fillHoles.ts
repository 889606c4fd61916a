import type { Dims3, Mask } from './types.js';

/**
 * Fills holes slice by slice (k planes): background not 4-connected to the slice border
 * becomes foreground. In place when `out` is the input.
 */
export function fillHoles2D(mask: Mask, dims: Dims3, out: Mask = mask.slice()): Mask {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const reached = new Uint8Array(plane);
  const queue = new Int32Array(plane);
  for (let k = 0; k < nz; k++) {
    const base = k * plane;
    reached.fill(0);
    let tail = 0;
    const push = (q: number): void => {
      if (out[base + q] === 0 && reached[q] === 0) {
        reached[q] = 1;
        queue[tail++] = q;
      }
    };
    for (let i = 0; i < nx; i++) {
      push(i);
      push(i + nx * (ny - 1));
    }
    for (let j = 0; j < ny; j++) {
      push(nx * j);
      push(nx - 1 + nx * j);
    }
    let head = 0;
    while (head < tail) {
      const q = queue[head++]!;
      const j = (q / nx) | 0;
      const i = q - j * nx;
      if (i > 0) push(q - 1);
      if (i < nx - 1) push(q + 1);
      if (j > 0) push(q - nx);
      if (j < ny - 1) push(q + nx);
    }
    for (let q = 0; q < plane; q++) if (reached[q] === 0) out[base + q] = 1;
  }
  return out;
}

/** Fills 3D holes: background not 6-connected to the volume border becomes foreground. */
export function fillHoles3D(mask: Mask, dims: Dims3): Mask {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const nxy = nx * ny;
  const reached = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (i !== 0 && j !== 0 && k !== 0 && i !== nx - 1 && j !== ny - 1 && k !== nz - 1) continue;
        const p = i + nx * j + nxy * k;
        if (mask[p] === 0 && reached[p] === 0) {
          reached[p] = 1;
          queue[tail++] = p;
        }
      }
    }
  }
  const visit = (q: number): void => {
    if (mask[q] === 0 && reached[q] === 0) {
      reached[q] = 1;
      queue[tail++] = q;
    }
  };
  let head = 0;
  while (head < tail) {
    const p = queue[head++]!;
    const k = (p / nxy) | 0;
    const r = p - k * nxy;
    const j = (r / nx) | 0;
    const i = r - j * nx;
    if (i > 0) visit(p - 1);
    if (i < nx - 1) visit(p + 1);
    if (j > 0) visit(p - nx);
    if (j < ny - 1) visit(p + nx);
    if (k > 0) visit(p - nxy);
    if (k < nz - 1) visit(p + nxy);
  }
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) out[p] = reached[p] === 0 ? 1 : 0;
  return out;
}
