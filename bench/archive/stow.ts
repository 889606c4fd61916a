/** STOW-RS and storescu clients for the benchmark (plain HTTP and the dcmtk binary). */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export function multipartBody(parts: readonly Uint8Array[]): { body: Buffer; contentType: string } {
  const boundary = `lingshu-bench-${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`));
    chunks.push(Buffer.from(p.buffer, p.byteOffset, p.byteLength));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

export async function stow(dicomweb: string, parts: readonly Uint8Array[]): Promise<void> {
  const { body, contentType } = multipartBody(parts);
  const res = await fetch(`${dicomweb}/studies`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/dicom+json' },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`STOW-RS answered ${res.status}`);
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
