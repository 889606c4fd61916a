/**
 * Ad-hoc QIDO-RS timing with 10 000 studies in the index (not part of the test suite):
 *
 *   npx tsx packages/server/src/testing/qidoTiming.ts            # PGlite
 *   DATABASE_URL=postgres://… npx tsx packages/server/src/testing/qidoTiming.ts
 *
 * Rows are inserted straight into the index with generate_series (no files), then typical
 * viewer queries run through the real Fastify app (inject: no socket) and p50/p95 are printed.
 * `SCOPE=site` runs them as a primary-site user (Bearer token) whose institution owns half of the
 * studies, with 500 more shared with it, so the tenancy filter is part of every query.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import { sql } from 'kysely';
import pino from 'pino';
import { buildApp } from '../app.js';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { openContext } from '../platform/open.js';
import { testSchema } from './instances.js';

const STUDIES = Number(process.env.STUDIES ?? 10_000);
const ROUNDS = 40;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lingshu-qido-timing-'));
  const databaseUrl = process.env.DATABASE_URL;
  const archive = await Archive.open({
    dataDir: dir,
    ...(databaseUrl ? { databaseUrl, schema: testSchema() } : {}),
  });
  const db = archive.index.db;
  const t0 = performance.now();
  await sql`INSERT INTO patients (patient_key, patient_id, name_alphabetic, name_ideographic, name_phonetic,
      name_search, birth_date, sex)
    SELECT 'k' || g, 'PID' || g, 'Name' || g || '^Given', '名' || g, '', '', '19700101', 'M'
    FROM generate_series(1, ${STUDIES}) g`.execute(db);
  await sql`INSERT INTO studies (study_uid, patient_pk, study_date, study_time, accession_number, description,
      modalities, num_series, num_instances)
    SELECT '1.2.826.0.1.' || g, p.pk, to_char(date '2015-01-01' + (g % 3000), 'YYYYMMDD'), '120000', 'ACC' || g,
      'Study ' || g, CASE WHEN g % 5 = 0 THEN ARRAY['MR'] ELSE ARRAY['CT'] END, 1, 2
    FROM generate_series(1, ${STUDIES}) g JOIN patients p ON p.patient_key = 'k' || g`.execute(db);
  await sql`INSERT INTO series (series_uid, study_pk, modality, series_number, description)
    SELECT st.study_uid || '.1', st.pk, st.modalities[1], 1, 'Series' FROM studies st`.execute(db);
  await sql`INSERT INTO instances (sop_uid, series_pk, sop_class_uid, instance_number, transfer_syntax_uid,
      rows, columns, size_bytes, sha256, storage_key, metadata)
    SELECT se.series_uid || '.' || n, se.pk, '1.2.840.10008.5.1.4.1.1.2', n, '1.2.840.10008.1.2.1', 512, 512,
      1000, 'x', 'k', '{"00280100":{"vr":"US","Value":[16]}}'::jsonb
    FROM series se CROSS JOIN generate_series(1, 2) n`.execute(db);
  const site = process.env.SCOPE === 'site';
  let siteCode = '';
  if (site) {
    const inst = await archive.institutions.create({ code: 'SITE-A', name: 'Site A' });
    siteCode = inst.code;
    await sql`UPDATE studies SET institution_pk = ${inst.pk} WHERE pk % 2 = 0`.execute(db);
    await sql`INSERT INTO study_shares (study_pk, institution_pk) SELECT pk, ${inst.pk} FROM studies
      WHERE pk % 2 = 1 AND pk % 10 = 1`.execute(db);
  }
  await sql`ANALYZE`.execute(db);
  console.log(
    `indexed ${STUDIES} studies in ${Math.round(performance.now() - t0)} ms (${databaseUrl ? 'PostgreSQL' : 'PGlite'}${site ? ', as a site user' : ''})`,
  );

  const config = { ...DEFAULT_SERVER_CONFIG, dataDir: dir, authRequired: false };
  const ctx = await openContext(archive, config, pino({ level: 'silent' }));
  const app = await buildApp(ctx);
  const headers: Record<string, string> = { accept: 'application/dicom+json' };
  if (site) {
    const user = await ctx.platform.auth.createUser({
      username: 'site-reader',
      role: 'radiologist',
      institution: siteCode,
    });
    headers.authorization = `Bearer ${(await ctx.platform.auth.createToken(user.id, { name: 'timing' })).token}`;
  }
  const mid = Math.floor(STUDIES / 2);
  const queries = [
    '/dicomweb/studies?limit=101&offset=0&includefield=00081030,00080060',
    '/dicomweb/studies?limit=101&offset=5000',
    `/dicomweb/studies?PatientID=PID${mid}`,
    `/dicomweb/studies?PatientName=name${mid}*&fuzzymatching=true&limit=101`,
    `/dicomweb/studies?PatientName=${encodeURIComponent(`名${mid}`)}*&limit=101`,
    '/dicomweb/studies?StudyDate=20200101-20200131&limit=101',
    '/dicomweb/studies?ModalitiesInStudy=MR&limit=101',
    `/dicomweb/studies?AccessionNumber=ACC${mid}`,
    `/dicomweb/studies/1.2.826.0.1.${mid}/series`,
    `/dicomweb/studies/1.2.826.0.1.${mid}/series/1.2.826.0.1.${mid}.1/instances`,
  ];
  for (const url of queries) {
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now();
      const res = await app.inject({ method: 'GET', url, headers });
      times.push(performance.now() - start);
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
      count = (JSON.parse(res.body) as unknown[]).length;
    }
    times.sort((a, b) => a - b);
    const p = (q: number): string => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
    console.log(`p50 ${p(0.5)} ms  p95 ${p(0.95)} ms  ${String(count).padStart(4)} results  ${url}`);
  }
  await app.close();
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
