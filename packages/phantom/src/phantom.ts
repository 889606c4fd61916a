import { buildChestModel } from './chest/build.js';
import { buildHeadModel } from './head/build.js';
import type { PhantomModel } from './model.js';
import { Translated, type Vec3 } from './shapes.js';
import type { StudySpec } from './spec.js';

/** Builds the paintable model of a study (anatomy from the patient's seed, shifted in a follow-up). */
export function buildPhantom(spec: StudySpec): PhantomModel {
  const translation: Vec3 = spec.followUp?.translationMm ?? [0, 0, 0];
  const seed = spec.patient.anatomySeed;
  const model =
    spec.phantom.kind === 'chest'
      ? buildChestModel(spec.phantom, seed, spec.followUp !== undefined, translation)
      : buildHeadModel(spec.phantom, seed, translation);
  if (translation.some((t) => t !== 0)) {
    model.ops = model.ops.map((op) => ({ ...op, shape: new Translated(op.shape, translation) }));
  }
  return model;
}
