import { createHash } from 'node:crypto';
import type { AnalyzerOutcome, StudyInput } from '@lingshu/ai';
import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { createChestCtAnalyzer } from '../analyzer.js';
import { defaultEmphysemaOptions } from '../emphysema.js';
import { closeSide, type SideClosingJob } from '../lungs/closeSide.js';
import { LungLabel } from '../lungs/types.js';
import { seriesFromVolume, syntheticChest } from '../testing/syntheticChest.js';
import { type Helper, startHelper } from './helper.js';
import { closeSideWith, threadCount } from './threads.js';

const chest = syntheticChest({
  voxelMm: 2,
  sliceMm: 2.5,
  emphysemaRadiusMm: 18,
  ggoRadiusMm: 15,
  juxtapleuralRadiusMm: 6,
});
addNodules(chest.ct.voxels, chest.ct.dimensions, 8);
const study: StudyInput = { studyInstanceUID: '2.25.1', series: [seriesFromVolume(chest.ct, { series: 'lung' })] };
const now = (): Date => new Date(0);

/**
 * Solid balls (radius 3 voxels, +30 HU) where a ball twice that size is all aerated lung: seeds
 * enough for the threads to share.
 */
function addNodules(voxels: ArrayLike<number> & { [i: number]: number }, dims: readonly number[], count: number): void {
  const [nx = 0, ny = 0, nz = 0] = dims;
  const r = 3;
  const inLung = (i: number, j: number, k: number): boolean => {
    for (let dk = -2 * r; dk <= 2 * r; dk++)
      for (let dj = -2 * r; dj <= 2 * r; dj++)
        for (let di = -2 * r; di <= 2 * r; di++)
          if (voxels[i + di + nx * (j + dj + ny * (k + dk))] !== -850) return false;
    return true;
  };
  let added = 0;
  for (let k = 3 * r; k < nz - 3 * r && added < count; k += 4 * r)
    for (let j = 3 * r; j < ny - 3 * r && added < count; j += 4 * r)
      for (let i = 3 * r; i < nx - 3 * r && added < count; i += 4 * r) {
        if (!inLung(i, j, k)) continue;
        for (let dk = -r; dk <= r; dk++)
          for (let dj = -r; dj <= r; dj++)
            for (let di = -r; di <= r; di++)
              if (di * di + dj * dj + dk * dk <= r * r) voxels[i + di + nx * (j + dj + ny * (k + dk))] = 30;
        added++;
      }
  if (added < count) throw new Error(`only ${added} nodules fit`);
}

/** The helpers an analyzer starts, kept to check that they started and ended. */
function watchedHelpers(): { started: Helper[]; start: () => Helper | undefined } {
  const started: Helper[] = [];
  return {
    started,
    start: () => {
      const h = startHelper();
      if (h) started.push(h);
      return h;
    },
  };
}

/** The outcome as JSON without its random tracking UIDs, and a hash of the label map's voxels. */
function fingerprint(outcome: AnalyzerOutcome): { json: string; labels: string } {
  if (outcome.status !== 'ok') throw new Error(`not ok: ${outcome.status}`);
  const { labels, ...rest } = outcome;
  const v = labels?.volume.voxels;
  const hash = createHash('sha256');
  if (v) hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  hash.update(JSON.stringify(labels?.segments ?? []));
  return { json: JSON.stringify(rest, (k, x) => (k === 'trackingUid' ? undefined : x)), labels: hash.digest('hex') };
}

