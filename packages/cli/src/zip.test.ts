import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeZip } from './testing/zipWriter.js';
import { DEFAULT_ZIP_LIMITS, listZip } from './zip.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-zip-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('listZip', () => {
  it('lists nested entries lazily and reads each back byte for byte', async () => {
    const a = new Uint8Array([1, 2, 3, 4, 5]);
    const b = new TextEncoder().encode('deep file');
    const path = join(tmp, 'ok.zip');
    writeFileSync(
      path,
      makeZip([
        { name: 'x/', data: new Uint8Array(0) },
        { name: 'x/a.bin', data: a },
        { name: 'x/y/z/b.txt', data: b },
      ]),
    );
    const listing = await listZip(path);
    try {
      expect(listing.problems).toEqual([]);
      expect(listing.candidates.map((c) => c.source)).toEqual([`${path}!/x/a.bin`, `${path}!/x/y/z/b.txt`]);
      expect(listing.candidates.map((c) => c.size)).toEqual([5, b.length]);
      expect(await listing.candidates[1]!.load()).toEqual(b);
      expect(await listing.candidates[0]!.load()).toEqual(a);
    } finally {
      listing.close();
    }
  });

  it('refuses entries over the size or ratio limits and stops at the total limit', async () => {
    const zeros = new Uint8Array(200_000);
    const path = join(tmp, 'bomb.zip');
    writeFileSync(
      path,
      makeZip([
        { name: 'bomb.dcm', data: zeros },
        { name: 'small1.dcm', data: new Uint8Array(600).fill(7) },
        { name: 'small2.dcm', data: new Uint8Array(600).fill(9) },
      ]),
    );
    const limits = { ...DEFAULT_ZIP_LIMITS, maxRatio: 50, ratioFloorBytes: 1000, maxTotalBytes: 1000 };
    const listing = await listZip(path, limits);
    listing.close();
    expect(listing.problems.map((p) => [p.source.split('!/')[1], p.message])).toEqual([
      ['bomb.dcm', 'The zip entry has a suspicious compression ratio'],
      ['small2.dcm', 'The zip archive exceeds the total size limit'],
    ]);
    expect(listing.candidates.map((c) => c.source.split('!/')[1])).toEqual(['small1.dcm']);
    const tooBig = await listZip(path, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 100_000 });
    tooBig.close();
    expect(tooBig.problems[0]?.message).toBe('The zip entry is larger than the entry size limit');
  });

  it('reports a file that is not a zip as IMPORT_BAD_ARCHIVE', async () => {
    const path = join(tmp, 'fake.zip');
    writeFileSync(path, 'PK\u0003\u0004 but nothing else');
    await expect(listZip(path)).rejects.toMatchObject({ code: 'IMPORT_BAD_ARCHIVE' });
  });
});
