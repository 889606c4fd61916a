import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uidFromName } from '@lingshu/dicom';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessScope, ALL_STUDIES, institutionScope } from './access.js';
import { Archive } from './archive.js';
import type { Institution } from './institutions.js';
import { randomSchema, tinyInstance } from './testing.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: PostgreSQL tenancy tests need DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];
const schemas: string[] = [];
afterAll(async () => {
  if (!databaseUrl || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

const STUDY_A = uidFromName('st:ta');
const STUDY_B = uidFromName('st:tb');
const SERIES_B = uidFromName('se:tb1');
const SOP_B = uidFromName('i:tb1');
const uidsOf = (rows: Array<Record<string, { Value?: unknown[] }>>, tag: string): unknown[] =>
  rows.map((r) => r[tag]?.Value?.[0]);

describe.each(backends)('tenancy in the archive on $name', ({ name }) => {
  let dir: string;
  let archive: Archive;
  let siteA: Institution;
  let siteB: Institution;
  let A: AccessScope;
  let B: AccessScope;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-tenancy-'));
    const schema = randomSchema();
    if (name === 'PostgreSQL') schemas.push(schema);
    archive = await Archive.open({
      dataDir: dir,
      durable: false,
      ...(name === 'PostgreSQL' ? { databaseUrl, schema } : {}),
    });
    const hub = await archive.institutions.create({ code: 'HUB', name: '中心医院', kind: 'hub' });
    siteA = await archive.institutions.create({ code: 'SITE-A', name: '甲卫生院', hubPk: hub.pk, aeTitles: ['CT_A'] });
    siteB = await archive.institutions.create({ code: 'SITE-B', name: '乙卫生院', hubPk: hub.pk, aeTitles: ['CT_B '] });
    A = institutionScope(siteA.pk);
    B = institutionScope(siteB.pk);
    const results = await archive.storeInstances([
      {
        bytes: tinyInstance({ study: 'ta', series: 'ta1', instance: 'ta1', patientId: 'PA' }),
        institutionPk: siteA.pk,
      },
      {
        bytes: tinyInstance({ study: 'tb', series: 'tb1', instance: 'tb1', patientId: 'PB' }),
        institutionPk: siteB.pk,
      },
      // Same patient at both sites: the patient is visible to A, but only A's study counts.
      {
        bytes: tinyInstance({ study: 'tb2', series: 'tb2', instance: 'tb2', patientId: 'PA' }),
        institutionPk: siteB.pk,
      },
    ]);
    expect(results.map((r) => [r.status, r.institutionPk, r.foreignStudy])).toEqual([
      ['stored', siteA.pk, undefined],
      ['stored', siteB.pk, undefined],
      ['stored', siteB.pk, undefined],
    ]);
  });
  afterAll(async () => {
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('manages institutions: default hub, unique codes and AE titles, hubs, exact AE lookup', async () => {
    const all = await archive.institutions.list();
    expect(all.map((i) => i.code)).toEqual(['default', 'HUB', 'SITE-A', 'SITE-B']);
    expect(all[0]).toMatchObject({ pk: '1', kind: 'hub' });
    expect(siteB.aeTitles).toEqual(['CT_B']);
    expect((await archive.institutions.byAeTitle('CT_A'))?.code).toBe('SITE-A');
    expect((await archive.institutions.byAeTitle('CT_B  '))?.code).toBe('SITE-B');
    expect(await archive.institutions.byAeTitle('ct_a')).toBeUndefined();
    await expect(archive.institutions.create({ code: 'SITE-A', name: 'x' })).rejects.toMatchObject({
      code: 'INSTITUTION_CONFLICT',
    });
    await expect(archive.institutions.create({ code: 'SITE-C', name: 'x', aeTitles: ['CT_A'] })).rejects.toMatchObject({
      code: 'INSTITUTION_CONFLICT',
    });
    await expect(archive.institutions.create({ code: 'SITE-C', name: 'x', hubPk: siteA.pk })).rejects.toMatchObject({
      code: 'HTTP_BAD_PARAMETER',
    });
    await expect(archive.institutions.create({ code: 'bad code', name: 'x' })).rejects.toMatchObject({
      code: 'HTTP_BAD_PARAMETER',
    });
    const updated = await archive.institutions.update(siteA.pk, { nameEn: 'Site A', aeTitles: ['CT_A', 'MR_A'] });
    expect(updated).toMatchObject({ code: 'SITE-A', nameEn: 'Site A', aeTitles: ['CT_A', 'MR_A'] });
    expect((await archive.institutions.byAeTitle('MR_A'))?.pk).toBe(siteA.pk);
    await expect(archive.institutions.update(siteB.pk, { aeTitles: ['MR_A'] })).rejects.toMatchObject({
      code: 'INSTITUTION_CONFLICT',
    });
  });

  it('filters every read in SQL: another site’s study behaves like an unknown UID', async () => {
    const unknown = { studyUid: uidFromName('st:nope') };
    for (const level of ['STUDY', 'SERIES', 'IMAGE'] as const) {
      const rows = (await archive.query({ level, matches: [] }, A)).results;
      expect(new Set(uidsOf(rows, '0020000D')), level).toEqual(new Set([STUDY_A]));
    }
    // Guessing by UID at every level.
    const byUid = await archive.query({ level: 'IMAGE', matches: [{ tag: '00080018', value: SOP_B }] }, A);
    expect(byUid.results).toEqual([]);
    expect(await archive.findInstances({ studyUid: STUDY_B }, A)).toEqual(await archive.findInstances(unknown, A));
    expect(await archive.findInstances({ studyUid: STUDY_B, seriesUid: SERIES_B, sopUid: SOP_B }, A)).toEqual([]);
    expect(await archive.findMetadata({ studyUid: STUDY_B }, A)).toEqual([]);
    expect(await archive.getStudy(STUDY_B, A)).toBeUndefined();
    const notFound = { code: 'ARCHIVE_NOT_FOUND' };
    await expect(archive.readInstance(SOP_B, A)).rejects.toMatchObject(notFound);
    await expect(archive.readInstance(uidFromName('i:nope'), A)).rejects.toMatchObject(notFound);
    await expect(archive.getInstanceMetadata(SOP_B, A)).rejects.toMatchObject(notFound);
    await expect(archive.getSeriesMetadata(SERIES_B, A)).rejects.toMatchObject(notFound);
    expect(await archive.getInstanceLocation(SOP_B, A)).toBeUndefined();
    // The owner sees it; so does a network-wide reader.
    expect(await archive.findInstances({ studyUid: STUDY_B }, B)).toHaveLength(1);
    expect((await archive.readInstance(SOP_B, B)).length).toBeGreaterThan(0);
    expect((await archive.getStudy(STUDY_B, ALL_STUDIES))?.institutionPk).toBe(siteB.pk);
    expect((await archive.listStudies(A)).map((s) => s.studyInstanceUID)).toEqual([STUDY_A]);
    expect(await archive.listStudies(ALL_STUDIES)).toHaveLength(3);
    // Patients: only those with a visible study, counting only visible studies.
    const patients = (await archive.query({ level: 'PATIENT', matches: [] }, A)).results;
    expect(uidsOf(patients, '00100020')).toEqual(['PA']);
    expect(uidsOf(patients, '00201200')).toEqual([1]);
    expect(
      uidsOf((await archive.query({ level: 'PATIENT', matches: [] }, ALL_STUDIES)).results, '00201200').sort(),
    ).toEqual([1, 2]);
    // The change log: only the site's own study.
    const changes = (await archive.getChanges(A, { limit: 1000 })).changes;
    expect(new Set(changes.map((c) => c.studyInstanceUID))).toEqual(new Set([STUDY_A]));
    // Nobody: an empty scope sees nothing.
    expect(
      (await archive.query({ level: 'STUDY', matches: [] }, { kind: 'institutions', institutionPks: [] })).results,
    ).toEqual([]);
  });

  it('shares make a study visible to the other site until unshared; only visible studies can be shared', async () => {
    await expect(archive.institutions.share(STUDY_B, siteA.pk, { sharedBy: 'a' }, A)).rejects.toMatchObject({
      code: 'ARCHIVE_NOT_FOUND',
    });
    const share = await archive.institutions.share(STUDY_B, siteA.pk, { sharedBy: 'dr-b', purpose: '远程会诊' }, B);
    expect(share).toMatchObject({ institutionCode: 'SITE-A', sharedBy: 'dr-b', purpose: '远程会诊' });
    expect(await archive.findInstances({ studyUid: STUDY_B }, A)).toHaveLength(1);
    expect((await archive.readInstance(SOP_B, A)).length).toBeGreaterThan(0);
    const rows = (await archive.query({ level: 'STUDY', matches: [] }, A)).results;
    expect(new Set(uidsOf(rows, '0020000D'))).toEqual(new Set([STUDY_A, STUDY_B]));
    expect((await archive.institutions.listShares(STUDY_B, A)).map((s) => s.institutionCode)).toEqual(['SITE-A']);
    expect(await archive.institutions.unshare(STUDY_B, siteA.pk, B)).toBe(true);
    expect(await archive.findInstances({ studyUid: STUDY_B }, A)).toEqual([]);
    await expect(archive.institutions.listShares(STUDY_B, A)).rejects.toMatchObject({ code: 'ARCHIVE_NOT_FOUND' });
  });

  it('keeps the first owner: later instances join the study (flagged) or are refused when asked to', async () => {
    const joined = await archive.store({
      bytes: tinyInstance({ study: 'tb', series: 'tb1', instance: 'tb9', patientId: 'PB' }),
      institutionPk: siteA.pk,
    });
    expect(joined).toMatchObject({ status: 'stored', institutionPk: siteB.pk, foreignStudy: true });
    expect((await archive.getStudy(STUDY_B, ALL_STUDIES))?.institutionPk).toBe(siteB.pk);
    expect(await archive.findInstances({ studyUid: STUDY_B }, A)).toEqual([]);
    const refused = await archive.store({
      bytes: tinyInstance({ study: 'tb', series: 'tb1', instance: 'tb10', patientId: 'PB' }),
      institutionPk: siteA.pk,
      foreignStudy: 'reject',
    });
    expect(refused).toMatchObject({ status: 'rejected', error: { code: 'ARCHIVE_STUDY_NOT_WRITABLE' } });
    expect(await archive.findInstances({ studyUid: STUDY_B, sopUid: uidFromName('i:tb10') }, ALL_STUDIES)).toEqual([]);
    // The owner itself is never refused; a new study takes the sender's institution; default is the hub.
    const own = await archive.store({
      bytes: tinyInstance({ study: 'tb', series: 'tb1', instance: 'tb11', patientId: 'PB' }),
      institutionPk: siteB.pk,
      foreignStudy: 'reject',
    });
    expect(own).toMatchObject({ status: 'stored', institutionPk: siteB.pk });
    expect(own.foreignStudy).toBeUndefined();
    // Within one batch, the first instance of a new study decides.
    const batch = await archive.storeInstances([
      { bytes: tinyInstance({ study: 'tc', series: 'tc1', instance: 'tc1' }), institutionPk: siteA.pk },
      { bytes: tinyInstance({ study: 'tc', series: 'tc1', instance: 'tc2' }), institutionPk: siteB.pk },
    ]);
    expect(batch.map((r) => [r.institutionPk, r.foreignStudy])).toEqual([
      [siteA.pk, undefined],
      [siteA.pk, true],
    ]);
    const plain = await archive.store({ bytes: tinyInstance({ study: 'td', series: 'td1', instance: 'td1' }) });
    expect(plain).toMatchObject({ status: 'stored', institutionPk: '1' });
  });
});