describe('chest CT analyzer on two threads', () => {
  it('gives the single-thread result: findings, measurements, label map', async () => {
    const alone = await createChestCtAnalyzer({ threads: 1 }).run(study, { now });
    const watch = watchedHelpers();
    const steps: string[] = [];
    const together = await createChestCtAnalyzer({ threads: 2, startHelper: watch.start }).run(study, {
      now,
      onProgress: (p) => steps.push(p.step),
    });
    expect(watch.started).toHaveLength(1);
    // The helper really took part (it loaded its code), and it is gone after the run.
    expect(await watch.started[0]?.ready).toBe(true);
    expect(typeof (await watch.started[0]?.exited)).toBe('number');
    expect(together.status === 'ok' && together.labels?.volume.voxels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(fingerprint(together)).toEqual(fingerprint(alone));
    expect(alone.status === 'ok' && alone.measurements.some((m) => m.key === 'laa950Percent')).toBe(true);
    expect(alone.status === 'ok' && alone.findings.filter((f) => f.type === 'nodule').length).toBeGreaterThan(5);
    expect([...new Set(steps)]).toEqual(['select', 'load', 'lungs', 'nodules', 'emphysema', 'infection']);
  });

  it('works alone, with the same result, when no helper can start', async () => {
    const none = await createChestCtAnalyzer({ threads: 2, startHelper: () => undefined }).run(study, { now });
    const alone = await createChestCtAnalyzer({ threads: 1 }).run(study, { now });
    expect(fingerprint(none)).toEqual(fingerprint(alone));
  });

  it.each([1, 2])('reports every traced seed with its outcome (threads: %i), findings unchanged', async (threads) => {
    const traced: Array<{ centerMm: number[]; radiusMm: number; outcome: string }> = [];
    const withTrace = await createChestCtAnalyzer({ threads, onNoduleTrace: (s) => traced.push(...s) }).run(study, {
      now,
    });
    const without = await createChestCtAnalyzer({ threads }).run(study, { now });
    expect(fingerprint(withTrace)).toEqual(fingerprint(without));
    if (withTrace.status !== 'ok') throw new Error('not ok');
    const nodules = withTrace.findings.filter((f) => f.type === 'nodule' || f.type === 'mass');
    const accepted = traced.filter((t) => t.outcome === 'accepted');
    // One accepted seed per finding, at (or within its radius of) the finding's centre in patient mm.
    expect(accepted).toHaveLength(nodules.length);
    for (const f of nodules) {
      const c = f.geometry?.centerWorld ?? [0, 0, 0];
      const near = accepted.filter((t) => Math.hypot(...t.centerMm.map((v, a) => v - (c[a] ?? 0))) <= t.radiusMm + 2);
      expect(near.length).toBeGreaterThanOrEqual(1);
    }
    // The seeds that were dropped say why.
    expect(traced.some((t) => t.outcome !== 'accepted')).toBe(true);
    for (const t of traced) expect(t.outcome).toMatch(/^[a-z][a-z-]*( [0-9.]+)?$/);
  });

  it('starts no thread with threads: 1', async () => {
    const watch = watchedHelpers();
    const r = await createChestCtAnalyzer({ threads: 1, startHelper: watch.start }).run(study, { now });
    expect(r.status).toBe('ok');
    expect(watch.started).toHaveLength(0);
  });

  it.each(['load', 'nodules'])('stops its helper when cancelled during %s', async (step) => {
    const watch = watchedHelpers();
    const controller = new AbortController();
    const run = createChestCtAnalyzer({ threads: 2, startHelper: watch.start }).run(study, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === step) controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => isLingshuError(e, 'AI_CANCELLED'));
    expect(watch.started).toHaveLength(1);
    // Settles only once the thread has ended (a leaked thread would time the test out).
    await Promise.all(watch.started.map((h) => h.exited));
    await expect(watch.started[0]?.emphysema(defaultEmphysemaOptions)).rejects.toThrow(/stopped|exited/);
  });

  it('stops its helper when a step fails', async () => {
    const watch = watchedHelpers();
    const failing = createChestCtAnalyzer({
      threads: 2,
      startHelper: watch.start,
      detectNodules: () => {
        throw new Error('detector failed');
      },
    });
    await expect(failing.run(study)).rejects.toThrow('detector failed');
    expect(watch.started).toHaveLength(1);
    await Promise.all(watch.started.map((h) => h.exited));
  });

  it('counts threads: the option, else at most two', () => {
    expect(threadCount(undefined)).toBeGreaterThanOrEqual(1);
    expect(threadCount(undefined)).toBeLessThanOrEqual(2);
    expect(threadCount(0)).toBe(1);
    expect(threadCount(3.7)).toBe(3);
    expect(threadCount(Number.NaN)).toBe(1);
  });
});

describe('closeSideWith', () => {
  /** A 12³ working grid with a right-lung cube holding a hole (what the closing fills). */
  function job(): SideClosingJob {
    const n = 12;
    const lab = new Uint8Array(new SharedArrayBuffer(n * n * n)).fill(LungLabel.Body);
    for (let k = 2; k < 10; k++)
      for (let j = 2; j < 10; j++)
        for (let i = 2; i < 10; i++)
          lab[i + n * (j + n * k)] = i === 5 && j === 5 ? LungLabel.Body : LungLabel.RightLung;
    return {
      lab,
      dims: [n, n, n],
      vcDims: [n / 2, n / 2, n / 2],
      half: [2, 2, 2],
      vcSpacing: [2.8, 2.8, 2.8],
      closingRadiusMm: 5,
      side: LungLabel.RightLung,
      iLeft: 1,
    };
  }

  /** A helper that only records its closing requests; `starts` says whether it ever becomes ready. */
  function fakeHelper(starts: boolean): { helper: Helper; asked: SideClosingJob[] } {
    const asked: SideClosingJob[] = [];
    const failed = new Error('helper stopped');
    const helper = {
      ready: starts ? new Promise<boolean>(() => {}) : Promise.resolve(false),
      closeSide: (j: SideClosingJob) => {
        asked.push(j);
        return starts ? new Promise(() => {}) : Promise.reject(failed);
      },
    } as unknown as Helper;
    return { helper, asked };
  }

  it('asks the helper at once, before the caller yields (the two lungs close at the same time)', () => {
    const { helper, asked } = fakeHelper(true);
    const j = job();
    void closeSideWith(helper, j);
    expect(asked).toEqual([j]);
  });

  it('closes the lung itself when the helper could not start', async () => {
    const { helper } = fakeHelper(false);
    const j = job();
    const closed = await closeSideWith(helper, j);
    expect(closed).toBeDefined();
    expect(closed).toEqual(closeSide(j));
  });
});
