/** Test helpers: build multipart/related bodies (RFC 2046 §5.1.1) the way a STOW-RS client would. */
export interface TestPart {
  headers?: Record<string, string>;
  body: Uint8Array;
}

export interface EncodeOptions {
  preamble?: string;
  epilogue?: string;
  /** Leave out the close delimiter (a truncated upload). */
  omitClose?: boolean;
}

const enc = new TextEncoder();

/** The bytes before a part's body: delimiter line and header block. */
export function partHead(boundary: string, headers: Record<string, string>, first: boolean): Uint8Array {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  return enc.encode(`${first ? '' : '\r\n'}--${boundary}\r\n${lines.join('')}\r\n`);
}

/** The close delimiter (`CRLF--boundary--`) and an optional epilogue. */
export function closeDelimiter(boundary: string, epilogue = ''): Uint8Array {
  return enc.encode(`\r\n--${boundary}--${epilogue ? `\r\n${epilogue}` : ''}`);
}

export function encodeMultipart(parts: readonly TestPart[], boundary: string, options: EncodeOptions = {}): Uint8Array {
  const pieces: Uint8Array[] = [];
  if (options.preamble !== undefined) pieces.push(enc.encode(`${options.preamble}\r\n`));
  parts.forEach((p, i) => {
    pieces.push(partHead(boundary, p.headers ?? { 'Content-Type': 'application/dicom' }, i === 0));
    pieces.push(p.body);
  });
  if (!options.omitClose) pieces.push(closeDelimiter(boundary, options.epilogue));
  const size = pieces.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits bytes into chunks: every size from `sizes` in turn (cycled). */
export function* chunked(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}
