import {
  buildPhantom,
  type InfectionPatchSpec,
  type Kernel,
  type Lobe,
  type NoduleShape,
  type NoduleSite,
  type NoduleSpec,
  type NoduleType,
  Random,
  type StudySpec,
  type Vendor,
} from '@lingshu/phantom';

/** Slice thicknesses the evaluation cycles through (mm), as chest CT is reconstructed in practice. */
export const EVAL_THICKNESSES: readonly number[] = [0.625, 1, 1.25, 2.5, 5];
/** Seeds the detector may be tuned and its ranker fitted on; report figures only from seeds ≥ HELD_OUT_SEED_START. */
export const TUNING_SEEDS = { first: 1, last: 999 } as const;
export const HELD_OUT_SEED_START = 1000;

export interface EvalSpecOptions {
  /** Rows = columns (default 512). */
  matrix?: number;
  /** Restrict the thicknesses (e.g. thick slices only for a quick run). */
  thicknesses?: readonly number[];
}

const LOBES: readonly Lobe[] = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'];
const SHAPES: readonly NoduleShape[] = ['ellipsoid', 'lobulated', 'spiculated'];
const KERNELS: readonly Kernel[] = ['lung', 'standard', 'sharp'];
const VENDORS: readonly Vendor[] = ['siemens', 'ge', 'philips', 'united-imaging', 'neusoft'];

function weighted<T>(rng: Random, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng.uniform(0, total);
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** Log-uniform diameters: as many 3–6 mm nodules as 15–30 mm ones would be unrealistic the other way. */
function diameterFor(rng: Random, type: NoduleType): number {
  const [min, max] =
    type === 'calcified' ? [3, 10] : type === 'ground-glass' ? [4, 30] : type === 'part-solid' ? [8, 30] : [3, 30];
  return Math.round(Math.exp(rng.uniform(Math.log(min), Math.log(max))) * 10) / 10;
}

function noduleSpec(rng: Random, index: number, attempt: number): NoduleSpec {
  const type = weighted<NoduleType>(rng, [
    ['solid', 45],
    ['part-solid', 15],
    ['ground-glass', 25],
    ['calcified', 15],
  ]);
  const diameterMm = diameterFor(rng, type);
  const site = weighted<NoduleSite>(rng, [
    ['parenchymal', 40],
    ['juxtapleural', 20],
    ['vessel-attached', 20],
    ['perifissural', 20],
  ]);
  // The middle lobe is small: large nodules go elsewhere so placement always finds room.
  const lobes = diameterMm > 18 ? LOBES.filter((l) => l !== 'RML') : LOBES;
  const spec: NoduleSpec = {
    // The phantom places a nodule from (anatomy seed, id): a new attempt gets a new place.
    id: attempt === 0 ? `E${index + 1}` : `E${index + 1}r${attempt}`,
    type,
    shape: type === 'calcified' ? 'ellipsoid' : rng.pick(SHAPES),
    site: type === 'calcified' && site === 'vessel-attached' ? 'parenchymal' : site,
    lobe: rng.pick(lobes),
    diameterMm,
  };
  if (type === 'part-solid') spec.solidCoreMm = Math.round(diameterMm * rng.uniform(0.25, 0.6) * 10) / 10;
  return spec;
}

/** Nodules closer than this (surface to surface, mm) would merge; such a layout is redrawn. */
const MIN_GAP_MM = 6;

function overlapping(spec: StudySpec): boolean {
  const model = buildPhantom(spec);
  const boxes = model.lesions.map((l) => l.model.outline.box);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const apart = [0, 1, 2].some((k) => a.max[k]! + MIN_GAP_MM < b.min[k]! || b.max[k]! + MIN_GAP_MM < a.min[k]!);
      if (!apart) return true;
    }
  }
  return false;
}

/**
 * The phantom chest CT of one evaluation seed: slice thickness cycles with the seed; dose
 * (standard / low), kernel, vendor, contrast, 1–5 nodules of every type, shape and attachment
 * (3–30 mm), emphysema in about half and infection patches in about a third of the scans are
 * drawn from the seed. Same seed and options → same study.
 */
export function evalStudySpec(seed: number, options: EvalSpecOptions = {}): StudySpec {
  const rng = new Random(seed, 'lingshu-eval');
  const thicknesses = options.thicknesses ?? EVAL_THICKNESSES;
  const sliceThicknessMm = thicknesses[seed % thicknesses.length]!;
  const dose = rng.next() < 0.5 ? 'low' : 'standard';
  const kernel = rng.pick(KERNELS);
  const emphysemaSeverity = rng.next() < 0.5 ? Math.round(rng.uniform(0.1, 0.8) * 100) / 100 : 0;
  const infection: InfectionPatchSpec[] = [];
  if (rng.next() < 0.35) {
    for (let k = rng.int(1, 2); k > 0; k--) {
      infection.push({
        type: rng.next() < 0.6 ? 'ggo' : 'consolidation',
        lobe: rng.pick(LOBES),
        sizeMm: rng.int(20, 50),
      });
    }
  }
  const noduleCount = rng.int(1, 5);
  const base: StudySpec = {
    name: `eval-${seed}`,
    seed,
    patient: {
      name: 'Eval^Phantom',
      id: `EVAL${seed}`,
      birthDate: '19600101',
      sex: rng.next() < 0.5 ? 'M' : 'F',
      anatomySeed: seed,
    },
    studyDate: '20240101',
    studyDescription: 'CT CHEST',
    truthGridMm: 2,
    phantom: { kind: 'chest', contrast: rng.next() < 0.2, emphysemaSeverity, infection, nodules: [] },
    series: {
      matrix: options.matrix ?? 512,
      fieldOfViewMm: Math.round(rng.uniform(330, 380)),
      sliceThicknessMm,
      kernel,
      dose,
      vendor: rng.pick(VENDORS),
    },
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    const nodules = Array.from({ length: noduleCount }, (_, i) => noduleSpec(rng, i, attempt));
    const spec: StudySpec = { ...base, phantom: { ...base.phantom, kind: 'chest', nodules } };
    try {
      if (!overlapping(spec)) return spec;
    } catch (e) {
      // The phantom found no room for a nodule in its lobe: draw another layout.
      if (!(e instanceof RangeError)) throw e;
    }
  }
  return base;
}
