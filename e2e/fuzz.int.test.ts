import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import { isLingshuError, parseDicom, writeDicom } from '@lingshu/dicom';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyInstance } from '../packages/archive/src/testing.js';
import { everyVrDataset } from '../packages/dicom/src/testing/fixtures.js';
import { MUTATIONS, mulberry32, mutate } from './mutate.js';

const FILES = 10_000;
const seeds: Uint8Array[] = [
  tinyInstance({ study: 'fz', series: 'a', instance: 'i1' }),
  writeDicom({ dataset: everyVrDataset() }),
  writeDicom({ dataset: everyVrDataset(), transferSyntaxUID: '1.2.840.10008.1.2' }),
  writeDicom({ dataset: everyVrDataset(), transferSyntaxUID: '1.2.840.10008.1.2.1.99' }),
];

function corpus(): Array<{ bytes: Uint8Array; kind: string }> {
  const rand = mulberry32(20261123);
  return Array.from({ length: FILES }, (_, n) => {
    const kind = MUTATIONS[n % MUTATIONS.length]!;
    return { bytes: mutate(seeds[n % seeds.length]!, kind, rand), kind };
  });
}

const dir = mkdtempSync(join(tmpdir(), 'lingshu-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`fuzz: ${FILES} mutated files`, () => {
  const files = corpus();

  it('the parser returns or throws a coded LingshuError for every one, never anything else', () => {
    const outcomes = new Map<string, number>();
    for (const f of files) {
      const started = performance.now();
      try {
        parseDicom(f.bytes);
        outcomes.set('parsed', (outcomes.get('parsed') ?? 0) + 1);
      } catch (e) {
        if (!isLingshuError(e)) throw new Error(`non-coded error for a '${f.kind}' mutation: ${String(e)}`);
        outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
      }
      expect(performance.now() - started).toBeLessThan(2000);
    }
    // The corpus exercises both outcomes and several distinct error codes.
    expect(outcomes.get('parsed') ?? 0).toBeGreaterThan(100);
    expect([...outcomes.keys()].filter((k) => k.startsWith('DICOM_')).length).toBeGreaterThanOrEqual(4);
  });

  it('import stores or rejects each one cleanly, and everything indexed reads back intact', async () => {
    const archive = await Archive.open({ dataDir: dir, durable: false, duplicatePolicy: 'overwrite', maxBatch: 256 });
    try {
      let stored = 0;
      let rejected = 0;
      for (let i = 0; i < files.length; i += 500) {
        const results = await archive.storeInstances(files.slice(i, i + 500).map((f) => ({ bytes: f.bytes })));
        for (const r of results) {
          expect(['stored', 'duplicate', 'overwritten', 'rejected']).toContain(r.status);
          if (r.status === 'rejected') {
            rejected++;
            expect(r.error?.code).toMatch(/^(DICOM|ARCHIVE)_/);
          } else stored++;
        }
      }
      expect(stored + rejected).toBe(FILES);
      expect(rejected).toBeGreaterThan(1000);
      const locations = await archive.listInstanceLocations();
      expect(locations.length).toBeGreaterThan(0);
      for (const loc of locations) {
        const bytes = new Uint8Array(readFileSync(archive.files.path(loc.storageKey)));
        expect(() => parseDicom(bytes)).not.toThrow();
      }
    } finally {
      await archive.close();
    }
  }, 300_000);
});
