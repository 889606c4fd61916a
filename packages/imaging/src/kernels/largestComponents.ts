import { type Connectivity, labelComponents } from './connectedComponents.js';
import type { Dims3, Mask } from './types.js';

/** Keeps the `keep` largest 3D components of a mask (ties broken by scan order). */
export function largestComponents(mask: Mask, dims: Dims3, keep = 1, connectivity: Connectivity = 6): Mask {
  const { labels, count, sizes } = labelComponents(mask, dims, connectivity);
  const order = Array.from({ length: count }, (_, t) => t + 1).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const kept = new Uint8Array(count + 1);
  for (const l of order.slice(0, keep)) kept[l] = 1;
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < labels.length; p++) out[p] = kept[labels[p]!]!;
  return out;
}

/** Removes 3D components smaller than `minVoxels`. */
export function removeSmallComponents(
  mask: Mask,
  dims: Dims3,
  minVoxels: number,
  connectivity: Connectivity = 6,
): Mask {
  const { labels, sizes } = labelComponents(mask, dims, connectivity);
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < labels.length; p++) {
    const l = labels[p]!;
    if (l !== 0 && sizes[l]! >= minVoxels) out[p] = 1;
  }
  return out;
}
