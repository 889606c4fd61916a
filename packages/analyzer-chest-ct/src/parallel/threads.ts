import { availableParallelism } from 'node:os';
import type { Volume } from '@lingshu/imaging';
import { closeSide, type SideClosing, type SideClosingJob } from '../lungs/closeSide.js';
import type { LungSegmentation } from '../lungs/types.js';
import type { CandidateSearch } from '../nodules/candidates.js';
import { evaluateSeed, type SeedOutcome } from '../nodules/evaluateSeed.js';
import type { NoduleParams } from '../nodules/params.js';
import { type Helper, startHelper } from './helper.js';

/** The analyzer's thread count: the option, else min(2, available parallelism); at least 1. */
export function threadCount(option: number | undefined): number {
  const n = option ?? Math.min(2, availableParallelism());
  return Number.isFinite(n) ? Math.max(1, Math.floor(n)) : 1;
}

/** `count` helper threads, fewer where worker threads cannot be created. */
export function startHelpers(count: number, start: () => Helper | undefined = startHelper): Helper[] {
  const helpers: Helper[] = [];
  for (let h = 0; h < count; h++) {
    const helper = start();
    if (!helper) break;
    helpers.push(helper);
  }
  return helpers;
}

/**
 * Closing of one lung by a helper, or here when it could not start. The request is posted before
 * this returns (a helper still loading queues it), so the helper closes this lung while the caller
 * goes on synchronously with the other: waiting for `ready` first would post it only once the
 * caller yields, after its own closing.
 */
export function closeSideWith(helper: Helper, job: SideClosingJob): Promise<SideClosing | undefined> {
  return helper.closeSide(job).catch(async (error: unknown) => {
    if (await helper.ready) throw error;
    return closeSide(job);
  });
}

/** The helpers that started; the others are stopped. */
export async function readyHelpers(helpers: readonly Helper[]): Promise<Helper[]> {
  const ok = await Promise.all(helpers.map((h) => h.ready));
  const usable = helpers.filter((_, h) => ok[h]);
  await Promise.all(helpers.filter((_, h) => !ok[h]).map((h) => h.terminate()));
  return usable;
}

const isShared = (a: ArrayBufferView): boolean =>
  typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;

/**
 * Hands the scan to the helpers, when the CT voxels and the lung labels are in shared memory (the
 * volume of a series with gaps or tilt is not: the analyzer then works alone). True when sent.
 */
export function shareScan(helpers: readonly Helper[], ct: Volume, lungs: LungSegmentation): boolean {
  const wg = lungs.workGrid;
  if (!isShared(ct.voxels) || !isShared(lungs.labels) || !lungs.regions || !wg) return false;
  if (!isShared(wg.hu) || !isShared(wg.labels) || (wg.parenchyma && !isShared(wg.parenchyma))) return false;
  const { voxels, dimensions, spacing, origin, direction, metadata } = ct;
  for (const h of helpers) {
    h.sendScan({
      ct: { voxels, dimensions, spacing, origin, direction, metadata },
      labels: lungs.labels,
      regions: lungs.regions,
      grid: {
        labels: wg.labels,
        hu: wg.hu,
        ...(wg.parenchyma ? { parenchyma: wg.parenchyma } : {}),
        dims: wg.dims,
        spacing: wg.spacing,
        factors: wg.factors,
      },
    });
  }
  return true;
}

/**
 * Every seed's outcome, evaluated by this thread and the helpers together: each takes the next
 * index from one shared counter until none is left (a busy helper simply joins later).
 */
export async function evaluateSeedsTogether(
  helpers: readonly Helper[],
  ct: Volume,
  lungs: LungSegmentation,
  search: CandidateSearch,
  params: NoduleParams,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Array<SeedOutcome | undefined>> {
  const { seeds, parenchymaHu } = search;
  const outcomes: Array<SeedOutcome | undefined> = new Array(seeds.length);
  const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const jobs = helpers.map((h) =>
    h.evaluateSeeds({ seeds, parenchymaHu, params, next }, (index, outcome) => {
      outcomes[index] = outcome;
    }),
  );
  // Awaited below; until then a failure must not count as unhandled.
  for (const job of jobs) job.catch(() => undefined);
  for (let s = Atomics.add(next, 0, 1); s < seeds.length; s = Atomics.add(next, 0, 1)) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const seed = seeds[s];
    if (seed) outcomes[s] = evaluateSeed(ct, lungs, seed, parenchymaHu, params);
    if (s % 16 === 0) onProgress(s / Math.max(1, seeds.length));
  }
  await Promise.all(jobs);
  return outcomes;
}
