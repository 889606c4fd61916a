import {
  type Analyzer,
  type AnalyzerContext,
  type AnalyzerOutcome,
  cancelledError,
  type Finding,
  loadSeriesVolume,
  type NotApplicable,
  NotApplicableReason,
  progressTracker,
  type ResultWarning,
  type StudyInput,
} from '@lingshu/ai';
import { isLingshuError, LingshuError } from '@lingshu/dicom';
import { type Volume, voxelToWorld } from '@lingshu/imaging';
import { chestCtDescriptor } from './descriptor.js';
import { defaultEmphysemaOptions, quantifyEmphysema } from './emphysema.js';
import { emphysemaFinding, infectionFinding, lungVolumeMeasurements } from './findings.js';
import { defaultInfectionOptions, quantifyInfection } from './infection.js';
import { buildLabelMap } from './labelMap.js';
import { gridInfo } from './lungs/grid.js';
import { lungRegions } from './lungs/regions.js';
import { segmentLungs, segmentLungsSharing } from './lungs/segment.js';
import { detectNodulesSharing, detectNodulesWithStats, type NoduleRunStats } from './nodules/detect.js';
import { detectNodules as defaultDetectNodules } from './nodules/index.js';
import type { DetectNodules, NoduleFinding } from './nodules/types.js';
import type { Helper } from './parallel/helper.js';
import {
  closeSideWith,
  evaluateSeedsTogether,
  readyHelpers,
  shareScan,
  startHelpers,
  threadCount,
} from './parallel/threads.js';
import { noSeriesReason, selectSeries } from './selectSeries.js';

export interface ChestCtAnalyzerOptions {
  /**
   * The nodule detector: nodules/detectNodules by default; `false` skips the step (the result
   * then says nodules were not analysed).
   */
  detectNodules?: DetectNodules | false;
  /**
   * Threads for one analysis (this one and worker threads sharing the CT's memory): default
   * min(2, available parallelism); 1 runs everything on the calling thread. Results are the same
   * whatever the count. The nodule seeds are shared by all threads, emphysema runs beside the
   * nodule step; a custom `detectNodules` runs on the calling thread.
   */
  threads?: number;
  /** How a helper thread starts (parallel/helper.ts by default); tests watch the threads through it. */
  startHelper?: () => Helper | undefined;
  /**
   * Called after the default nodule detector with every candidate seed it looked at and what became
   * of it (`accepted`, or why it was dropped: `not-blob 0.12`, `extends-beyond-crop`,
   * `low-confidence`, …), centres in patient coordinates. For the evaluation's account of missed
   * nodules (`lingshu eval`); the findings are the same with or without it.
   */
  onNoduleTrace?: (seeds: TracedSeed[]) => void;
}

/** One candidate seed of the nodule detector and its outcome (`ChestCtAnalyzerOptions.onNoduleTrace`). */
export interface TracedSeed {
  centerMm: [number, number, number];
  radiusMm: number;
  outcome: string;
}

type Parameters = Record<string, number | string | boolean>;

const STEPS = [
  { step: 'select', weight: 0.02 },
  { step: 'load', weight: 0.2 },
  { step: 'lungs', weight: 0.25 },
  { step: 'nodules', weight: 0.33 },
  { step: 'emphysema', weight: 0.08 },
  { step: 'infection', weight: 0.12 },
];

/** Descriptor defaults with the request's overrides; an unknown name or a wrong type is a bad request. */
export function effectiveParameters(overrides: Parameters | undefined): Parameters {
  const out: Parameters = { ...chestCtDescriptor.parameters };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    const def = chestCtDescriptor.parameters[name];
    if (def === undefined || typeof def !== typeof value) {
      throw new LingshuError('AI_BAD_INPUT', `Unknown parameter or wrong type: ${name}`, { details: { name } });
    }
    out[name] = value;
  }
  return out;
}

const num = (p: Parameters, name: string): number => Number(p[name]);

function notApplicable(reasonCode: string, reason: string): NotApplicable {
  return {
    status: 'not-applicable',
    reasonCode,
    reason,
    analyzerId: chestCtDescriptor.id,
    analyzerVersion: chestCtDescriptor.version,
  };
}

/**
 * The chest CT analyzer: requirements → series selection → volume (HU) → lungs and airways →
 * nodules → emphysema → infection burden → findings, measurements, label map and provenance.
 */
