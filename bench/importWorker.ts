/**
 * The library import path, for `--via api`: `node --import tsx bench/importWorker.ts DIR DATA_DIR`.
 * Reads the folder's .dcm files 8 at a time and stores them with Archive.storeInstances in
 * batches of 64 (durable writes; index from DATABASE_URL or embedded PGlite), then prints one
 * JSON line: instances, bytes, elapsedSeconds, maxRssKB.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Archive, type StoreItem } from '@lingshu/archive';

const BATCH = 64;
const READ_CONCURRENCY = 8;

async function readBatch(files: readonly string[]): Promise<StoreItem[]> {
  const items: StoreItem[] = new Array(files.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      items[i] = { bytes: new Uint8Array(await readFile(file)), source: path.basename(file) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, reader));
  return items;
}

async function main(dir: string, dataDir: string): Promise<void> {
  const files = (await readdir(dir))
    .filter((n) => n.endsWith('.dcm'))
    .sort()
    .map((n) => path.join(dir, n));
  const databaseUrl = process.env.DATABASE_URL;
  const archive = await Archive.open({ dataDir, durable: true, ...(databaseUrl ? { databaseUrl } : {}) });
  // Timed like the CLI's summary: reads and stores only (opening the index excluded).
  const t0 = performance.now();
  let instances = 0;
  let bytes = 0;
  let elapsedSeconds = 0;
  try {
    // Read the next batch while the archive stores the current one.
    let reading = readBatch(files.slice(0, BATCH));
    for (let start = 0; start < files.length; start += BATCH) {
      const items = await reading;
      reading = readBatch(files.slice(start + BATCH, start + 2 * BATCH));
      const results = await archive.storeInstances(items);
      for (const [i, r] of results.entries()) {
        if (r.status !== 'stored') throw new Error(`instance ${start + i} was not stored: ${r.status}`);
        instances++;
        bytes += items[i]!.bytes.length;
      }
    }
    elapsedSeconds = (performance.now() - t0) / 1000;
  } finally {
    await archive.close();
  }
  const maxRssKB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ instances, bytes, elapsedSeconds, maxRssKB })}\n`);
}

const [dir, dataDir] = process.argv.slice(2);
if (!dir || !dataDir) {
  process.stderr.write('usage: importWorker.ts DIR DATA_DIR\n');
  process.exitCode = 2;
} else {
  await main(dir, dataDir);
}
