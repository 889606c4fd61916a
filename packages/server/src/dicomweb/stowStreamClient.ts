/**
 * Test helper, run as a child process by stowLarge.int.test.ts: streams a large STOW-RS request
 * with fetch (undici) from a ReadableStream, generating each ~1 MB part on demand from a template
 * whose SOP Instance UID is rewritten in place. It runs in its own process so that the test
 * measures the server's memory alone (undici keeps a streamed body's chunks referenced while its
 * connection stays open, which would blur a same-process measurement).
 *
 * Arguments: url template.dcm templateSopUid parts boundary. Prints `{status, sops, received}` as JSON.
 */
import { readFileSync } from 'node:fs';

const [url, file, uid, partsArg, boundary] = process.argv.slice(2);
if (!url || !file || !uid || !partsArg || !boundary) throw new Error('usage: url template uid parts boundary');
const template = new Uint8Array(readFileSync(file));
const at: number[] = [];
const t = Buffer.from(template);
for (let i = t.indexOf(uid); i >= 0; i = t.indexOf(uid, i + 1)) at.push(i);
const parts = Number(partsArg);
const enc = new TextEncoder();
const sops: string[] = [];
let n = 0;
const body = new ReadableStream<Uint8Array>({
  pull(controller) {
    if (n === parts) {
      controller.enqueue(enc.encode(`\r\n--${boundary}--`));
      controller.close();
      return;
    }
    const part = new Uint8Array(template);
    const id = `${uid.slice(0, -6)}${String(100000 + n).slice(-6)}`;
    sops.push(id);
    for (const i of at) part.set(Buffer.from(id, 'latin1'), i);
    const head = `${n === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`;
    controller.enqueue(enc.encode(head));
    controller.enqueue(part);
    n++;
  },
});
const res = await fetch(`${url}/dicomweb/studies`, {
  method: 'POST',
  headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
  body,
  duplex: 'half',
} as RequestInit);
const json = (await res.json()) as Record<string, { Value?: Array<Record<string, { Value?: string[] }>> }>;
const received = (json['00081199']?.Value ?? []).map((item) => item['00081155']?.Value?.[0]);
process.stdout.write(JSON.stringify({ status: res.status, sops, received }));
