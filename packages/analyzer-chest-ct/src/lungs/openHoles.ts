import { type Dims3, labelComponents, type Mask } from '@lingshu/imaging';

/**
 * Takes back 2-D hole fills that are not inside the lung in 3-D: on axial slices through the
 * diaphragm dome the lung wraps round the liver (or spleen), which slice-by-slice hole filling
 * makes lung. Such a filled region is large and rests on tissue outside the lung on the slice
 * below (or above) it; a mass inside the lung has lung above and below, and a vessel's
 * cross-section is small.
 *
 * `filled` is the mask after hole filling, `before` the same mask before (both on `dims`, changed:
 * `filled`). A 6-connected component of the fill is taken back when its largest slice covers at
 * least `minAreaVoxels` and at least half as many of its voxels as that slice holds have a voxel
 * outside `filled` directly above or below (outside the grid counts as outside). Returns the
 * number of voxels taken back.
 */
export function dropOpenHoles(filled: Mask, before: Mask, dims: Dims3, minAreaVoxels: number): number {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const added = new Uint8Array(filled.length);
  let any = false;
  for (let q = 0; q < filled.length; q++) {
    if (filled[q] !== 0 && before[q] === 0) {
      added[q] = 1;
      any = true;
    }
  }
  if (!any) return 0;
  const comps = labelComponents(added, dims, 6);
  const count = comps.count;
  // Per component: voxels per slice (largest slice) and voxels resting on tissue outside the lung.
  const largest = new Float64Array(count + 1);
  const resting = new Float64Array(count + 1);
  const perSlice = new Float64Array(count + 1);
  for (let k = 0; k < nz; k++) {
    perSlice.fill(0);
    const base = k * plane;
    for (let p = 0; p < plane; p++) {
      const q = base + p;
      const c = comps.labels[q] ?? 0;
      if (c === 0) continue;
      perSlice[c] = (perSlice[c] ?? 0) + 1;
      const below = k > 0 ? filled[q - plane] : 0;
      const above = k < nz - 1 ? filled[q + plane] : 0;
      if (below === 0 || above === 0) resting[c] = (resting[c] ?? 0) + 1;
    }
    for (let c = 1; c <= count; c++) if ((perSlice[c] ?? 0) > (largest[c] ?? 0)) largest[c] = perSlice[c] ?? 0;
  }
  const drop = new Uint8Array(count + 1);
  let anyDrop = false;
  for (let c = 1; c <= count; c++) {
    const area = largest[c] ?? 0;
    if (area >= minAreaVoxels && (resting[c] ?? 0) >= 0.5 * area) {
      drop[c] = 1;
      anyDrop = true;
    }
  }
  if (!anyDrop) return 0;
  let taken = 0;
  for (let q = 0; q < filled.length; q++) {
    if (drop[comps.labels[q] ?? 0] === 1) {
      filled[q] = 0;
      taken++;
    }
  }
  return taken;
}
