import { LingshuError } from '@lingshu/dicom';
import { type MultipartEvent, MultipartParser } from './parser.js';

export interface ReadPartsOptions {
  boundary: string;
  /** A part's body larger than this is not collected: it is drained and reported as `tooLarge`. */
  maxPartBytes: number;
  /** The whole body larger than this stops the read with HTTP_PAYLOAD_TOO_LARGE. */
  maxTotalBytes: number;
}

/** One complete part. `bytes` is empty when `tooLarge` (the body was counted, not kept). */
export interface ReceivedPart {
  /** 0-based position in the body. */
  index: number;
  headers: Map<string, string>;
  bytes: Uint8Array;
  size: number;
  tooLarge: boolean;
}

/**
 * Thrown (after every complete part before it was yielded) when the body is malformed, truncated or
 * too large. `partsStarted` counts parts whose headers were read, including an incomplete last one.
 */
export class MultipartStreamError extends LingshuError {
  constructor(
    cause: LingshuError,
    readonly incompletePart: boolean,
    readonly partsStarted: number,
  ) {
    super(cause.code, cause.message, { details: { ...cause.details, partsStarted } });
  }
}

/**
 * Reads a multipart body part by part. Only the part being collected (up to `maxPartBytes`) and
 * already-completed parts of the current input chunk are in memory; the source is not pulled while
 * the consumer works on a yielded part, so a slow consumer slows the sender (TCP backpressure).
 */
export async function* readParts(
  source: AsyncIterable<Uint8Array>,
  options: ReadPartsOptions,
): AsyncGenerator<ReceivedPart, void, undefined> {
  const parser = new MultipartParser(options.boundary);
  let total = 0;
  let index = -1;
  let chunks: Uint8Array[] = [];
  let size = 0;
  let headers = new Map<string, string>();
  let inPart = false;

  function* handle(events: MultipartEvent[]): Generator<ReceivedPart, void, undefined> {
    for (const ev of events) {
      switch (ev.type) {
        case 'part':
          index++;
          inPart = true;
          headers = ev.headers;
          chunks = [];
          size = 0;
          break;
        case 'data':
          size += ev.bytes.length;
          if (size <= options.maxPartBytes) chunks.push(ev.bytes);
          else chunks = [];
          break;
        case 'partEnd': {
          inPart = false;
          const tooLarge = size > options.maxPartBytes;
          const bytes = tooLarge ? new Uint8Array(0) : concat(chunks, size);
          chunks = [];
          yield { index, headers, bytes, size, tooLarge };
          break;
        }
        case 'end':
          break;
        case 'error':
          throw new MultipartStreamError(ev.error, ev.inPart, index + 1);
      }
    }
  }

  for await (const chunk of source) {
    total += chunk.length;
    if (total > options.maxTotalBytes) {
      const error = new LingshuError('HTTP_PAYLOAD_TOO_LARGE', 'The request body is larger than allowed', {
        details: { limitBytes: options.maxTotalBytes },
      });
      throw new MultipartStreamError(error, inPart, index + 1);
    }
    yield* handle(parser.write(chunk));
    if (parser.done) break;
  }
  yield* handle(parser.finish());
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
