import type { SegmentInfo } from '@lingshu/ai';
import { createVolume, type Volume } from '@lingshu/imaging';
import { Codes } from './codes.js';
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
): { volume: Volume; segments: SegmentInfo[]; noduleSegments: Map<number, number> } {
  const out = new Uint8Array(lungLabels.length);
  const lut = new Uint8Array(256);
  lut[LungLabel.RightLung] = Segment.RightLung;
  lut[LungLabel.LeftLung] = Segment.LeftLung;
  lut[LungLabel.Airway] = Segment.Airway;
  const infLut = Uint8Array.of(0, Segment.GroundGlass, Segment.Consolidation);
  for (let p = 0; p < out.length; p++) {
    const inf = infectionMask ? infectionMask[p]! : 0;
    out[p] = inf !== 0 ? infLut[inf]! : lut[lungLabels[p]!]!;
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
