import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDicom, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_STUDIES } from './access.js';
import { Archive } from './archive.js';
import type { QueryRequest } from './query.js';
import { randomSchema, type TinyInstanceSpec, tinyInstance } from './testing.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: PostgreSQL query tests need DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];
const schemas: string[] = [];
afterAll(async () => {
  if (!databaseUrl || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

function instance(spec: TinyInstanceSpec, attrs: { date?: string; time?: string; description?: string } = {}) {
  const parsed = parseDicom(tinyInstance(spec));
  if (attrs.date) setString(parsed.dataset, Tags.StudyDate, 'DA', attrs.date);
  if (attrs.time) setString(parsed.dataset, Tags.StudyTime, 'TM', attrs.time);
  if (attrs.description) setString(parsed.dataset, Tags.StudyDescription, 'LO', attrs.description);
  return { bytes: writeDicom({ dataset: parsed.dataset }) };
}

const tagValue = (r: Record<string, { Value?: unknown[] }>, tag: string): unknown => r[tag]?.Value?.[0];

describe.each(backends)('archive.query on $name', ({ name }) => {
  let dir: string;
  let archive: Archive;
  // One archive for the whole file: every test only reads.
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-query-'));
    const schema = randomSchema();
    if (name === 'PostgreSQL') schemas.push(schema);
    archive = await Archive.open({
      dataDir: dir,
      durable: false,
      ...(name === 'PostgreSQL' ? { databaseUrl, schema } : {}),
    });
    await archive.storeInstances([
      instance(
        { study: 'a', series: 'a1', instance: 'i1', patientName: 'Zhang^San=张^三=zhāng^sān', patientId: 'PA' },
        { date: '20200110', time: '101500', description: 'Chest CT' },
      ),
      instance(
        { study: 'a', series: 'a1', instance: 'i2', patientName: 'Zhang^San=张^三=zhāng^sān', patientId: 'PA' },
        { date: '20200110', time: '101500', description: 'Chest CT' },
      ),
      instance(
        { study: 'a', series: 'a2', instance: 'i3', patientName: 'Zhang^San=张^三=zhāng^sān', patientId: 'PA' },
        { date: '20200110', time: '101500', description: 'Chest CT' },
      ),
      instance(
        { study: 'b', series: 'b1', instance: 'i4', modality: 'MR', patientName: 'Smith^John', patientId: 'PB' },
        { date: '20211231', time: '2359', description: 'Head MR' },
      ),
    ]);
  });
  afterAll(async () => {
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const studies = async (req: Partial<QueryRequest>): Promise<string[]> =>
    (await archive.query({ level: 'STUDY', matches: [], ...req }, ALL_STUDIES)).results.map(
      (r) => tagValue(r, '00081030') as string,
    );

  it('returns the study-level keys with counts, PN objects and numbers', async () => {
    const r = await archive.query({ level: 'STUDY', matches: [{ tag: '00100020', value: 'PA' }] }, ALL_STUDIES);
    expect(r.truncated).toBe(false);
    expect(r.results).toHaveLength(1);
    const s = r.results[0]!;
    expect(s['0020000D']).toEqual({ vr: 'UI', Value: [uidFromName('st:a')] });
    expect(s['00100010']).toEqual({
      vr: 'PN',
      Value: [{ Alphabetic: 'Zhang^San', Ideographic: '张^三', Phonetic: 'zhāng^sān' }],
    });
    expect(s['00201206']).toEqual({ vr: 'IS', Value: [2] });
    expect(s['00201208']).toEqual({ vr: 'IS', Value: [3] });
    expect(s['00080061']).toEqual({ vr: 'CS', Value: ['CT'] });
    expect(s['00080050']).toEqual({ vr: 'SH' });
  });

  it('matches wildcards, date and time ranges, UID lists and modalities', async () => {
    expect(await studies({ matches: [{ tag: '00081030', value: 'Ch*' }] })).toEqual(['Chest CT']);
    expect(await studies({ matches: [{ tag: '00081030', value: 'He?d MR' }] })).toEqual(['Head MR']);
    expect(await studies({ matches: [{ tag: '00080020', value: '20200101-20201231' }] })).toEqual(['Chest CT']);
    expect(await studies({ matches: [{ tag: '00080020', value: '-20200110' }] })).toEqual(['Chest CT']);
    expect(await studies({ matches: [{ tag: '00080020', value: '20200111-' }] })).toEqual(['Head MR']);
    expect(await studies({ matches: [{ tag: '00080030', value: '-09' }] })).toEqual([]);
    expect(await studies({ matches: [{ tag: '00080030', value: '-1015' }] })).toEqual(['Chest CT']);
    const both = `${uidFromName('st:a')}\\${uidFromName('st:b')}`;
    expect(await studies({ matches: [{ tag: '0020000D', value: both }] })).toHaveLength(2);
    expect(await studies({ matches: [{ tag: '00080061', value: 'MR,US' }] })).toEqual(['Head MR']);
    expect(await studies({ matches: [{ tag: '00080061', value: 'M*' }] })).toEqual(['Head MR']);
  });

  it('matches person names case-insensitively and, fuzzily, by any component in any group', async () => {
    expect(await studies({ matches: [{ tag: '00100010', value: 'zhang*' }] })).toEqual(['Chest CT']);
    expect(await studies({ matches: [{ tag: '00100010', value: '张*' }] })).toEqual(['Chest CT']);
    expect(await studies({ matches: [{ tag: '00100010', value: 'san' }] })).toEqual([]);
    const fuzzy = (value: string) => studies({ matches: [{ tag: '00100010', value }], fuzzyMatching: true });
    expect(await fuzzy('san')).toEqual(['Chest CT']);
    expect(await fuzzy('三')).toEqual(['Chest CT']);
    expect(await fuzzy('zhang')).toEqual(['Chest CT']);
    expect(await fuzzy('joh')).toEqual(['Head MR']);
    expect(await fuzzy('ohn')).toEqual([]);
  });

  it('pages with limit/offset and reports truncation', async () => {
    const first = await archive.query({ level: 'IMAGE', matches: [], limit: 3 }, ALL_STUDIES);
    expect(first.results).toHaveLength(3);
    expect(first.truncated).toBe(true);
    const rest = await archive.query({ level: 'IMAGE', matches: [], limit: 3, offset: 3 }, ALL_STUDIES);
    expect(rest.results).toHaveLength(1);
    expect(rest.truncated).toBe(false);
  });

  it('serves series and instances with their keys, and extra fields from stored metadata', async () => {
    const series = await archive.query(
      {
        level: 'SERIES',
        matches: [{ tag: '0020000D', value: uidFromName('st:a') }],
        includeFields: ['00280004'],
      },
      ALL_STUDIES,
    );
    expect(series.results.map((r) => tagValue(r, '00201209'))).toEqual([2, 1]);
    expect(series.results[0]?.['00280004']).toEqual({ vr: 'CS', Value: ['MONOCHROME2'] });
    const inst = await archive.query(
      {
        level: 'IMAGE',
        matches: [{ tag: '0020000E', value: uidFromName('se:a1') }],
        includeFields: 'all',
      },
      ALL_STUDIES,
    );
    expect(inst.results.map((r) => tagValue(r, '00200013'))).toEqual([1, 2]);
    expect(inst.results[0]?.['00280010']).toEqual({ vr: 'US', Value: [4] });
    expect(inst.results[0]?.['00280100']).toEqual({ vr: 'US', Value: [16] });
    expect(inst.results[0]?.['7FE00010']?.BulkDataURI).toMatch(/^bulk:/);
  });

  it('answers patient-level queries (C-FIND patient root) with related-study counts', async () => {
    const r = await archive.query({ level: 'PATIENT', matches: [{ tag: '00100020', value: 'P*' }] }, ALL_STUDIES);
    expect(r.results.map((p) => [tagValue(p, '00100020'), tagValue(p, '00201200')]).sort()).toEqual([
      ['PA', 1],
      ['PB', 1],
    ]);
    expect(r.results[0]?.['0020000D']).toBeUndefined();
  });

  it('rejects bad values naming the attribute and ignores unindexed matching keys', async () => {
    await expect(
      archive.query({ level: 'STUDY', matches: [{ tag: '00080020', value: '2020-01-01' }] }, ALL_STUDIES),
    ).rejects.toThrow(/StudyDate/);
    await expect(
      archive.query({ level: 'STUDY', matches: [{ tag: '0020000D', value: '1.2.x' }] }, ALL_STUDIES),
    ).rejects.toThrow(/StudyInstanceUID/);
    await expect(
      archive.query({ level: 'STUDY', matches: [{ tag: '00080060', value: 'CT' }] }, ALL_STUDIES),
    ).rejects.toThrow(/Modality/);
    const r = await archive.query({ level: 'STUDY', matches: [{ tag: '00180050', value: '5' }] }, ALL_STUDIES);
    expect(r.ignoredMatches).toEqual(['00180050']);
    expect(r.results).toHaveLength(2);
  });
});
