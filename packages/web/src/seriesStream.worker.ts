/**
 * Web worker that fetches one WADO-RS series retrieve (multipart/related of Part 10 instances, the
 * stored files streamed), splits it into instances as the bytes arrive, decodes each native
 * grayscale frame as described by the instance's own header (`nativeFrames.ts`) and transfers
 * its pixels to the main thread, so that neither the multipart parsing nor the pixel work ever
 * blocks rendering or input. It needs nothing from the main thread but the URL, so the retrieve
 * starts before the series metadata has arrived. Instances it cannot decode (encapsulated
 * syntaxes, unplanned pixel formats) are not sent: the main thread loads what is missing frame
 * by frame.
 */
import { boundaryOf, multipartParts } from './multipartParts.js';
import { decodeNativeFrame, type FramePlan, framePlan, type PixelArrayType } from './nativeFrames.js';
import { part10Pixels } from './part10Pixels.js';

export interface StreamRequest {
  url: string;
}

export interface StreamFrame {
  kind: 'frame';
  sopInstanceUid: string;
  /** 1-based. */
  frame: number;
  /** The plan the frame was decoded with (from the instance header). */
  plan: FramePlan;
  transferSyntaxUid: string;
  type: PixelArrayType;
  buffer: ArrayBuffer;
  min: number;
  max: number;
  scaled: boolean;
  decodeMs: number;
}

export type StreamMessage = StreamFrame | { kind: 'end'; error?: string };

interface WorkerScope {
  onmessage: ((e: MessageEvent<StreamRequest>) => void) | null;
  postMessage(message: StreamMessage, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
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

async function stream(request: StreamRequest): Promise<void> {
  const response = await fetch(request.url, {
    headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
  });
  const boundary = boundaryOf(response.headers.get('content-type'));
  if (!response.ok || !response.body || !boundary) throw new Error(`series retrieve: HTTP ${response.status}`);
  for await (const part of multipartParts(chunks(response.body), boundary)) {
    let found: ReturnType<typeof part10Pixels>;
    try {
      found = part10Pixels(part.body);
    } catch {
      continue; // not a Part 10 object: the main thread loads its frames from the network
    }
    const { sopInstanceUid, pixelData, facts } = found;
    const plan = facts && framePlan(facts);
    if (sopInstanceUid === undefined || !pixelData || !plan) continue;
    const frames = found.frames ?? 1;
    for (let frame = 1; frame <= frames; frame++) {
      const t0 = performance.now();
      const decoded = decodeNativeFrame(pixelData, plan, frame - 1);
      if (!decoded) break;
      const buffer = decoded.pixels.buffer as ArrayBuffer;
      scope.postMessage(
        {
          kind: 'frame',
          sopInstanceUid,
          frame,
          plan,
          transferSyntaxUid: found.transferSyntaxUid,
          type: decoded.type,
          buffer,
          min: decoded.min,
          max: decoded.max,
          scaled: decoded.scaled,
          decodeMs: performance.now() - t0,
        },
        [buffer],
      );
    }
  }
}

scope.onmessage = (e) => {
  stream(e.data).then(
    () => scope.postMessage({ kind: 'end' }),
    (err: unknown) => scope.postMessage({ kind: 'end', error: err instanceof Error ? err.message : String(err) }),
  );
};
