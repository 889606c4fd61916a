import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../auth/principal.js';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from '../auth/testing.js';
import type { WorklistPage } from './service.js';
import { chestCtResult } from './testing.js';

/**
 * A 5 000-study worklist (the viewer benchmark's size): index rows and 1 000 ai_results rows
 * (realistic chest CT AnalysisResult JSON, inserted by SQL, not produced by the analyzer) seeded
 * with generate_series, as packages/server/src/testing/qidoTiming.ts does. Checks one page is
 * correct and prints the p50 of GET /api/worklist; no timed assertion.
 */
const STUDIES = 5000;
const databaseUrl = process.env.DATABASE_URL;
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];
if (!databaseUrl) console.warn('SKIP: the PostgreSQL 5 000-study worklist needs DATABASE_URL; running on PGlite only');

describe.each(backends)(
  'worklist with 5 000 studies on $name (AI results: inserted ai_results rows of realistic AnalysisResult JSON)',
  ({ name }) => {
    let fx: AuthFixture;
    let cookie = '';

    beforeAll(async () => {
      fx = await openAuthFixture(name === 'PostgreSQL' ? { databaseUrl } : {});
      const exec = (text: string, values: unknown[] = []) => fx.archive.index.executeSql(text, values);
      await exec(`INSERT INTO patients (patient_key, patient_id, name_alphabetic, name_ideographic, name_phonetic, birth_date, sex)
      SELECT 'k' || g, 'PID' || g, 'Name' || g || '^Given', '名' || g, '', '19700101', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END
        FROM generate_series(1, ${STUDIES}) g`);
      await exec(`INSERT INTO studies (study_uid, patient_pk, study_date, study_time, accession_number, description, modalities,
        num_series, num_instances, created_at)
      SELECT '1.2.826.0.1.77.' || g, p.pk, to_char(date '2026-01-01' + (g % 300), 'YYYYMMDD'), '120000', 'ACC' || g,
        'Study ' || g, CASE WHEN g % 5 = 0 THEN ARRAY['MR'] ELSE ARRAY['CT'] END, 1, 1,
        timestamptz '2026-11-01T00:00:00Z' + g * interval '1 minute'
        FROM generate_series(1, ${STUDIES}) g JOIN patients p ON p.patient_key = 'k' || g`);
      // Every 5th CT study has a chest CT result; categories cycle through 2, 3, 4A, 4B, 4X.
      const cats = ['2', '3', '4A', '4B', '4X'];
      const template = JSON.stringify(chestCtResult('1.2.826.0.1.77.0', { lungRads: '@CAT@' }));
      await exec(
        `INSERT INTO ai_results (study_uid, study_pk, institution_pk, analyzer_id, analyzer_version, input_key, status,
         result, findings, started_at, finished_at, worker)
       SELECT st.study_uid, st.pk, st.institution_pk, 'lingshu-chest-ct', '1.0.0', 'k', 'ok',
         replace($1, '@CAT@', ($2::text[])[1 + ((st.pk / 5) % 5)::int])::jsonb, 4, now(), now(), 'test'
         FROM studies st WHERE st.pk % 5 = 1`,
        [template, cats],
      );
      await fx.ctx.platform.oversight.setAutonomy(
        { analyzerId: 'lingshu-chest-ct', institutionCode: null, mode: 'triage' },
        SYSTEM_PRINCIPAL,
      );
      await fx.ctx.platform.auth.createUser({ username: 'rad', role: 'radiologist', password: TEST_PASSWORD });
      cookie = await fx.login('rad');
    }, 120_000);

    afterAll(async () => {
      await fx?.close();
    });

    const get = async (query: string): Promise<{ page: WorklistPage; ms: number }> => {
      const t0 = performance.now();
      const res = await fx.app.inject({ method: 'GET', url: `/api/worklist${query}`, headers: { cookie } });
      const ms = performance.now() - t0;
      expect(res.statusCode, res.body).toBe(200);
      return { page: res.json() as WorklistPage, ms };
    };

    it('answers the first page correctly (priority, then oldest first) and reports the p50', async () => {
      const times: number[] = [];
      let page: WorklistPage | undefined;
      for (let i = 0; i < 7; i++) {
        const r = await get('?limit=50');
        times.push(r.ms);
        page = r.page;
      }
      if (!page) throw new Error('no page');
      expect(page.total).toBe(STUDIES);
      expect(page.rows).toHaveLength(50);
      // 200 studies carry 4X (priority 90): the page is the 50 oldest of them.
      expect(page.rows.every((r) => r.aiPriority === 90 && r.status === 'ai-done')).toBe(true);
      expect(page.rows.every((r) => r.badges.some((b) => b.label === '肺结节 4X'))).toBe(true);
      const arrived = page.rows.map((r) => r.arrivedAt);
      expect([...arrived].sort()).toEqual(arrived);
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length / 2)] ?? 0;
      console.log(`worklist 5000 studies on ${name}: p50 ${p50.toFixed(1)} ms (min ${times[0]?.toFixed(1)} ms)`);

      // Deeper pages keep the order across the priority boundary (90 → 80).
      const { page: later } = await get('?limit=50&offset=180');
      expect(later.rows.slice(0, 20).every((r) => r.aiPriority === 90)).toBe(true);
      expect(later.rows.slice(20).every((r) => r.aiPriority === 80)).toBe(true);
      // Filters and text search on the large list.
      const { page: mr, ms: mrMs } = await get('?modality=MR&status=unread&limit=10');
      expect(mr.total).toBe(1000);
      const { page: search, ms: qMs } = await get(`?q=${encodeURIComponent('名4321')}`);
      expect(search.rows.map((r) => r.patientId)).toEqual(['PID4321']);
      console.log(
        `worklist 5000 studies on ${name}: MR+unread ${mrMs.toFixed(1)} ms, text search ${qMs.toFixed(1)} ms`,
      );
    });
  },
);
