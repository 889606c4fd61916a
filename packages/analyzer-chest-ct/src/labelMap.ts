import type { SegmentInfo } from '@lingshu/ai';
import { createVolume, type Dims3, upsampleLabels, type Volume } from '@lingshu/imaging';
import { Codes } from './codes.js';
import type { LabelGrid } from './emphysema.js';
import { LungLabel } from './lungs/types.js';
import type { NoduleFinding } from './nodules/types.js';

/** Segment numbers of the result's label map (nodules follow from `FirstNodule`). */
export const Segment = {
  RightLung: 1,
  LeftLung: 2,
  Airway: 3,
  GroundGlass: 4,
  Consolidation: 5,
  FirstNodule: 6,
} as const;

/**
 * One label map on the CT grid: lungs and airways, infection classes over them, nodules on top
 * (a voxel has one segment; later layers win). At most 249 nodules are labelled.
 */
export function buildLabelMap(
  ct: Volume,
  lungLabels: Uint8Array,
  infectionMask: Uint8Array | undefined,
  nodules: readonly NoduleFinding[],
  grid?: LabelGrid,
): { volume: Volume; segments: SegmentInfo[]; noduleSegments: Map<number, number> } {
  const lut = new Uint8Array(256);
  lut[LungLabel.RightLung] = Segment.RightLung;
  lut[LungLabel.LeftLung] = Segment.LeftLung;
  lut[LungLabel.Airway] = Segment.Airway;
  const infLut = Uint8Array.of(0, Segment.GroundGlass, Segment.Consolidation);
  let out: Uint8Array;
  if (grid) {
    // Segments on the label grid, brought to the CT grid by block copies; infection classes only
    // inside lung blocks (the only place quantifyInfection marks them).
    const coarse = new Uint8Array(grid.labels.length);
    for (let c = 0; c < coarse.length; c++) coarse[c] = lut[grid.labels[c]!]!;
    out = upsampleLabels(coarse, grid.dims, grid.factors, ct.dimensions);
    if (infectionMask) overlayInLungBlocks(out, infectionMask, infLut, grid, ct.dimensions);
  } else {
    out = new Uint8Array(lungLabels.length);
    for (let p = 0; p < out.length; p++) {
      const inf = infectionMask ? infectionMask[p]! : 0;
      out[p] = inf !== 0 ? infLut[inf]! : lut[lungLabels[p]!]!;
    }
  }
  const segments: SegmentInfo[] = [
    { number: Segment.RightLung, label: 'Right lung', code: Codes.rightLung, category: Codes.anatomicalStructure },
    { number: Segment.LeftLung, label: 'Left lung', code: Codes.leftLung, category: Codes.anatomicalStructure },
    {
      number: Segment.Airway,
      label: 'Trachea and main bronchi',
      code: Codes.trachea,
      category: Codes.anatomicalStructure,
    },
    {
      number: Segment.GroundGlass,
      label: 'Ground-glass opacity',
      code: Codes.groundGlass,
      category: Codes.abnormalStructure,
    },
    {
      number: Segment.Consolidation,
      label: 'Consolidation',
      code: Codes.consolidation,
      category: Codes.abnormalStructure,
    },
  ];
  const noduleSegments = new Map<number, number>();
  nodules.forEach((n, index) => {
    const number = Segment.FirstNodule + index;
    if (number > 255 || !n.voxels) return;
    for (const p of n.voxels) out[p] = number;
    noduleSegments.set(index, number);
    segments.push({
      number,
      label: `${n.finding.type} ${index + 1}`,
      code: n.finding.code,
      category: Codes.abnormalStructure,
    });
  });
  const volume = createVolume({
    voxels: out,
    dimensions: ct.dimensions,
    spacing: ct.spacing,
    origin: ct.origin,
    direction: ct.direction,
    metadata: { ...ct.metadata, warnings: [] },
  });
  return { volume, segments, noduleSegments };
}

/** out[p] = lut[mask[p]] where mask[p] ≠ 0, visiting only the CT voxels of lung blocks of `grid`. */
function overlayInLungBlocks(out: Uint8Array, mask: Uint8Array, lut: Uint8Array, grid: LabelGrid, dims: Dims3): void {
  const [nx, ny, nz] = dims;
  const [cx, cy, cz] = grid.dims;
  const f = grid.factors;
  let c = 0;
  for (let kc = 0; kc < cz; kc++) {
    const k1 = Math.min(nz, (kc + 1) * f[2]);
    for (let jc = 0; jc < cy; jc++) {
      const j1 = Math.min(ny, (jc + 1) * f[1]);
      for (let ic = 0; ic < cx; ic++, c++) {
        const l = grid.labels[c];
        if (l !== LungLabel.RightLung && l !== LungLabel.LeftLung) continue;
        const i0 = ic * f[0];
        const i1 = Math.min(nx, i0 + f[0]);
        for (let k = kc * f[2]; k < k1; k++) {
          for (let j = jc * f[1]; j < j1; j++) {
            let p = i0 + nx * (j + ny * k);
            for (let i = i0; i < i1; i++, p++) {
              const v = mask[p]!;
              if (v !== 0) out[p] = lut[v]!;
            }
          }
        }
      }
    }
  }
}
