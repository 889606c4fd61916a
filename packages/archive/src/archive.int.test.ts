import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDicom, toDicomJson, uidFromName } from '@lingshu/dicom';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_STUDIES } from './access.js';
import { Archive } from './archive.js';
import { extractRecord } from './extract.js';
import { randomSchema, tinyInstance } from './testing.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: PostgreSQL archive tests need DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];
const REAL = resolve(import.meta.dirname, '../../../../shared/data/ct/lung-pet-ct-dx-A0002');
if (!existsSync(REAL)) console.warn(`SKIP: real-data archive test, ${REAL} is absent`);

const schemas: string[] = [];
afterAll(async () => {
  if (!databaseUrl || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

/** Every .dcm file in the archive's object store. */
function storedFiles(dataDir: string): string[] {
  const root = join(dataDir, 'files');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.dcm'));
}

describe.each(backends)('archive on $name', ({ name }) => {
  let dir: string;
  let archive: Archive;
  const open = async (extra: { duplicatePolicy?: 'reject' | 'overwrite'; schema?: string } = {}): Promise<Archive> => {
    const schema = extra.schema ?? randomSchema();
    if (name === 'PostgreSQL') schemas.push(schema);
    return Archive.open({
      dataDir: dir,
      durable: false,
      ...(name === 'PostgreSQL' ? { databaseUrl, schema } : {}),
      ...(extra.duplicatePolicy ? { duplicatePolicy: extra.duplicatePolicy } : {}),
    });
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-archive-'));
    archive = await open();
  });
  afterEach(async () => {
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a batch, counts it, and serves metadata equal to the file', async () => {
    const items = [1, 2, 3].map((n) => ({
      bytes: tinyInstance({ study: 's1', series: 'a', instance: `i${n}` }),
      source: `f${n}`,
    }));
    items.push({ bytes: tinyInstance({ study: 's1', series: 'b', instance: 'i4', modality: 'SR' }), source: 'f4' });
    const results = await archive.storeInstances(items);
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
    expect(await archive.counts()).toEqual({ patients: 1, studies: 1, series: 2, instances: 4 });
    const study = await archive.getStudy(uidFromName('st:s1'), ALL_STUDIES);
    expect(study?.modalities).toEqual(['CT', 'SR']);
    expect(study?.numberOfInstances).toBe(4);
    const meta = await archive.getSeriesMetadata(uidFromName('se:a'), ALL_STUDIES);
    expect(meta).toHaveLength(3);
    const fromFile = extractRecord(parseDicom(items[0]!.bytes)).metadata;
    expect(meta[0]).toEqual(fromFile);
    expect((meta[0]!['00100010']!.Value as Array<{ Ideographic: string }>)[0]!.Ideographic).toBe('李^四');
    expect(meta[0]!['7FE00010']!.BulkDataURI).toMatch(/^bulk:/);
    const back = await archive.readInstance(uidFromName('i:i2'), ALL_STUDIES);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(items[1]!.bytes))).toBe(0);
  });

  it('treats identical re-sends as duplicates and different bytes per policy', async () => {
    const a = tinyInstance({ study: 's', series: 'x', instance: 'i1', pixelValue: 1 });
    const b = tinyInstance({ study: 's', series: 'x', instance: 'i1', pixelValue: 2 });
    expect((await archive.storeInstances([{ bytes: a }]))[0]!.status).toBe('stored');
    expect((await archive.storeInstances([{ bytes: a }]))[0]!.status).toBe('duplicate');
    const conflict = (await archive.storeInstances([{ bytes: b }]))[0]!;
    expect(conflict.status).toBe('rejected');
    expect(conflict.error?.code).toBe('ARCHIVE_DUPLICATE_CONFLICT');
    expect(
      Buffer.compare(Buffer.from(await archive.readInstance(uidFromName('i:i1'), ALL_STUDIES)), Buffer.from(a)),
    ).toBe(0);
    const changes = await archive.getChanges(ALL_STUDIES, {});
    expect(changes.changes.map((c) => c.changeType)).toContain('RejectedConflict');
    await archive.close();
    archive = await open({ duplicatePolicy: 'overwrite' });
    // A new archive object over a new schema/dir would lose the instance; store then overwrite.
    await archive.storeInstances([{ bytes: a }]);
    const over = (await archive.storeInstances([{ bytes: b }]))[0]!;
    expect(over.status).toBe('overwritten');
    expect(
      Buffer.compare(Buffer.from(await archive.readInstance(uidFromName('i:i1'), ALL_STUDIES)), Buffer.from(b)),
    ).toBe(0);
    expect((await archive.counts()).instances).toBe(1);
    expect((await archive.getChanges(ALL_STUDIES, {})).changes.map((c) => c.changeType)).toContain('UpdatedInstance');
  });

  it('keeps one file per instance through re-sends and conflicts; counts and change log per batch', async () => {
    const a = tinyInstance({ study: 's', series: 'x', instance: 'i1', pixelValue: 1 });
    const b = tinyInstance({ study: 's', series: 'x', instance: 'i1', pixelValue: 2 });
    const c = tinyInstance({ study: 's', series: 'x', instance: 'i2' });
    const d = tinyInstance({ study: 's', series: 'x', instance: 'i3' });
    expect((await archive.storeInstances([{ bytes: a }]))[0]!.status).toBe('stored');
    const first = await archive.getChanges(ALL_STUDIES, {});
    expect(first.changes.map((ch) => ch.changeType)).toEqual(['NewPatient', 'NewStudy', 'NewSeries', 'NewInstance']);
    // The files of a re-send and of a conflict are written while the index is asked, then dropped
    // (the re-send's has the stored file's name and bytes, so the stored file stays as it was).
    expect((await archive.storeInstances([{ bytes: a }, { bytes: c }]))[0]!.status).toBe('duplicate');
    expect((await archive.storeInstances([{ bytes: b }, { bytes: d }]))[0]!.status).toBe('rejected');
    expect(storedFiles(dir)).toHaveLength(3);
    expect(
      Buffer.compare(Buffer.from(await archive.readInstance(uidFromName('i:i1'), ALL_STUDIES)), Buffer.from(a)),
    ).toBe(0);
    const study = await archive.getStudy(uidFromName('st:s'), ALL_STUDIES);
    expect(study?.numberOfInstances).toBe(3);
    expect(study?.numberOfSeries).toBe(1);
    const later = (await archive.getChanges(ALL_STUDIES, { since: first.last })).changes.map((ch) => ch.changeType);
    expect(later).toEqual(['NewInstance', 'NewInstance', 'RejectedConflict']);
  });

  it('same SOP Instance UID twice in one batch', async () => {
    const a = tinyInstance({ study: 's', series: 'x', instance: 'i1', pixelValue: 1 });
    const b = tinyInstance({ study: 's', series: 'x', instance: 'i1', pixelValue: 2 });
    const r = await archive.storeInstances([{ bytes: a }, { bytes: a }, { bytes: b }]);
    expect(r.map((x) => x.status)).toEqual(['stored', 'duplicate', 'rejected']);
    expect((await archive.counts()).instances).toBe(1);
  });

  it('rejects bad items with a code and keeps the good ones of the same batch', async () => {
    const good = tinyInstance({ study: 's', series: 'x', instance: 'i1' });
    // The last occurrence of the UID is the dataset's SOP Instance UID (the first is in the meta group).
    const truncated = good.subarray(0, good.length - 10);
    const text = new TextEncoder().encode('hello, not DICOM at all');
    const noUid = tinyInstance({ study: 's', series: 'x', instance: 'i2' });
    // Corrupt the SOP Instance UID into an invalid one (letters) without changing lengths.
    const corrupted = Buffer.from(noUid);
    const uid = Buffer.from(uidFromName('i:i2'));
    corrupted.fill('A', corrupted.lastIndexOf(uid), corrupted.lastIndexOf(uid) + 4);
    const r = await archive.storeInstances([
      { bytes: truncated },
      { bytes: good },
      { bytes: text },
      { bytes: new Uint8Array(corrupted) },
    ]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'stored', 'rejected', 'rejected']);
    expect(r[0]!.error?.code).toBe('DICOM_TRUNCATED');
    expect(r[2]!.error?.code).toBe('DICOM_NOT_DICOM');
    expect(r[3]!.error?.code).toBe('DICOM_BAD_VALUE');
    expect(await archive.counts()).toEqual({ patients: 1, studies: 1, series: 1, instances: 1 });
  });

  it('pages the change log with a cursor and refuses a bad cursor', async () => {
    await archive.storeInstances(
      [1, 2, 3].map((n) => ({ bytes: tinyInstance({ study: 's', series: 'x', instance: `i${n}` }) })),
    );
    const first = await archive.getChanges(ALL_STUDIES, { limit: 2 });
    expect(first.changes).toHaveLength(2);
    expect(first.done).toBe(false);
    const all = [...first.changes];
    let page = first;
    while (!page.done) {
      page = await archive.getChanges(ALL_STUDIES, { since: page.last, limit: 2 });
      all.push(...page.changes);
    }
    expect(all.map((c) => c.changeType).sort()).toEqual(
      ['NewInstance', 'NewInstance', 'NewInstance', 'NewPatient', 'NewSeries', 'NewStudy'].sort(),
    );
    expect(new Set(all.map((c) => c.seq)).size).toBe(all.length);
    await expect(archive.getChanges(ALL_STUDIES, { since: -1 })).rejects.toMatchObject({ code: 'ARCHIVE_BAD_CURSOR' });
  });

  it('micro-batches concurrent single stores', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        archive.store({ bytes: tinyInstance({ study: `s${n % 3}`, series: `x${n % 5}`, instance: `i${n}` }) }),
      ),
    );
    expect(results.every((r) => r.status === 'stored')).toBe(true);
    expect((await archive.counts()).instances).toBe(100);
  });

  it('every index row points at a complete file with the recorded hash', async () => {
    await archive.storeInstances(
      [1, 2, 3, 4].map((n) => ({ bytes: tinyInstance({ study: 's', series: 'x', instance: `i${n}` }) })),
    );
    for (const loc of await archive.listInstanceLocations()) {
      const bytes = readFileSync(archive.files.path(loc.storageKey));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(loc.sha256);
    }
  });

  it('an index failure leaves no index row without its file', async () => {
    const items = [1, 2].map((n) => ({ bytes: tinyInstance({ study: 's', series: 'x', instance: `i${n}` }) }));
    // Make every instance insert fail inside the transaction (after files were written).
    await sql`ALTER TABLE instances ADD CONSTRAINT fail_inserts CHECK (false) NOT VALID`.execute(archive.index.db);
    const r = await archive.storeInstances(items);
    expect(r.map((x) => x.error?.code)).toEqual(['ARCHIVE_INDEX_FAILED', 'ARCHIVE_INDEX_FAILED']);
    expect(await archive.counts()).toMatchObject({ instances: 0, studies: 0, patients: 0 });
    expect((await archive.getChanges(ALL_STUDIES, {})).changes).toHaveLength(0);
    // …and no file without its index row either.
    expect(storedFiles(dir)).toEqual([]);
  });

  it('one instance that breaks the index transaction does not take its batch neighbours with it', async () => {
    const items = [1, 2, 3].map((n) => ({ bytes: tinyInstance({ study: 's', series: 'x', instance: `i${n}` }) }));
    const poisoned = uidFromName('i:i2');
    await sql`ALTER TABLE instances ADD CONSTRAINT fail_one CHECK (sop_uid <> ${sql.lit(poisoned)}) NOT VALID`.execute(
      archive.index.db,
    );
    const r = await archive.storeInstances(items);
    expect(r.map((x) => x.status)).toEqual(['stored', 'rejected', 'stored']);
    expect(r[1]?.error?.code).toBe('ARCHIVE_INDEX_FAILED');
    expect(await archive.counts()).toMatchObject({ instances: 2 });
    expect(storedFiles(dir)).toHaveLength(2);
  });

  it('drops U+0000 from indexed text instead of failing the batch', async () => {
    const good = tinyInstance({ study: 'n', series: 'x', instance: 'i1' });
    const nul = tinyInstance({ study: 'n2', series: 'y', instance: 'i2', patientId: 'P\u0000X' });
    const r = await archive.storeInstances([{ bytes: good }, { bytes: nul }]);
    expect(r.map((x) => x.status)).toEqual(['stored', 'stored']);
    expect((await archive.getStudy(uidFromName('st:n2'), ALL_STUDIES))?.patientId).toBe('PX');
    expect(storedFiles(dir)).toHaveLength(2);
  });

  it.skipIf(!existsSync(REAL))('imports the real CT: 1 patient, 1 study, 2 series, 60 instances', async () => {
    const items = ['series-B40f', 'series-B70f'].flatMap((s) =>
      readdirSync(join(REAL, s)).map((f) => ({ bytes: new Uint8Array(readFileSync(join(REAL, s, f))), source: f })),
    );
    const r = await archive.storeInstances(items);
    expect(r.filter((x) => x.status === 'stored')).toHaveLength(60);
    expect(await archive.counts()).toEqual({ patients: 1, studies: 1, series: 2, instances: 60 });
    const first = parseDicom(items[0]!.bytes);
    const meta = await archive.getInstanceMetadata(r[0]!.sopInstanceUID!, ALL_STUDIES);
    expect(meta['00200032']).toEqual(toDicomJson(first.dataset)['00200032']);
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});
