import type { Analyzer, AnalyzerOutcome, SeriesInput, StudyInput } from '@lingshu/ai';
import { getString, parseDicom, Tags } from '@lingshu/dicom';
import { buildPhantom, buildTruth, generateSeries, type StudySpec, type StudyTruth } from '@lingshu/phantom';
import { detectionsOf, resultLungFigures, truthLungFigures, truthNodules } from './extract.js';
import { type Detection, matchDetections, matchRadiusMm, type TruthNodule } from './match.js';
import { computeMetrics, type EvalMetrics, type ScanOutcome } from './metrics.js';
import { type EvalSpecOptions, evalStudySpec } from './specs.js';

/** Lung-RADS v2022 category of a truth nodule from its truth measurements (the clinical engine), or null. */
export type TruthCategorizer = (nodule: TruthNodule) => string | null;

export interface EvalRunOptions {
  analyzer: Analyzer;
  seeds: readonly number[];
  spec?: EvalSpecOptions;
  truthLungRads?: TruthCategorizer;
  signal?: AbortSignal;
  /**
   * The nodule detector's traced seeds of the analysis that just ran (the chest CT analyzer's
   * `onNoduleTrace`), taken once per scan: with it each missed truth nodule gets the reason
   * (`ScanOutcome.missReasons`).
   */
  takeNoduleTrace?(): ReadonlyArray<{ centerMm: readonly number[]; radiusMm: number; outcome: string }> | undefined;
  /** Called after each scan (done, total) and during a scan with the step and analyzer fraction. */
  onScan?(done: number, total: number, outcome: ScanOutcome): void;
  onStep?(step: string, fraction: number): void;
}

export interface EvalRun {
  outcomes: ScanOutcome[];
  metrics: EvalMetrics;
  /** Peak resident memory of this process over the run (MB). */
  peakRssMb: number;
}

/**
 * The phantom study as an analyzer input, through DICOM: every slice is written as a Part 10 file
 * by the generator and parsed back in memory, so header handling and pixel decoding are exercised
 * as they are for a real study.
 */
export async function phantomStudyInput(
  spec: StudySpec,
  onSlice?: (done: number, total: number) => void,
): Promise<{ input: StudyInput; truth: StudyTruth }> {
  const model = buildPhantom(spec);
  const series = new Map<string, SeriesInput>();
  let studyInstanceUID = '';
  for await (const file of generateSeries(spec, {}, model)) {
    const parsed = parseDicom(file.bytes);
    const ds = parsed.dataset;
    studyInstanceUID = getString(ds, Tags.StudyInstanceUID) ?? studyInstanceUID;
    const seriesUid = getString(ds, Tags.SeriesInstanceUID) ?? '';
    let s = series.get(seriesUid);
    if (!s) {
      s = { seriesInstanceUID: seriesUid, instances: [] };
      series.set(seriesUid, s);
    }
    s.instances.push({
      dataset: ds,
      transferSyntaxUID: parsed.transferSyntaxUID,
      sopInstanceUID: getString(ds, Tags.SOPInstanceUID) ?? '',
    });
    onSlice?.(file.index + 1, file.count);
  }
  const input: StudyInput = {
    studyInstanceUID,
    series: [...series.values()],
  };
  return { input, truth: buildTruth(spec, model) };
}

/** Generates, analyses and scores one evaluation scan. */
export async function evaluateScan(seed: number, options: Omit<EvalRunOptions, 'seeds'>): Promise<ScanOutcome> {
  const spec = evalStudySpec(seed, options.spec);
  const { input, truth } = await phantomStudyInput(spec, (done, total) =>
    options.onStep?.('generate', total > 0 ? done / total : 1),
  );
  const nodules = truthNodules(truth);
  const lungTruth = truthLungFigures(truth);
  const base = {
    seed,
    acquisition: {
      sliceThicknessMm: spec.series.sliceThicknessMm,
      dose: String(spec.series.dose),
      kernel: spec.series.kernel,
      matrix: spec.series.matrix,
    },
    truth: nodules,
    truthLungRads: nodules.map((n) => options.truthLungRads?.(n) ?? null),
  };
  const started = performance.now();
  let outcome: AnalyzerOutcome;
  try {
    outcome = await options.analyzer.run(input, {
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => options.onStep?.(p.step, p.fraction),
    });
  } catch (e) {
    if (options.signal?.aborted) throw e;
    const message = e instanceof Error ? e.message : String(e);
    return {
      ...base,
      status: 'error',
      reason: message,
      detections: [],
      laa950: null,
      infectionPercent: null,
      runtimeMs: performance.now() - started,
    };
  }
  const runtimeMs = performance.now() - started;
  if (outcome.status !== 'ok') {
    return {
      ...base,
      status: outcome.reasonCode,
      reason: outcome.reason,
      detections: [],
      laa950: null,
      infectionPercent: null,
      runtimeMs,
    };
  }
  const measured = resultLungFigures(outcome);
  const detections = detectionsOf(outcome);
  const trace = options.takeNoduleTrace?.();
  return {
    ...base,
    status: 'ok',
    detections,
    ...(trace ? { missReasons: missReasons(nodules, detections, trace) } : {}),
    laa950: lungTruth ? { truth: lungTruth.laa950Percent, measured: measured.laa950Percent } : null,
    // Infection error only where the scan has infection truth or the analyzer reports some.
    infectionPercent: lungTruth ? { truth: lungTruth.infectionPercent, measured: measured.infectionPercent } : null,
    runtimeMs,
  };
}

/**
 * Why each truth nodule no detection reached was missed, from the detector's traced seeds: the
 * outcome of the nearest seed within the nodule's reach (max(5 mm, radius), as for matching), its
 * figures dropped (`not-blob 0.12` → `not-blob`; `accepted` → `off-centre`: its finding lies out of
 * reach), or `no-seed`; null for a nodule that was found.
 */
export function missReasons(
  truth: readonly TruthNodule[],
  detections: readonly Detection[],
  trace: ReadonlyArray<{ centerMm: readonly number[]; radiusMm: number; outcome: string }>,
): Array<string | null> {
  const found = new Set(matchDetections(truth, detections).pairs.map((p) => p.truth));
  return truth.map((t, i) => {
    if (found.has(i)) return null;
    let best: string | undefined;
    let bestDistance = matchRadiusMm(t);
    for (const s of trace) {
      const d = Math.hypot(
        (s.centerMm[0] ?? 0) - t.centerMm[0],
        (s.centerMm[1] ?? 0) - t.centerMm[1],
        (s.centerMm[2] ?? 0) - t.centerMm[2],
      );
      if (d <= bestDistance) {
        bestDistance = d;
        best = s.outcome;
      }
    }
    if (best === undefined) return 'no-seed';
    // A seed beside it was accepted, but that finding's centre lies out of reach (or a nearer
    // nodule took it): the detection is off-centre.
    if (best === 'accepted') return 'off-centre';
    return best.split(' ')[0] ?? best;
  });
}

/** Runs the evaluation over the seeds, one scan at a time (memory stays at one scan's worth). */
export async function runEval(options: EvalRunOptions): Promise<EvalRun> {
  const outcomes: ScanOutcome[] = [];
  for (const seed of options.seeds) {
    if (options.signal?.aborted) break;
    const outcome = await evaluateScan(seed, options);
    outcomes.push(outcome);
    options.onScan?.(outcomes.length, options.seeds.length, outcome);
  }
  return {
    outcomes,
    metrics: computeMetrics(outcomes),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
