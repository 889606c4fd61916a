import { type Dims3, type Mask, voxelCount } from './types.js';

export type Connectivity = 6 | 26;

export interface Components {
  /** Component label per voxel (0 = background, 1..count). */
  labels: Int32Array;
  count: number;
  /** Voxel count per label; sizes[0] is unused (0). */
  sizes: number[];
}

/** Neighbour offsets (di, dj, dk) for 6- or 26-connectivity. */
function offsets(connectivity: Connectivity): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let dk = -1; dk <= 1; dk++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        const manhattan = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (manhattan === 0) continue;
        if (connectivity === 6 && manhattan !== 1) continue;
        out.push([di, dj, dk]);
      }
    }
  }
  return out;
}

/**
 * Labels the 3D connected components of a mask by breadth-first flood fill with one
 * preallocated queue (no per-voxel allocation). Labels are assigned in scan order.
 */
export function labelComponents(mask: Mask, dims: Dims3, connectivity: Connectivity = 6): Components {
  if (connectivity === 6) return labelComponents6(mask, dims);
  const [nx, ny, nz] = dims;
  const n = voxelCount(dims);
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const sizes: number[] = [0];
  const nb = offsets(connectivity);
  const nbCount = nb.length;
  const ndi = new Int32Array(nb.map((o) => o[0]));
  const ndj = new Int32Array(nb.map((o) => o[1]));
  const ndk = new Int32Array(nb.map((o) => o[2]));
  const nxy = nx * ny;
  let count = 0;
  for (let seed = 0; seed < n; seed++) {
    if (mask[seed] === 0 || labels[seed] !== 0) continue;
    count++;
    labels[seed] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    while (head < tail) {
      const p = queue[head++]!;
      const k = (p / nxy) | 0;
      const r = p - k * nxy;
      const j = (r / nx) | 0;
      const i = r - j * nx;
      for (let t = 0; t < nbCount; t++) {
        const ii = i + ndi[t]!;
        const jj = j + ndj[t]!;
        const kk = k + ndk[t]!;
        if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
        const q = ii + nx * jj + nxy * kk;
        if (mask[q] === 0 || labels[q] !== 0) continue;
        labels[q] = count;
        queue[tail++] = q;
      }
    }
    sizes.push(tail);
  }
  return { labels, count, sizes };
}

/** Root of a union-find forest, halving the path on the way. */
function findRoot(parent: Int32Array, x: number): number {
  while (parent[x]! !== x) {
    const up = parent[parent[x]!]!;
    parent[x] = up;
    x = up;
  }
  return x;
}

/** Joins the trees of a and b under the smaller root; returns that root. */
function union(parent: Int32Array, a: number, b: number): number {
  const ra = findRoot(parent, a);
  const rb = findRoot(parent, b);
  if (ra === rb) return ra;
  if (ra < rb) {
    parent[rb] = ra;
    return ra;
  }
  parent[ra] = rb;
  return rb;
}

/**
 * 6-connected labelling in two raster passes with union-find over provisional labels (each
 * voxel looks back at its −i, −j and −k neighbours), then final labels numbered by each
 * component's first voxel in scan order: the same labels as the flood fill gives.
 */
function labelComponents6(mask: Mask, dims: Dims3): Components {
  const [nx, ny, nz] = dims;
  const n = voxelCount(dims);
  const nxy = nx * ny;
  const labels = new Int32Array(n);
  // Provisional label 0 is background; parent grows as labels are created.
  let parent = new Int32Array(1024);
  let next = 1;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        if (mask[p] === 0) continue;
        let l = i > 0 ? labels[p - 1]! : 0;
        const up = j > 0 ? labels[p - nx]! : 0;
        const below = k > 0 ? labels[p - nxy]! : 0;
        if (up !== 0) l = l === 0 ? up : l === up ? l : union(parent, l, up);
        if (below !== 0) l = l === 0 ? below : l === below ? l : union(parent, l, below);
        if (l === 0) {
          if (next === parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          parent[next] = next;
          l = next++;
        }
        labels[p] = l;
      }
    }
  }
  // Final numbering in order of first appearance (a component's first voxel carries the label
  // whose root is met first, since every provisional label is created at its own first voxel).
  const final = new Int32Array(next);
  const sizes: number[] = [0];
  let count = 0;
  for (let q = 0; q < n; q++) {
    const l = labels[q]!;
    if (l === 0) continue;
    const r = findRoot(parent, l);
    let f = final[r]!;
    if (f === 0) {
      f = ++count;
      final[r] = f;
      sizes.push(0);
    }
    labels[q] = f;
    sizes[f]!++;
  }
  return { labels, count, sizes };
}

/**
 * Labels the 2D connected components (4- or 8-connected) of one slice of a mask, writing into
 * `labels` (length nx·ny) and returning the sizes (index 0 unused). `queue` may be passed to
 * avoid reallocation.
 */
export function labelComponents2D(
  slice: Mask,
  nx: number,
  ny: number,
  connectivity: 4 | 8 = 4,
  labels: Int32Array = new Int32Array(nx * ny),
  queue: Int32Array = new Int32Array(nx * ny),
): { labels: Int32Array; count: number; sizes: number[] } {
  labels.fill(0);
  const sizes: number[] = [0];
  let count = 0;
  const n = nx * ny;
  for (let seed = 0; seed < n; seed++) {
    if (slice[seed] === 0 || labels[seed] !== 0) continue;
    count++;
    labels[seed] = count;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    while (head < tail) {
      const p = queue[head++]!;
      const j = (p / nx) | 0;
      const i = p - j * nx;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= ny) continue;
        for (let di = -1; di <= 1; di++) {
          if (di === 0 && dj === 0) continue;
          if (connectivity === 4 && di !== 0 && dj !== 0) continue;
          const ii = i + di;
          if (ii < 0 || ii >= nx) continue;
          const q = ii + nx * jj;
          if (slice[q] === 0 || labels[q] !== 0) continue;
          labels[q] = count;
          queue[tail++] = q;
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, count, sizes };
}
