/**
 * The viewer benchmark's fixture: the browser tests' server (`startWebServer`: PGlite, temp data
 * dir) serving the built web app, one phantom chest CT of N × 512² slices stored through the archive
 * (native explicit VR little endian, generated once and cached under os.tmpdir()), and M more
 * worklist studies seeded as index rows by SQL.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateSeries, studyUid } from '@lingshu/phantom';
import type { RunningServer } from '@lingshu/server';
import { ensureWebBuild, ROOT, startWebServer } from '../../e2e/webHarness.js';
import { benchSeriesRoot, benchStudySpec } from '../series.js';

export { ROOT };

const MARKER = 'complete.json';

export interface ViewerFixture {
  server: RunningServer;
  dataDir: string;
  studyUid: string;
  slices: number;
  seriesMegabytes: number;
  worklistStudies: number;
  /** Seconds spent generating the series (0 when cached), storing it, seeding the worklist. */
  seconds: { generate: number; store: number; seed: number };
}

/** The native series' files, generated on first use under os.tmpdir()/lingshu-bench-<hash>-viewer/. */
async function cachedSeries(slices: number): Promise<{ files: string[]; seconds: number }> {
  const params = { slices, matrix: 512, seed: 20240315 };
  const dir = `${benchSeriesRoot(params)}-viewer`;
  const t0 = performance.now();
  const generate = !existsSync(path.join(dir, MARKER));
  if (generate) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for await (const g of generateSeries(benchStudySpec(params))) {
      await writeFile(path.join(dir, path.basename(g.path)), g.bytes);
      if ((g.index + 1) % 50 === 0 || g.index + 1 === g.count)
        process.stderr.write(`  generated ${g.index + 1}/${g.count} slices\n`);
    }
    await writeFile(path.join(dir, MARKER), `${JSON.stringify(params)}\n`);
  }
  const files = (await readdir(dir))
    .filter((n) => n.endsWith('.dcm'))
    .sort()
    .map((n) => path.join(dir, n));
  return { files, seconds: generate ? (performance.now() - t0) / 1000 : 0 };
}

/**
 * `count` one-instance studies (patients, studies) in one statement each, older than the CT so
 * that the CT is the worklist's first row (unread studies list oldest arrival first).
 */
async function seedWorklist(server: RunningServer, count: number): Promise<void> {
  const exec = (text: string, values: unknown[] = []) => server.archive.index.executeSql(text, values);
  await exec(
    `INSERT INTO patients (patient_key, patient_id, name_alphabetic, name_ideographic, name_phonetic, birth_date, sex)
     SELECT 'bench-' || g, 'BENCH' || g, 'Bench' || g || '^Given', '测' || g, '', '19700101',
            CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END
       FROM generate_series(1, $1::int) g`,
    [count],
  );
  await exec(
    `INSERT INTO studies (study_uid, patient_pk, study_date, study_time, accession_number, description, modalities,
       num_series, num_instances, created_at)
     SELECT '1.2.826.0.1.88.' || g, p.pk, to_char(date '2026-01-01' + (g % 300), 'YYYYMMDD'), '120000', 'BACC' || g,
            'Bench study ' || g, CASE WHEN g % 5 = 0 THEN ARRAY['MR'] ELSE ARRAY['CT'] END, 1, 1,
            timestamptz '2026-11-01T00:00:00Z' + g * interval '1 minute'
       FROM generate_series(1, $1::int) g JOIN patients p ON p.patient_key = 'bench-' || g`,
    [count],
  );
}

export async function startFixture(options: { slices: number; worklistStudies: number }): Promise<ViewerFixture> {
  ensureWebBuild();
  const series = await cachedSeries(options.slices);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'lingshu-bench-viewer-'));
  const server = await startWebServer(path.join(dataDir, 'data'));
  let bytes = 0;
  const t1 = performance.now();
  for (const file of series.files) {
    const data = new Uint8Array(await readFile(file));
    bytes += data.byteLength;
    await server.archive.store({ bytes: data });
  }
  const uid = studyUid(benchStudySpec({ slices: options.slices, matrix: 512, seed: 20240315 }), 'study');
  await server.archive.index.executeSql(
    `UPDATE studies SET created_at = timestamptz '2020-01-01T00:00:00Z' WHERE study_uid = $1`,
    [uid],
  );
  const t2 = performance.now();
  await seedWorklist(server, options.worklistStudies);
  const t3 = performance.now();
  return {
    server,
    dataDir,
    studyUid: uid,
    slices: series.files.length,
    seriesMegabytes: bytes / 1e6,
    worklistStudies: options.worklistStudies + 1,
    seconds: { generate: series.seconds, store: (t2 - t1) / 1000, seed: (t3 - t2) / 1000 },
  };
}

export async function stopFixture(f: ViewerFixture): Promise<void> {
  await f.server.close();
  await rm(f.dataDir, { recursive: true, force: true });
}
