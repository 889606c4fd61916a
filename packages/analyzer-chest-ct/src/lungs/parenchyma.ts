import { type Box3, boxDims, type Dims3, type Mask } from '@lingshu/imaging';
import { LungLabel } from './types.js';

/**
 * Voxels a closing added (in `after`, not in `before`) that have none of the un-closed lung
 * medial to them on their row: the hilum, mediastinal fat and vessels, and masses abutting the
 * mediastinum. A lesion with aerated lung on both sides of it (inside the lung, or between the
 * lung and the chest wall) is not one of them. `medialStep` is the direction of +i that points to
 * the midline (+1 or −1).
 */
export function medialAdditions(before: Mask, after: Mask, dims: Dims3, medialStep: 1 | -1): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(before.length);
  for (let row = 0; row < ny * nz; row++) {
    const base = row * nx;
    // Walk from the medial end of the row towards the lateral end.
    let p = medialStep === 1 ? base + nx - 1 : base;
    const step = -medialStep;
    let seenLung = false;
    for (let t = 0; t < nx; t++, p += step) {
      if (before[p] !== 0) {
        seenLung = true;
        continue;
      }
      if (!seenLung && after[p] !== 0) out[p] = 1;
    }
  }
  return out;
}

/**
 * Lung parenchyma for density measures: lung labels minus the medial additions of the closing
 * (`shared`: in a SharedArrayBuffer, for the analyzer's helper threads).
 */
export function parenchymaMask(labels: Uint8Array, medial: Uint8Array, shared = false): Uint8Array {
  const out = shared ? new Uint8Array(new SharedArrayBuffer(labels.length)) : new Uint8Array(labels.length);
  for (let p = 0; p < out.length; p++) {
    const l = labels[p];
    out[p] = (l === LungLabel.RightLung || l === LungLabel.LeftLung) && medial[p] === 0 ? 1 : 0;
  }
  return out;
}

/**
 * Marks in `medial` (grid `dims`) the voxels of `cropped` (a mask on `box`) whose label is still
 * Body: the additions the closing is about to make. Voxels of the other lung or the airway that
 * the closing of this side covers stay unmarked.
 */
export function markMedial(medial: Uint8Array, labels: Uint8Array, dims: Dims3, box: Box3, cropped: Mask): void {
  const [cx, cy, cz] = boxDims(box);
  const [nx, ny] = dims;
  let q = 0;
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      let p = box[0] + nx * (box[1] + j + ny * (box[2] + k));
      for (let i = 0; i < cx; i++, p++, q++) {
        if (cropped[q] !== 0 && labels[p] === LungLabel.Body) medial[p] = 1;
      }
    }
  }
}
