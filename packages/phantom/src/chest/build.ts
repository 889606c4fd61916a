import type { LesionEntry, PhantomModel } from '../model.js';
import { Random } from '../random.js';
import type { PaintOp } from '../raster.js';
import { unionBoxes, type Vec3 } from '../shapes.js';
import type { ChestPhantomSpec } from '../spec.js';
import { buildChestAnatomy, Label } from './anatomy.js';
import { coronaryOps, effusionOps, emphysemaOps, infectionOps } from './findings.js';
import { buildNodule } from './nodules.js';

/**
 * The chest model in paint order: body and lungs, parenchymal findings (emphysema, infection),
 * mediastinum/bones/vessel and airway trees, effusion, coronaries and calcium, nodules.
 * Anatomy and findings depend only on the anatomy seed; follow-ups grow nodules in place.
 */
export function buildChestModel(
  spec: ChestPhantomSpec,
  anatomySeed: number,
  isFollowUp: boolean,
  translation: Vec3,
): PhantomModel {
  const anatomy = buildChestAnatomy(new Random(anatomySeed, 'chest-anatomy'), spec.contrast ?? false);
  const ops: PaintOp[] = [...anatomy.baseOps];
  ops.push(...emphysemaOps(new Random(anatomySeed, 'emphysema'), anatomy, spec.emphysemaSeverity ?? 0));
  ops.push(...infectionOps(new Random(anatomySeed, 'infection'), anatomy, spec.infection ?? []));
  ops.push(...anatomy.treeOps);
  if (spec.pleuralEffusion) ops.push(...effusionOps(anatomy, spec.pleuralEffusion.side, spec.pleuralEffusion.depthMm));
  const coronary = coronaryOps(new Random(anatomySeed, 'coronary'), anatomy, spec.coronaryCalciumSpots ?? 0);
  ops.push(...coronary.ops);
  const lesions: LesionEntry[] = [];
  for (const nodule of spec.nodules ?? []) {
    if (nodule.newInFollowUp && !isFollowUp) continue;
    const growth = isFollowUp && !nodule.newInFollowUp ? (nodule.volumeChange ?? 1) : 1;
    const model = buildNodule(anatomySeed, anatomy, nodule, growth);
    const label = Label.LesionBase + lesions.length;
    for (const part of model.parts) ops.push({ shape: part.shape, hu: part.hu, label });
    lesions.push({ label, model, nodule, lobe: nodule.lobe });
  }
  return {
    kind: 'chest',
    ops,
    lesions,
    calcium: coronary.calcium,
    zRange: anatomy.zRange,
    regionBox: unionBoxes([anatomy.lungs.left.box, anatomy.lungs.right.box]),
    translation,
  };
}
