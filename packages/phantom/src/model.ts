import type { CalciumSpot } from './chest/findings.js';
import type { LesionModel } from './chest/nodules.js';
import type { PaintOp } from './raster.js';
import type { Box, Vec3 } from './shapes.js';
import type { HaemorrhageSpec, Lobe, NoduleSpec } from './spec.js';

export interface LesionEntry {
  label: number;
  model: LesionModel;
  nodule?: NoduleSpec;
  haemorrhage?: HaemorrhageSpec;
  lobe?: Lobe;
  /** Anatomical location in words (e.g. 'right frontal lobe'). */
  location?: string;
}

/** Everything needed to rasterise a study and write its truth. */
export interface PhantomModel {
  kind: 'chest' | 'head';
  ops: PaintOp[];
  lesions: LesionEntry[];
  calcium: CalciumSpot[];
  /** Natural scan range (mm) before any follow-up translation. */
  zRange: [number, number];
  /** Box over which region statistics (lung volumes, LAA, infection) are computed. */
  regionBox?: Box;
  translation: Vec3;
}
