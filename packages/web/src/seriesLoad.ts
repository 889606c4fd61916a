/**
 * Loads a whole stack into Cornerstone's image cache from ONE WADO-RS series retrieve
 * (`multipart/related; type="application/dicom"; transfer-syntax=*`, the stored files streamed)
 * instead of one request per frame: the per-request cost on the server (session, instance
 * look-up, audit event, file parse) was most of the time of a 400-slice stack.
 *
 * The retrieve is read by a web worker (`seriesStream.worker.ts`) that splits it into instances
 * and decodes the native grayscale frames the way the DICOM image loader would
 * (`nativeFrames.ts`); it needs only the series URL. The viewer starts it once the first image is on
 * screen: started together, the stream took the CPU the first image needed. Each frame's pixels
 * are transferred to the main thread and become a cached image under the SAME image id the viewport uses
 * (`nativeImage.ts`), after checking that the instance header and the series metadata describe
 * the pixels alike. The main thread only wraps arrays and stays free to render. (Before: parsing
 * on the main thread and handing every frame to the loader's decoder worker and back took longer
 * than the transfer itself.) Images the viewport already asked for (the first one, slices
 * scrolled to) are not loaded twice. Whatever the stream did not deliver (encapsulated syntaxes,
 * colour or unusual pixel formats, a cut stream, an error) is then loaded frame by frame
 * (`prefetchStack`), so `loaded + failed` always ends at `total`.
 */
import { cache } from '@cornerstonejs/core';
import { type FramePlan, framePlan, pixelArray } from './nativeFrames.js';
import { nativeImage, pixelFacts } from './nativeImage.js';
import type { StreamFrame, StreamMessage, StreamRequest } from './seriesStream.worker.js';
import { prefetchStack, type StackLoadProgress } from './stackPrefetch.js';

/** Progress at most 4× a second: every update re-renders the viewer and recomposites the page. */
const PROGRESS_INTERVAL_MS = 250;

/** `wadors:<base>/studies/<s>/series/<se>/instances/<sop>/frames/<n>` → series URL, SOP UID, frame. */
function parseImageId(imageId: string): { series: string; sop: string; frame: number } | undefined {
  const m = imageId.match(/^wadors:(.*)\/instances\/([^/]+)\/frames\/(\d+)$/);
  return m ? { series: m[1] as string, sop: m[2] as string, frame: Number(m[3]) } : undefined;
}

const frameKey = (sop: string, frame: number): string => `${sop}\u0000${frame}`;

function samePlan(a: FramePlan, b: FramePlan): boolean {
  return (
    a.rows === b.rows &&
    a.columns === b.columns &&
    a.bitsAllocated === b.bitsAllocated &&
    a.bitsStored === b.bitsStored &&
    a.pixelRepresentation === b.pixelRepresentation &&
    a.rescale?.slope === b.rescale?.slope &&
    a.rescale?.intercept === b.rescale?.intercept
  );
}

/** One series retrieve read by the stream worker; each frame goes to `consumer`; `close` stops the worker. */
class SeriesStream {
  private readonly worker: Worker;
  private closed = false;
  /** Settles when the worker has read the whole retrieve (rejects when it failed). */
  readonly done: Promise<void>;

  constructor(seriesUrl: string, consumer: (f: StreamFrame) => void) {
    this.worker = new Worker(new URL('./seriesStream.worker.ts', import.meta.url), { type: 'module' });
    this.done = new Promise<void>((resolve, reject) => {
      this.worker.onerror = (e) => {
        this.close();
        reject(new Error(e.message || 'series stream worker failed'));
      };
      this.worker.onmessage = (e: MessageEvent<StreamMessage>) => {
        const m = e.data;
        if (m.kind === 'end') {
          this.worker.terminate();
          if (m.error) reject(new Error(m.error));
          else resolve();
          return;
        }
        if (!this.closed) consumer(m);
      };
    });
    this.done.catch(() => undefined); // observed by loadSeriesStack; unobserved when closed early
    const request: StreamRequest = { url: new URL(seriesUrl, location.href).href };
    this.worker.postMessage(request);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.terminate();
  }
}

