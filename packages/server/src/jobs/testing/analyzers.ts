import type { Analyzer, AnalyzerDescriptor, AnalyzerOutcome, StudyInput } from '@lingshu/ai';
import { LingshuError } from '@lingshu/dicom';
import type { StudySpec } from '@lingshu/phantom';

/** A 64² chest phantom (62 slices of 5 mm): the chest CT analyzer accepts it and runs in ~1–2 s. */
export function jobsChestSpec(name: string, seed: number): StudySpec {
  return {
    name,
    seed,
    patient: { name: 'Test^Jobs=测试^任务', id: `JOBS-${seed}`, birthDate: '19600101', sex: 'M', anatomySeed: seed },
    studyDate: '20240101',
    truthGridMm: 6,
    phantom: {
      kind: 'chest',
      nodules: [{ id: 'N1', type: 'solid', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RUL', diameterMm: 14 }],
    },
    series: {
      matrix: 64,
      fieldOfViewMm: 360,
      sliceThicknessMm: 5,
      kernel: 'lung',
      dose: 'standard',
      vendor: 'siemens',
    },
  };
}

/**
 * A baseline and a 6-month follow-up chest CT of one patient at 128² (the analyzer finds the 14 mm
 * nodule reliably there; not at 64²): the follow-up is shifted by (3, −2, 5) mm and its nodule has
 * doubled in volume. For the contour, growth and overlay tests.
 */
export function growthPairSpecs(name: string, seed: number): { baseline: StudySpec; followUp: StudySpec } {
  const chest = jobsChestSpec(`${name}-baseline`, seed);
  const baseline: StudySpec = { ...chest, studyDate: '20240101', series: { ...chest.series, matrix: 128 } };
  const followUp: StudySpec = {
    ...baseline,
    name: `${name}-followup`,
    seed: seed + 1,
    studyDate: '20240701',
    followUp: { monthsAfterBaseline: 6, translationMm: [3, -2, 5] },
    phantom: {
      kind: 'chest',
      nodules: [
        {
          id: 'N1',
          type: 'solid',
          shape: 'ellipsoid',
          site: 'parenchymal',
          lobe: 'RUL',
          diameterMm: 14,
          volumeChange: 2,
        },
      ],
    },
  };
  return { baseline, followUp };
}

export function testDescriptor(id: string): AnalyzerDescriptor {
  return {
    id,
    version: '1.0.0',
    name: { 'zh-CN': id, en: id },
    intendedUse: { 'zh-CN': '测试', en: 'Tests only' },
    requirements: {
      modalities: [],
      bodyParts: [],
      sliceThicknessMm: { min: 0, max: 100 },
      minCoverageMm: 0,
      contrast: 'any',
      minSlices: 0,
    },
    parameters: {},
  };
}

/** Resolves after `ms`, or rejects with AI_CANCELLED when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LingshuError('AI_CANCELLED'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new LingshuError('AI_CANCELLED'));
    });
  });
}

/** A not-applicable outcome (no SR), as a result a test analyzer can return quickly. */
export function notApplicable(d: AnalyzerDescriptor, reason: string): AnalyzerOutcome {
  return { status: 'not-applicable', reason, reasonCode: 'test', analyzerId: d.id, analyzerVersion: d.version };
}

/** Always throws (retries → dead letter). */
export function failingAnalyzer(): Analyzer {
  const descriptor = testDescriptor('test-failing');
  return {
    descriptor,
    run: async () => {
      throw new LingshuError('AI_FAILED', 'The test analyzer always fails');
    },
  };
}

/** Waits `ms` (or until cancelled), then answers not-applicable. */
export function slowAnalyzer(ms: number): Analyzer {
  const descriptor = testDescriptor('test-slow');
  return {
    descriptor,
    run: async (_input: StudyInput, ctx) => {
      await sleep(ms, ctx?.signal);
      return notApplicable(descriptor, 'slow test analyzer');
    },
  };
}
