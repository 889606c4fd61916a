/**
 * Loads a whole stack into Cornerstone's image cache in the background, a bounded number of
 * requests at a time, nearest to the shown image first, so that scrolling never waits for the
 * network once the stack is loaded. The viewer shows the first image as soon as it arrives and
 * starts this right away; progress is reported (throttled) for the "loaded n/N" state.
 */
import { Enums, imageLoader } from '@cornerstonejs/core';
import { centreOutOrder } from './stackOrder.js';

export interface StackLoadProgress {
  loaded: number;
  failed: number;
  total: number;
}

/**
 * Loads in flight: the browser's six HTTP/1.1 connections per host busy, plus two images being
 * decoded while the next requests are already at the server.
 */
export const PREFETCH_CONCURRENCY = 8;
const PROGRESS_INTERVAL_MS = 100;

/**
 * Loads every image id (as a Cornerstone prefetch request) with at most `concurrency` loads at a
 * time. Reports the counts at once (0 of N), then at most every 100 ms, and at the end; resolves
 * with the final counts when all have settled or `signal` aborts (no new loads start after that).
 */
export async function prefetchStack(
  imageIds: readonly string[],
  start: number,
  options: { signal: AbortSignal; onProgress: (p: StackLoadProgress) => void; concurrency?: number },
): Promise<StackLoadProgress> {
  const order = centreOutOrder(imageIds.length, start);
  const progress: StackLoadProgress = { loaded: 0, failed: 0, total: imageIds.length };
  let next = 0;
  let lastReport = 0;
  const report = (force: boolean): void => {
    if (options.signal.aborted) return; // another series (or none) is on screen now
    const now = performance.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    options.onProgress({ ...progress });
  };
  const worker = async (): Promise<void> => {
    while (next < order.length && !options.signal.aborted) {
      const id = imageIds[order[next++] as number] as string;
      try {
        await imageLoader.loadAndCacheImage(id, { priority: 0, requestType: Enums.RequestType.Prefetch });
        progress.loaded++;
      } catch {
        // the viewer shows its own error for the image on screen; here a failed load only counts
        progress.failed++;
      }
      report(false);
    }
  };
  report(true);
  const lanes = Math.max(1, Math.min(options.concurrency ?? PREFETCH_CONCURRENCY, order.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  report(true);
  return progress;
}
