import { Worker } from 'node:worker_threads';
import type { EmphysemaOptions, EmphysemaResult } from '../emphysema.js';
import type { InfectionOptions } from '../infection.js';
import type { SideClosing, SideClosingJob } from '../lungs/closeSide.js';
import type { BlockMeansJob } from '../lungs/segment.js';
import type { Seed } from '../nodules/candidates.js';
import type { SeedOutcome } from '../nodules/evaluateSeed.js';
import type { NoduleParams } from '../nodules/params.js';
import type { HelperReply, HelperRequest, SharedScan } from './protocol.js';

/** One helper thread of the chest CT analyzer (helperWorker.ts), seen from the analyzer. */
export interface Helper {
  /** True once the thread has loaded its code; false when it could not start (the analyzer then works alone). */
  readonly ready: Promise<boolean>;
  /** Hands over the scan (shared memory, nothing copied but the small tables). */
  sendScan(scan: SharedScan): void;
  /** Takes block-mean slices of the working grid beside the analyzing thread (lungs/segment.ts). */
  blockMeans(job: BlockMeansJob): Promise<void>;
  /** Closes one lung (lungs/closeSide.ts); `job.lab` must be in shared memory. */
  closeSide(job: SideClosingJob): Promise<SideClosing | undefined>;
  emphysema(options: EmphysemaOptions): Promise<EmphysemaResult>;
  /** infection.ts's infectionClasses of the working grid, in shared memory. */
  infectionClasses(options: InfectionOptions): Promise<Uint8Array>;
  /** Evaluates seeds, taking indices from `next` until none is left; each outcome goes to `onOutcome`. */
  evaluateSeeds(
    job: { seeds: Seed[]; parenchymaHu: number; params: NoduleParams; next: Int32Array },
    onOutcome: (index: number, outcome: SeedOutcome) => void,
  ): Promise<void>;
  /** Stops the thread; pending requests fail. Safe to call more than once. */
  terminate(): Promise<void>;
  /** Settles with the exit code once the thread has ended (however it ended). */
  readonly exited: Promise<number>;
}

interface Pending {
  resolve: (reply: HelperReply) => void;
  reject: (error: Error) => void;
  onSeed?: (index: number, outcome: SeedOutcome) => void;
}

const ENTRY = new URL('./helperWorker.mjs', import.meta.url);

/**
 * Starts a helper thread, or returns undefined where worker threads cannot be created. The
 * thread starts loading at once; requests sent before it is ready wait in its queue.
 */
export function startHelper(): Helper | undefined {
  let worker: Worker;
  try {
    // No stdin; stdout/stderr go to the parent's. execArgv: the parent's flags (the loader is registered by the entry).
    worker = new Worker(ENTRY);
  } catch {
    return undefined;
  }
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stopped: Error | undefined;
  let markReady: (ok: boolean) => void = () => {};
  const ready = new Promise<boolean>((resolve) => {
    markReady = resolve;
  });

  const failAll = (error: Error): void => {
    stopped ??= error;
    markReady(false);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: HelperReply) => {
    if (reply.type === 'ready') {
      markReady(true);
      return;
    }
    if (reply.type === 'failed' && reply.id < 0) {
      failAll(new Error(`chest CT helper thread: ${reply.message}`));
      return;
    }
    const p = pending.get(reply.id);
    if (!p) return;
    if (reply.type === 'seed') {
      p.onSeed?.(reply.index, reply.outcome);
      return;
    }
    pending.delete(reply.id);
    if (reply.type === 'failed') p.reject(new Error(`chest CT helper thread: ${reply.message}`));
    else p.resolve(reply);
  });
  worker.on('error', (error) => failAll(error instanceof Error ? error : new Error(String(error))));
  const exited = new Promise<number>((resolve) => {
    worker.once('exit', (code) => {
      failAll(new Error(`chest CT helper thread exited (${code})`));
      resolve(code);
    });
  });

  const request = <T>(message: HelperRequest & { id: number }, onSeed?: Pending['onSeed']): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (stopped) {
        reject(stopped);
        return;
      }
      pending.set(message.id, { resolve: resolve as (r: HelperReply) => void, reject, ...(onSeed ? { onSeed } : {}) });
      worker.postMessage(message);
    });

  return {
    ready,
    exited,
    sendScan(scan) {
      if (!stopped) worker.postMessage({ type: 'scan', scan } satisfies HelperRequest);
    },
    async blockMeans(job) {
      await request<HelperReply>({ type: 'blockMeans', id: nextId++, job });
    },
    async closeSide(job) {
      const reply = await request<HelperReply>({ type: 'closeSide', id: nextId++, job });
      if (reply.type !== 'closeSide') throw new Error('chest CT helper thread: unexpected reply');
      return reply.closing;
    },
    async infectionClasses(options) {
      const reply = await request<HelperReply>({ type: 'infectionClasses', id: nextId++, options });
      if (reply.type !== 'infectionClasses') throw new Error('chest CT helper thread: unexpected reply');
      return reply.classes;
    },
    async emphysema(options) {
      const reply = await request<HelperReply>({ type: 'emphysema', id: nextId++, options });
      if (reply.type !== 'emphysema') throw new Error('chest CT helper thread: unexpected reply');
      return reply.result;
    },
    async evaluateSeeds(job, onOutcome) {
      await request<HelperReply>({ type: 'seeds', id: nextId++, ...job }, onOutcome);
    },
    async terminate() {
      failAll(new Error('chest CT helper thread stopped'));
      await worker.terminate();
    },
  };
}
