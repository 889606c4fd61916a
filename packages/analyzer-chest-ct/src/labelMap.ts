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

/** Segment numbers stop at 255. */
const MAX_NODULE_SEGMENTS = 256 - Segment.FirstNodule;

/**
 * One label map on the CT grid: lungs and airways, infection classes over them, nodules on top
 * (a voxel has one segment; later layers win). At most 249 nodules are labelled; the voxels of
 * any others keep their lung label (quantifyInfection leaves every nodule out of the lesions).
 * `infection` holds the classes of quantifyInfection on the label grid (`grid`, else the CT grid).
 * With `reuseLungLabels` and a grid, the map is written over `lungLabels` (segmentLungs' CT-grid
 * labels, which must be the grid's brought to the CT grid) instead of a new array: the caller
 * gives them up.
 */
export function buildLabelMap(
  ct: Volume,
  lungLabels: Uint8Array,
  infection: Uint8Array | undefined,
  nodules: readonly NoduleFinding[],
  grid?: LabelGrid,
  options: { reuseLungLabels?: boolean } = {},
): { volume: Volume; segments: SegmentInfo[]; noduleSegments: Map<number, number> } {
  const lut = new Uint8Array(256);
  lut[LungLabel.RightLung] = Segment.RightLung;
  lut[LungLabel.LeftLung] = Segment.LeftLung;
  lut[LungLabel.Airway] = Segment.Airway;
  const infLut = Uint8Array.of(0, Segment.GroundGlass, Segment.Consolidation);
  let out: Uint8Array;
  const [nx, ny] = ct.dimensions;
  const f = grid?.factors ?? [1, 1, 1];
  const [cx, cy] = grid?.dims ?? ct.dimensions;
  /** The label-grid index of CT voxel p. */
  const blockOf = (p: number): number => {
    const i = p % nx;
    const j = ((p / nx) | 0) % ny;
    const k = (p / (nx * ny)) | 0;
    return ((i / f[0]) | 0) + cx * (((j / f[1]) | 0) + cy * ((k / f[2]) | 0));
  };
  if (grid) {
    // Segments on the label grid, brought to the CT grid by block copies; infection classes over
    // their blocks.
    if (options.reuseLungLabels) {
      // The lung labels are the grid's brought to the CT grid: mapped in their own buffer.
      out = lungLabels;
      for (let p = 0; p < out.length; p++) out[p] = lut[out[p]!]!;
    } else {
      const coarse = new Uint8Array(grid.labels.length);
      for (let c = 0; c < coarse.length; c++) coarse[c] = lut[grid.labels[c]!]!;
      out = upsampleLabels(coarse, grid.dims, grid.factors, ct.dimensions);
    }
    if (infection) fillClassBlocks(out, infection, infLut, grid, ct.dimensions);
  } else {
    out = new Uint8Array(lungLabels.length);
    for (let p = 0; p < out.length; p++) {
      const inf = infection ? infection[p]! : 0;
      out[p] = inf !== 0 ? infLut[inf]! : lut[lungLabels[p]!]!;
    }
  }
  const labelsOf = grid?.labels ?? lungLabels;
  const unlabelled = nodules.slice(MAX_NODULE_SEGMENTS);
  if (infection) {
    // Nodules without a segment of their own: back to the lung label where a class covered them.
    for (const n of unlabelled) {
      if (!n.voxels) continue;
      for (const p of n.voxels) {
        const b = blockOf(p);
        if (infection[b] !== 0) out[p] = lut[labelsOf[b]!]!;
      }
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
    if (index >= MAX_NODULE_SEGMENTS || !n.voxels) return;
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

/** Every CT voxel of each label-grid block with a class c ≠ 0 set to lut[c]. */
function fillClassBlocks(out: Uint8Array, classes: Uint8Array, lut: Uint8Array, grid: LabelGrid, dims: Dims3): void {
  const [nx, ny, nz] = dims;
  const [cx, cy, cz] = grid.dims;
  const f = grid.factors;
  let c = 0;
  for (let kc = 0; kc < cz; kc++) {
    const k1 = Math.min(nz, (kc + 1) * f[2]);
    for (let jc = 0; jc < cy; jc++) {
      const j1 = Math.min(ny, (jc + 1) * f[1]);
      for (let ic = 0; ic < cx; ic++, c++) {
        const v = classes[c]!;
        if (v === 0) continue;
        const i0 = ic * f[0];
        const i1 = Math.min(nx, i0 + f[0]);
        const value = lut[v]!;
        for (let k = kc * f[2]; k < k1; k++) {
          for (let j = jc * f[1]; j < j1; j++) {
            const row = nx * (j + ny * k);
            out.fill(value, row + i0, row + i1);
          }
        }
      }
    }
  }
}
