/**
 * The floor for STOW-RS ingest in Node.js: a receiver that does only what any durable archive
 * must do per request and nothing an archive would add. It reads the whole multipart body, hashes
 * it (SHA-256), writes it to a new file, syncs the data, renames the file into place, syncs the
 * folder and answers a small JSON body. No DICOM parsing, no index, no audit, no framework.
 * `bench/stow-profile.ts --peer floor` runs it beside Orthanc and Lingshu so that a goal can be
 * set against what the platform (node:http + the file system of this machine) allows at all.
 *
 * `journal` is the cheapest durable variant: every body is appended to one open file and that file
 * is fdatasynced (no new file, no rename, no folder sync), as a write-ahead journal would do.
 *
 *   node --import tsx bench/archive/floorServer.ts DIR PORT [nosync|journal]
 */
import { createHash } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

const [dir, portArg, mode] = process.argv.slice(2);
if (!dir || !portArg) throw new Error('usage: floorServer.ts DIR PORT [nosync|journal]');
const durable = mode !== 'nosync';
let next = 0;
const journal = mode === 'journal' ? await open(path.join(dir, 'journal'), 'a') : undefined;

async function receive(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function store(body: Buffer): Promise<string> {
  const sha = createHash('sha256').update(body).digest('hex');
  if (journal) {
    await journal.write(body);
    await journal.datasync();
    return sha;
  }
  const final = path.join(dir!, `${sha.slice(0, 16)}-${next++}.dcm`);
  const temp = `${final}.part`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(body);
    if (durable) await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temp, final);
  if (durable) {
    const folder = await open(dir!, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
  return sha;
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  receive(req)
    .then(store)
    .then(
      (sha) => res.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify({ sha })),
      () => res.writeHead(500).end(),
    );
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