/**
 * Starts streaming the series whose images are `wadors:<root>/studies/<s>/series/<se>/…`, i.e.
 * `seriesUrl` = `<root>/studies/<s>/series/<se>`. Undefined where there are no (module) web workers.
 */
function openSeriesStream(seriesUrl: string, consumer: (f: StreamFrame) => void): SeriesStream | undefined {
  if (typeof Worker === 'undefined') return undefined;
  try {
    return new SeriesStream(seriesUrl, consumer);
  } catch {
    return undefined; // no module workers here: the stack loads frame by frame
  }
}

/**
 * Loads every image of `imageIds` (one series, as built by `imageIdsFor`): from one series
 * stream, then frame by frame (middle outwards from `start`) what it did not deliver. Progress: at once, at most every 250 ms, and at the end. The
 * stream is closed when this returns or `signal` aborts.
 */
export async function loadSeriesStack(
  imageIds: readonly string[],
  start: number,
  options: { signal: AbortSignal; onProgress: (p: StackLoadProgress) => void },
): Promise<StackLoadProgress> {
  const { signal } = options;
  const progress: StackLoadProgress = { loaded: 0, failed: 0, total: imageIds.length };
  let lastReport = 0;
  const report = (force: boolean): void => {
    if (signal.aborted) return;
    const now = performance.now();
    if (!force && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    options.onProgress({ ...progress });
  };
  report(true);

  const byFrame = new Map<string, string>();
  let seriesUrl: string | undefined;
  for (const imageId of imageIds) {
    const p = parseImageId(imageId);
    if (!p || (seriesUrl !== undefined && p.series !== seriesUrl)) {
      seriesUrl = undefined;
      break;
    }
    seriesUrl = p.series;
    byFrame.set(frameKey(p.sop, p.frame), imageId);
  }

  const settled = new Set<string>();
  const pending: Promise<void>[] = [];
  /** An image already requested by the viewport: counted when its own load settles. */
  const follow = (imageId: string, promise: Promise<unknown>): void => {
    settled.add(imageId);
    pending.push(
      promise.then(
        () => {
          progress.loaded++;
          report(false);
        },
        () => {
          progress.failed++;
          report(false);
        },
      ),
    );
  };
  const take = (f: StreamFrame): void => {
    if (signal.aborted) return;
    const imageId = byFrame.get(frameKey(f.sopInstanceUid, f.frame));
    if (!imageId || settled.has(imageId)) return;
    const existing = cache.getImageLoadObject(imageId);
    if (existing) {
      follow(imageId, existing.promise); // requested by the viewport meanwhile
      return;
    }
    const facts = pixelFacts(imageId);
    const plan = framePlan(facts);
    if (!plan || !samePlan(plan, f.plan)) return; // header and metadata disagree: the loader decides
    try {
      const image = nativeImage(
        imageId,
        plan,
        {
          pixels: pixelArray(f.type, f.buffer),
          min: f.min,
          max: f.max,
          scaled: f.scaled,
          transferSyntaxUid: f.transferSyntaxUid,
          decodeMs: f.decodeMs,
        },
        facts.modality,
      );
      cache.putImageSync(imageId, image);
      settled.add(imageId);
      progress.loaded++;
      report(false);
    } catch {
      // e.g. the cache is full: left to the frame-by-frame load, which reports the failure
    }
  };

  const s = seriesUrl !== undefined && !signal.aborted ? openSeriesStream(seriesUrl, take) : undefined;
  if (s) {
    const stop = (): void => s.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race([
        s.done,
        new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
      ]);
    } catch {
      // a cut or refused stream: what is missing loads frame by frame below
    } finally {
      signal.removeEventListener('abort', stop);
      s.close();
    }
  }
  await Promise.all(pending);
  if (signal.aborted) return progress;

  const rest = imageIds.filter((id) => !settled.has(id));
  if (rest.length > 0) {
    const base = { ...progress };
    // nearest slices to the one first shown come first, as without the stream
    const restStart = Math.max(0, imageIds.slice(0, start).filter((id) => !settled.has(id)).length);
    await prefetchStack(rest, restStart, {
      signal,
      onProgress: (p) => {
        progress.loaded = base.loaded + p.loaded;
        progress.failed = base.failed + p.failed;
        report(false);
      },
    });
  }
  report(true);
  return progress;
}
