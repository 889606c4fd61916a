import type { Volume } from '@lingshu/imaging';
import type { EmphysemaOptions, EmphysemaResult } from '../emphysema.js';
import type { InfectionOptions } from '../infection.js';
import type { SideClosing, SideClosingJob } from '../lungs/closeSide.js';
import type { LungRegions } from '../lungs/regions.js';
import type { BlockMeansJob } from '../lungs/segment.js';
import type { Seed } from '../nodules/candidates.js';
import type { SeedOutcome } from '../nodules/evaluateSeed.js';
import type { NoduleParams } from '../nodules/params.js';

/**
 * Messages between the analyzer and its helper threads (helper.ts ↔ helperWorker.ts). The CT
 * voxels and the CT-grid lung labels travel as views of SharedArrayBuffers: never copied.
 */
export interface SharedScan {
  /** The CT, voxels in shared memory. */
  ct: Volume;
  /** CT-grid lung labels (shared memory), the segmenter's zone tables and its working grid's labels. */
  labels: Uint8Array;
  regions: LungRegions;
  grid: {
    labels: Uint8Array;
    /** Block means and parenchyma of the working grid (shared memory). */
    hu: Int16Array;
    parenchyma?: Uint8Array;
    dims: readonly [number, number, number];
    spacing: readonly [number, number, number];
    factors: readonly [number, number, number];
  };
}

export type HelperRequest =
  | { type: 'blockMeans'; id: number; job: BlockMeansJob }
  | { type: 'closeSide'; id: number; job: SideClosingJob }
  | { type: 'scan'; scan: SharedScan }
  | { type: 'emphysema'; id: number; options: EmphysemaOptions }
  | { type: 'infectionClasses'; id: number; options: InfectionOptions }
  | {
      type: 'seeds';
      id: number;
      seeds: Seed[];
      parenchymaHu: number;
      params: NoduleParams;
      /** Index of the next seed to evaluate (Int32 in shared memory, taken with Atomics.add by every thread). */
      next: Int32Array;
    };

export type HelperReply =
  | { type: 'ready' }
  | { type: 'closeSide'; id: number; closing: SideClosing | undefined }
  | { type: 'emphysema'; id: number; result: EmphysemaResult }
  | { type: 'infectionClasses'; id: number; classes: Uint8Array }
  | { type: 'seed'; id: number; index: number; outcome: SeedOutcome }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; message: string };
