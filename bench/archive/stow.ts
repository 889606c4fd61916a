/** STOW-RS and storescu clients for the benchmark (plain HTTP and the dcmtk binary). */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';

/** A multipart/related body as its chunks (header, part, CRLF, …, closing boundary): no copy of the parts. */
export function multipartBody(parts: readonly Uint8Array[]): {
  chunks: Uint8Array[];
  length: number;
  contentType: string;
} {
  const boundary = `lingshu-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
  const crlf = Buffer.from('\r\n');
  const chunks: Uint8Array[] = [];
  for (const p of parts) chunks.push(head, p, crlf);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    chunks,
    length: chunks.reduce((n, c) => n + c.byteLength, 0),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

/**
 * Keep-alive connections shared by the benchmark's requests. node:http rather than fetch: fetch
 * (undici) costs the client 2–4 ms of CPU per 0.5 MB request on the 2-core machine, node:http
 * under 1 ms, and the client shares the cores with the archive it measures.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** One STOW-RS request with these instances; throws unless the answer is 200. */
export function stow(dicomweb: string, parts: readonly Uint8Array[]): Promise<void> {
  const { chunks, length, contentType } = multipartBody(parts);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${dicomweb}/studies`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': contentType, 'content-length': length, accept: 'application/dicom+json' },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`STOW-RS answered ${res.statusCode}`));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.cork();
    for (const c of chunks) req.write(c);
    req.end();
  });
}

/** Sends `files` one instance per request from `clients` concurrent clients; returns seconds. */
export async function stowEach(dicomweb: string, files: readonly Uint8Array[], clients: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        const f = files[i];
        if (f === undefined) return;
        await stow(dicomweb, [f]);
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

/** dcmtk storescu over one association; returns seconds (process start to exit). */
export function storescu(aeTitle: string, port: number, dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // +sd scans the folder, storescu proposes each file's own transfer syntax.
    const child = spawn('storescu', ['-aec', aeTitle, '+sd', '127.0.0.1', String(port), dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`storescu exited ${code}: ${err.slice(-500)}`));
      else resolve((performance.now() - t0) / 1000);
    });
  });
}
