import type { PhantomModel } from '../model.js';
import type { Vec3 } from '../shapes.js';
import type { HaemorrhageType, Lobe, NoduleShape, NoduleSite, NoduleType, Side, StudySpec } from '../spec.js';
import { add } from '../vec.js';
import { type LesionMeasurement, measureLesion } from './measure.js';
import { measureRegions, type RegionTruth } from './regions.js';

export interface LesionTruth extends LesionMeasurement {
  id: string;
  /** Label value of the lesion in label maps (see rasteriseSlice). */
  label: number;
  category: 'nodule' | 'haemorrhage';
  type: NoduleType | HaemorrhageType;
  shape?: NoduleShape;
  site?: NoduleSite;
  /** Mean diameter > 30 mm. */
  isMass: boolean;
  solidComponent?: { longAxisMm: number; shortAxisMm: number; meanDiameterMm: number; volumeMm3: number };
  location: {
    side: Side;
    lobe?: Lobe;
    zone?: 'upper' | 'middle' | 'lower';
    region?: string;
    juxtapleural: boolean;
    perifissural: boolean;
    vesselAttached: boolean;
  };
  volumeMl?: number;
  /** Follow-up: the configured volume ratio to baseline, and whether the lesion is new. */
  volumeChange?: number;
  isNew?: boolean;
}

export interface StudyTruth {
  generator: { name: '@lingshu/phantom'; version: string; seed: number; anatomySeed: number; spec: StudySpec };
  studyName: string;
  kind: 'chest' | 'head';
  translationMm: Vec3;
  lesions: LesionTruth[];
  lungs?: RegionTruth;
  coronaryCalcium: Array<{ artery: string; centerMm: Vec3; volumeMm3: number; peakHU: number }>;
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

function zoneOf(lobe: Lobe | undefined): 'upper' | 'middle' | 'lower' | undefined {
  if (!lobe) return undefined;
  return lobe.endsWith('UL') ? 'upper' : lobe === 'RML' ? 'middle' : 'lower';
}

/** The ground truth of a study, computed from the analytic model (not from the noisy pixels). */
export function buildTruth(spec: StudySpec, model: PhantomModel): StudyTruth {
  const t = model.translation;
  const lesions: LesionTruth[] = model.lesions.map((entry) => {
    const m = measureLesion(entry.model.outline, entry.model.parts);
    const nodule = entry.nodule;
    const truth: LesionTruth = {
      id: entry.model.id,
      label: entry.label,
      category: nodule ? 'nodule' : 'haemorrhage',
      type: nodule?.type ?? entry.haemorrhage?.type ?? 'solid',
      ...m,
      centerMm: add(m.centerMm, t).map(r1) as Vec3,
      axialSliceZMm: r1(m.axialSliceZMm + t[2]),
      isMass: m.meanDiameterMm > 30,
      location: { side: entry.model.side, ...entry.model.flags },
    };
    if (nodule) {
      truth.shape = nodule.shape;
      truth.site = nodule.site;
      if (entry.lobe) truth.location.lobe = entry.lobe;
      const zone = zoneOf(entry.lobe);
      if (zone) truth.location.zone = zone;
      if (spec.followUp) {
        truth.volumeChange = nodule.newInFollowUp ? 0 : (nodule.volumeChange ?? 1);
        truth.isNew = nodule.newInFollowUp === true;
      }
    } else {
      truth.volumeMl = r1(m.volumeMm3 / 1000);
      if (entry.location) truth.location.region = entry.location;
    }
    if (entry.model.core) {
      const c = measureLesion(entry.model.core, [{ shape: entry.model.core, hu: 0 }]);
      truth.solidComponent = {
        longAxisMm: c.longAxisMm,
        shortAxisMm: c.shortAxisMm,
        meanDiameterMm: c.meanDiameterMm,
        volumeMm3: c.volumeMm3,
      };
    }
    return truth;
  });
  const truth: StudyTruth = {
    generator: {
      name: '@lingshu/phantom',
      version: '0.1.0',
      seed: spec.seed,
      anatomySeed: spec.patient.anatomySeed,
      spec,
    },
    studyName: spec.name,
    kind: model.kind,
    translationMm: t,
    lesions,
    coronaryCalcium: model.calcium.map((c) => {
      const m = measureLesion(c.shape, [{ shape: c.shape, hu: c.peakHU }], 0.05);
      return { artery: c.artery, centerMm: add(c.center, t).map(r1) as Vec3, volumeMm3: m.volumeMm3, peakHU: c.peakHU };
    }),
  };
  const regions = measureRegions(model, spec.truthGridMm ?? 1.5);
  if (regions) truth.lungs = regions;
  return truth;
}
