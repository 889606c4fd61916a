import { describe, expect, it } from 'vitest';
import { markMedial, medialAdditions, parenchymaMask } from './parenchyma.js';
import { LungLabel } from './types.js';

/** One row per string: '.' lung before the closing, '+' added by it, ' ' neither. */
function rows(lines: string[]): { before: Uint8Array; after: Uint8Array; dims: [number, number, number] } {
  const nx = lines[0]!.length;
  const before = new Uint8Array(nx * lines.length);
  const after = new Uint8Array(nx * lines.length);
  lines.forEach((line, j) => {
    for (let i = 0; i < nx; i++) {
      const c = line[i];
      if (c === '.') before[i + nx * j] = 1;
      if (c === '.' || c === '+') after[i + nx * j] = 1;
    }
  });
  return { before, after, dims: [nx, lines.length, 1] };
}

describe('medialAdditions', () => {
  // A right lung with the midline at high i (medialStep +1): hilum additions at the medial
  // border, a lesion added between lung and chest wall, and a hole inside the lung.
  const { before, after, dims } = rows([
    ' ......++   ', // hilar addition beyond the medial border
    '+.....+..   ', // addition at the chest wall (lateral) and a hole inside the lung
    ' .......+++ ', // mass abutting the mediastinum
  ]);

  it('marks only additions with no lung medial to them on their row', () => {
    const m = medialAdditions(before, after, dims, 1);
    const marked = [...m.keys()].filter((p) => m[p] === 1);
    const nx = dims[0];
    expect(marked).toEqual([7, 8, 2 * nx + 8, 2 * nx + 9, 2 * nx + 10]);
  });

  it('mirrors for the left lung (midline at low i)', () => {
    const flipped = rows(['   ++......', '   ..+.....+']);
    const m = medialAdditions(flipped.before, flipped.after, flipped.dims, -1);
    expect([...m.keys()].filter((p) => m[p] === 1)).toEqual([3, 4]);
  });

  it('marks only voxels the closing will add (Body), never the other lung or the airway', () => {
    const labels = Uint8Array.of(LungLabel.Body, LungLabel.LeftLung, LungLabel.Airway, LungLabel.Body, 0, 0);
    const medial = new Uint8Array(6);
    // Box i 1..3 of a 6×1×1 grid.
    markMedial(medial, labels, [6, 1, 1], [1, 0, 0, 3, 0, 0], Uint8Array.of(1, 1, 1));
    expect([...medial]).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('keeps lung labels outside the medial additions as parenchyma', () => {
    const labels = Uint8Array.of(LungLabel.RightLung, LungLabel.LeftLung, LungLabel.Body, LungLabel.RightLung);
    const medial = Uint8Array.of(0, 0, 0, 1);
    expect([...parenchymaMask(labels, medial)]).toEqual([1, 1, 0, 0]);
  });
});