export function createChestCtAnalyzer(options: ChestCtAnalyzerOptions = {}): Analyzer {
  const detect = options.detectNodules === undefined ? defaultDetectNodules : options.detectNodules;
  const threads = threadCount(options.threads);
  return {
    descriptor: chestCtDescriptor,
    async run(input: StudyInput, context: AnalyzerContext = {}): Promise<AnalyzerOutcome> {
      const now = context.now ?? (() => new Date());
      const startedAt = now().toISOString();
      const params = effectiveParameters(context.parameters);
      const progress = progressTracker(STEPS, context);
      const warnings: ResultWarning[] = [];
      // Helper threads (started once a series is chosen, so they load beside the volume step);
      // always stopped below.
      let helpers: Helper[] = [];
      const stopHelpers = (): void => {
        for (const h of helpers) void h.terminate();
      };
      context.signal?.addEventListener('abort', stopHelpers, { once: true });
      try {
        progress.checkCancelled();
        const selection = selectSeries(input, chestCtDescriptor.requirements);
        if (!selection.chosen) {
          const why = noSeriesReason(selection);
          return notApplicable(why.reasonCode, why.reason);
        }
        const chosen = selection.chosen;
        if (threads > 1) helpers = startHelpers(threads - 1, options.startHelper);
        progress.report('select', 1);

        let ct: Volume;
        try {
          const assembled = await loadSeriesVolume(chosen.series, { sharedMemory: helpers.length > 0 });
          ct = assembled.volume;
          for (const w of assembled.warnings) warnings.push({ code: w.code, message: w.message });
        } catch (error) {
          if (isLingshuError(error) && error.code.startsWith('VOLUME_')) {
            return notApplicable('volume', `the chosen series does not form a usable volume (${error.code})`);
          }
          throw error;
        }
        progress.report('load', 1);
        progress.checkCancelled();

        const lungOptions = { signal: context.signal, closingRadiusMm: num(params, 'lungClosingRadiusMm') };
        const first = helpers[0];
        // With a helper, the two lungs are closed at once (the helper takes the left).
        const lungs = first
          ? await segmentLungsSharing(
              ct,
              { ...lungOptions, sharedMemory: true },
              (job) => closeSideWith(first, job),
              (job) => first.blockMeans(job),
            )
          : segmentLungs(ct, lungOptions);
        warnings.push(...lungs.warnings);
        if (lungs.volumesMl.total < 200) {
          return notApplicable(NotApplicableReason.NoLungs, 'no aerated lungs were found in the chosen series');
        }
        progress.report('lungs', 1);
        progress.checkCancelled();
        helpers = await readyHelpers(helpers);
        if (!shareScan(helpers, ct, lungs)) {
          stopHelpers();
          helpers = [];
        }
        progress.checkCancelled();

        const wg = lungs.workGrid;
        const emphysemaOptions = {
          ...defaultEmphysemaOptions,
          thresholdHu: num(params, 'laaThresholdHu'),
          inclusive: params.laaInclusive === true,
          percentile: num(params, 'percentile'),
          smoothingSigmaMm: num(params, 'emphysemaSmoothingSigmaMm'),
          adaptive: params.emphysemaNoiseAdaptive === true,
          adaptiveNoiseHu: num(params, 'emphysemaAdaptiveNoiseHu'),
          adaptiveEdgeFraction: num(params, 'emphysemaAdaptiveEdgeFraction'),
          adaptiveSigmaMm: num(params, 'emphysemaAdaptiveSigmaMm'),
          moderateNoiseHu: num(params, 'emphysemaModerateNoiseHu'),
          moderateSigmaMm: num(params, 'emphysemaModerateSigmaMm'),
          moderateEdgeFraction: num(params, 'emphysemaModerateEdgeFraction'),
          thinSliceMm: num(params, 'emphysemaThinSliceMm'),
          // Thick slices already blur the holes through-plane (0 = the slice spacing).
          sliceThicknessMm: chosen.facts.sliceThicknessMm ?? 0,
        };
        // Emphysema does not need the nodules: a helper quantifies it during the nodule step.
        const emphysemaJob = helpers[0]?.emphysema(emphysemaOptions);
        emphysemaJob?.catch(() => undefined);
        const infectionOptions = {
          ...defaultInfectionOptions,
          ggoMinHu: num(params, 'ggoMinHu'),
          ggoMaxHu: num(params, 'ggoMaxHu'),
          consolidationMaxHu: num(params, 'consolidationMaxHu'),
          vesselOpeningMm: num(params, 'vesselOpeningMm'),
        };
        // So are the infection classes (the nodules are only excluded when counting).
        const classesJob = helpers[0]?.infectionClasses(infectionOptions);
        classesJob?.catch(() => undefined);

        let nodules: NoduleFinding[] = [];
        const noduleOptions = {
          signal: context.signal,
          parameters: params,
          ...(input.clinical ? { clinical: input.clinical } : {}),
          ...(options.onNoduleTrace ? { trace: true } : {}),
          onProgress: (f: number) => progress.report('nodules', f),
        };
        const reportTrace = (stats: NoduleRunStats): void => {
          if (!stats.trace) return;
          options.onNoduleTrace?.(
            stats.trace.map((t) => ({
              centerMm: voxelToWorld(ct, t.voxel),
              radiusMm: t.radiusMm,
              outcome: t.outcome,
            })),
          );
        };
        if (detect === defaultDetectNodules && helpers.length > 0) {
          const found = await detectNodulesSharing(ct, lungs, noduleOptions, (search, p) =>
            evaluateSeedsTogether(
              helpers,
              ct,
              lungs,
              search,
              p,
              (f) => progress.report('nodules', 0.3 + 0.65 * f),
              context.signal,
            ),
          );
          nodules = found.nodules;
          reportTrace(found.stats);
        } else if (detect === defaultDetectNodules) {
          const found = detectNodulesWithStats(ct, lungs, noduleOptions);
          nodules = found.nodules;
          reportTrace(found.stats);
        } else if (detect) {
          nodules = detect(ct, lungs, noduleOptions);
        } else {
          warnings.push({ code: 'nodules-not-analysed', message: 'No nodule detector is configured' });
        }
        progress.report('nodules', 1);
        progress.checkCancelled();

        const grid = gridInfo(ct);
        const regions =
          lungs.regions ??
          (wg
            ? lungRegions(wg.labels, wg.dims, grid.kSuperior, grid.jPosterior, wg.factors, ct.dimensions)
            : lungRegions(lungs.labels, ct.dimensions, grid.kSuperior, grid.jPosterior));
        const emphysema = emphysemaJob
          ? await emphysemaJob
          : quantifyEmphysema(ct.voxels, lungs.labels, ct.dimensions, ct.spacing, regions, emphysemaOptions, wg);
        const infectionClassesDone = classesJob ? await classesJob : undefined;
        // The helpers are done: nothing reads the shared labels after this (the label map reuses them).
        stopHelpers();
        progress.report('emphysema', 1);
        progress.checkCancelled();

        const infection = quantifyInfection(
          ct.voxels,
          lungs,
          ct.dimensions,
          ct.spacing,
          regions,
          nodules.flatMap((n) => (n.voxels ? [n.voxels] : [])),
          infectionOptions,
          infectionClassesDone,
        );
        progress.report('infection', 1);

        // The last use of the CT-grid lung labels: the label map takes over their buffer.
        const labels = buildLabelMap(ct, lungs.labels, infection.classes, nodules, wg, { reuseLungLabels: true });
        const findings: Finding[] = nodules.map((n, index) => {
          const segmentNumber = labels.noduleSegments.get(index);
          return segmentNumber === undefined ? n.finding : { ...n.finding, segmentNumber };
        });
        const e = emphysemaFinding(emphysema, num(params, 'emphysemaFindingLaaPercent'));
        if (e) findings.push(e);
        const inf = infectionFinding(infection, num(params, 'infectionFindingPercent'));
        if (inf) findings.push(inf);

        return {
          status: 'ok',
          findings,
          measurements: [...lungVolumeMeasurements(lungs), ...emphysema.measurements, ...infection.measurements],
          warnings,
          provenance: {
            analyzerId: chestCtDescriptor.id,
            analyzerVersion: chestCtDescriptor.version,
            parameters: params,
            studyInstanceUID: input.studyInstanceUID,
            seriesInstanceUID: chosen.series.seriesInstanceUID,
            inputSopInstanceUIDs: ct.metadata.sopInstanceUIDs,
            startedAt,
            finishedAt: now().toISOString(),
            seriesSelection: chosen.reason,
          },
          labels: { volume: labels.volume, segments: labels.segments },
        };
      } catch (error) {
        if (context.signal?.aborted && !isLingshuError(error, 'AI_CANCELLED')) throw cancelledError();
        throw error;
      } finally {
        context.signal?.removeEventListener('abort', stopHelpers);
        stopHelpers();
      }
    },
  };
}
