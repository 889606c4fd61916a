/**
 * Loads a whole stack into Cornerstone's image cache from ONE WADO-RS series retrieve
 * (`multipart/related; type="application/dicom"; transfer-syntax=*`, the stored files streamed)
 * instead of one request per frame: the per-request cost on the server (session, instance
 * look-up, audit event, file parse) was most of the time of a 400-slice stack.
 *
 * Each part is split off as it arrives; its native pixel data is offered to the WADO-RS image
 * loader through Cornerstone's "compressed frame data" metadata (which the loader consults before
 * the network), and the image is loaded under the SAME image id the viewport uses, so the viewport,
 * the cache and the decoder are those of the per-frame path. Images the viewport already asked
 * for (the first one, slices scrolled to) are not loaded twice. Whatever the stream did not
 * deliver (encapsulated syntaxes, a cut stream, an error) is then loaded frame by frame
 * (`prefetchStack`), so `loaded + failed` always ends at `total`.
 */
import { cache, Enums, imageLoader, metaData } from '@cornerstonejs/core';
import { boundaryOf, multipartParts } from './multipartParts.js';
import { part10Pixels } from './part10Pixels.js';
import { prefetchStack, type StackLoadProgress } from './stackPrefetch.js';

/** Decodes in flight at most: enough to keep the decoder worker busy, few enough to bound memory. */
const DECODES_IN_FLIGHT = 16;
const PROGRESS_INTERVAL_MS = 100;
/** Longest run of parsing on the main thread before it yields to rendering and input. */
const SLICE_MS = 12;
const COMPRESSED_FRAME_DATA = 'compressedFrameData';

interface FrameRef {
  imageId: string;
  frame: number;
}

/** Frame bytes offered to the loader, by image id, only between the offer and the loader's synchronous read. */
const offered = new Map<string, { pixelData: Uint8Array; transferSyntaxUid: string }>();
let providerAdded = false;

function addProvider(): void {
  if (providerAdded) return;
  providerAdded = true;
  metaData.addProvider((type: string, imageId: string) => {
    if (type !== COMPRESSED_FRAME_DATA) return undefined;
    const o = offered.get(imageId);
    return o ? { transferSyntaxUid: o.transferSyntaxUid, pixelData: o.pixelData } : undefined;
  }, 10_000);
}

/** `wadors:<base>/studies/<s>/series/<se>/instances/<sop>/frames/<n>` → series URL, SOP UID, frame. */
function parseImageId(imageId: string): { series: string; sop: string; frame: number } | undefined {
  const m = imageId.match(/^wadors:(.*)\/instances\/([^/]+)\/frames\/(\d+)$/);
  return m ? { series: m[1] as string, sop: m[2] as string, frame: Number(m[3]) } : undefined;
}

/** Bytes of one native frame, or undefined when it cannot be cut out by size (e.g. 1-bit pixels). */
function frameBytes(imageId: string): number | undefined {
  const px = metaData.get('imagePixelModule', imageId) as
    | { rows?: number; columns?: number; bitsAllocated?: number; samplesPerPixel?: number }
    | undefined;
  if (!px?.rows || !px.columns || !px.bitsAllocated || px.bitsAllocated % 8 !== 0) return undefined;
  return px.rows * px.columns * (px.samplesPerPixel ?? 1) * (px.bitsAllocated / 8);
}

async function* bodyChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/**
 * Loads every image of `imageIds` (one series, as built by `imageIdsFor`): the series in one
 * streamed retrieve, then frame by frame (middle outwards from `start`) what it did not deliver.
 * Progress as in `prefetchStack`: at once, at most every 100 ms, and at the end.
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

  const bySop = new Map<string, FrameRef[]>();
  let seriesUrl: string | undefined;
  for (const imageId of imageIds) {
    const p = parseImageId(imageId);
    if (!p || (seriesUrl !== undefined && p.series !== seriesUrl)) {
      seriesUrl = undefined;
      break;
    }
    seriesUrl = p.series;
    const refs = bySop.get(p.sop) ?? [];
    refs.push({ imageId, frame: p.frame });
    bySop.set(p.sop, refs);
  }

  const settled = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const track = (imageId: string, promise: Promise<unknown>): void => {
    settled.add(imageId);
    const p: Promise<void> = promise.then(
      () => {
        progress.loaded++;
      },
      () => {
        progress.failed++;
      },
    );
    const tracked = p.finally(() => {
      inFlight.delete(tracked);
      report(false);
    });
    inFlight.add(tracked);
  };

  if (seriesUrl !== undefined) {
    addProvider();
    try {
      await streamSeries(seriesUrl, bySop, { signal, track, inFlight });
    } catch {
      // a cut or refused stream: what is missing loads frame by frame below
    }
  }
  await Promise.all(inFlight);
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

async function streamSeries(
  seriesUrl: string,
  bySop: ReadonlyMap<string, FrameRef[]>,
  ctx: { signal: AbortSignal; track: (imageId: string, p: Promise<unknown>) => void; inFlight: Set<Promise<void>> },
): Promise<void> {
  const response = await fetch(seriesUrl, {
    headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
    signal: ctx.signal,
  });
  const boundary = boundaryOf(response.headers.get('content-type'));
  if (!response.ok || !response.body || !boundary) throw new Error(`series retrieve: HTTP ${response.status}`);
  let sliceStart = performance.now();
  for await (const part of multipartParts(bodyChunks(response.body), boundary)) {
    if (ctx.signal.aborted) return; // the aborted fetch has cancelled the body
    offerPart(part.body, bySop, ctx.track);
    while (ctx.inFlight.size >= DECODES_IN_FLIGHT) await Promise.race(ctx.inFlight);
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToBrowser();
      sliceStart = performance.now();
    }
  }
}

/** Hands one retrieved instance's frames to the loader (frames already cached or requested are skipped). */
function offerPart(
  bytes: Uint8Array,
  bySop: ReadonlyMap<string, FrameRef[]>,
  track: (imageId: string, p: Promise<unknown>) => void,
): void {
  const { transferSyntaxUid, sopInstanceUid, pixelData } = part10Pixels(bytes);
  const refs = sopInstanceUid === undefined ? undefined : bySop.get(sopInstanceUid);
  if (!refs || !pixelData) return;
  for (const { imageId, frame } of refs) {
    const existing = cache.getImageLoadObject(imageId);
    if (existing) {
      track(imageId, existing.promise);
      continue;
    }
    const size = frameBytes(imageId);
    if (size === undefined || frame * size > pixelData.length) continue;
    // its own buffer: aligned for 16-bit views, and the part's bytes can be released
    offered.set(imageId, { pixelData: pixelData.slice((frame - 1) * size, frame * size), transferSyntaxUid });
    try {
      track(imageId, imageLoader.loadAndCacheImage(imageId, { priority: 0, requestType: Enums.RequestType.Prefetch }));
    } finally {
      offered.delete(imageId);
    }
  }
}
