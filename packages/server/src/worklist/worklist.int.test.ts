import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from '../auth/testing.js';
import type { ServerEventMap } from '../context.js';
import type { WorklistPage } from './service.js';
import { chestCtResult, seedAiResult, seedStudy } from './testing.js';

/**
 * GET /api/worklist and study locks over the real app with real logins (PGlite, and PostgreSQL
 * when DATABASE_URL is set). Studies are index rows seeded by SQL; AI results are inserted
 * ai_results rows with a realistic chest CT AnalysisResult JSON (not produced by running the
 * analyzer); autonomy modes are set through the admin API.
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: worklist tests on PostgreSQL need DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];

const S1 = '1.2.826.0.1.3680043.10.901.1';
const S2 = '1.2.826.0.1.3680043.10.901.2';
const S3 = '1.2.826.0.1.3680043.10.901.3';
const S4 = '1.2.826.0.1.3680043.10.901.4';
const S5 = '1.2.826.0.1.3680043.10.901.5';
const S6 = '1.2.826.0.1.3680043.10.901.6';
const S7 = '1.2.826.0.1.3680043.10.901.7';
const NAMES: Record<string, string> = {
  [S1]: 'S1',
  [S2]: 'S2',
  [S3]: 'S3',
  [S4]: 'S4',
  [S5]: 'S5',
  [S6]: 'S6',
  [S7]: 'S7',
};

describe.each(backends)(
  'worklist and study locks on $name (AI results: inserted ai_results rows of realistic AnalysisResult JSON)',
  ({ name }) => {
    let fx: AuthFixture;
    const cookies: Record<string, string> = {};
    const lockEvents: Array<ServerEventMap['study-lock'][0]> = [];

    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

    beforeAll(async () => {
      fx = await openAuthFixture(name === 'PostgreSQL' ? { databaseUrl } : {});
      const { archive } = fx;
      const a = await archive.institutions.create({ code: 'SITE-A', name: '甲医院', kind: 'primary', hubPk: '1' });
      const b = await archive.institutions.create({ code: 'SITE-B', name: '乙医院', kind: 'primary', hubPk: '1' });
      const auth = fx.ctx.platform.auth;
      await auth.createUser({
        username: 'rad-a',
        role: 'radiologist',
        institution: 'SITE-A',
        password: TEST_PASSWORD,
        displayName: '王医生',
      });
      await auth.createUser({
        username: 'rad-a2',
        role: 'radiologist',
        institution: 'SITE-A',
        password: TEST_PASSWORD,
      });
      await auth.createUser({ username: 'rad-b', role: 'radiologist', institution: 'SITE-B', password: TEST_PASSWORD });
      await auth.createUser({ username: 'ref-a', role: 'referring', institution: 'SITE-A', password: TEST_PASSWORD });
      await auth.createUser({ username: 'boss', role: 'admin', institution: null, password: TEST_PASSWORD });
      for (const u of ['rad-a', 'rad-a2', 'rad-b', 'ref-a', 'boss']) cookies[u] = await fx.login(u);

      const common = { sex: 'M', birthDate: '19600315', studyDate: '20261120' };
      await seedStudy(archive, {
        ...common,
        uid: S1,
        patientKey: 'p1',
        patientId: 'PID-001',
        name: 'Zhang^San=张^三=zhāng^sān',
        accession: 'ACC-1',
        description: '胸部CT平扫',
        bodyPart: 'CHEST',
        institutionPk: a.pk,
        arrivedAt: hoursAgo(5),
      });
      await seedStudy(archive, {
        ...common,
        uid: S2,
        patientKey: 'p2',
        patientId: 'PID-002',
        name: 'Li^Si=李^四',
        accession: 'ACC-2',
        description: 'Chest CT',
        bodyPart: 'CHEST',
        institutionPk: a.pk,
        arrivedAt: hoursAgo(1),
      });
      await seedStudy(archive, {
        ...common,
        uid: S3,
        patientKey: 'p3',
        patientId: 'PID-003',
        name: 'Wang^Wu=王^五',
        accession: 'ACC-3',
        modality: 'MR',
        description: '头颅MR',
        institutionPk: a.pk,
        arrivedAt: hoursAgo(4),
        studyDate: '20261101',
      });
      await seedStudy(archive, {
        ...common,
        uid: S4,
        patientKey: 'p4',
        patientId: 'PID-004',
        name: 'Zhao^Liu=赵^六',
        accession: 'ACC-4',
        institutionPk: b.pk,
        arrivedAt: hoursAgo(6),
      });
      await seedStudy(archive, {
        ...common,
        uid: S5,
        patientKey: 'p5',
        patientId: 'PID-005',
        name: 'Sun^Qi=孙^七',
        accession: 'ACC-5',
        institutionPk: b.pk,
        arrivedAt: hoursAgo(2),
      });
      await seedStudy(archive, {
        ...common,
        uid: S6,
        patientKey: 'p6',
        patientId: 'PID-006',
        name: 'Zhou^Ba=周^八',
        accession: 'ACC-6',
        institutionPk: a.pk,
        arrivedAt: hoursAgo(3),
      });
      await seedStudy(archive, {
        ...common,
        uid: S7,
        patientKey: 'p7',
        patientId: 'PID-007',
        name: 'Wu^Jiu=吴^九',
        accession: 'ACC-7',
        institutionPk: b.pk,
        arrivedAt: hoursAgo(0.5),
      });
      await archive.index.executeSql(
        `INSERT INTO study_shares (study_pk, institution_pk) SELECT pk, $1 FROM studies WHERE study_uid = $2`,
        [a.pk, S5],
      );
      // S1: chest CT analyzer in the default assist mode (visible, no reordering).
      await seedAiResult(archive, S1, chestCtResult(S1, { lungRads: '4A' }));
      // S2: a second analyzer id set to triage at SITE-A → may reorder (Lung-RADS 4B = priority 80).
      await seedAiResult(archive, S2, chestCtResult(S2, { lungRads: '4B' }), { analyzerId: 'test-triage' });
      // S6: an analyzer in shadow mode → readers must not see it (status stays unread, no badges).
      await seedAiResult(archive, S6, chestCtResult(S6, { lungRads: '4X' }), { analyzerId: 'test-shadow' });
      for (const [analyzerId, mode] of [
        ['test-triage', 'triage'],
        ['test-shadow', 'shadow'],
      ] as const) {
        const res = await fx.app.inject({
          method: 'PUT',
          url: '/api/admin/autonomy',
          headers: { cookie: cookies.boss ?? '' },
          payload: { analyzerId, institution: 'SITE-A', mode },
        });
        expect(res.statusCode).toBe(200);
      }
      // S7 (SITE-B, chest CT analyzer in triage there): a 34 mm mass → the configured critical-finding
      // rule notifies (real oversight service) → priority 100 and a critical badge.
      const massResult = await seedAiResult(archive, S7, chestCtResult(S7, { mass: true, lungRads: '4B' }));
      const triageB = await fx.app.inject({
        method: 'PUT',
        url: '/api/admin/autonomy',
        headers: { cookie: cookies.boss ?? '' },
        payload: { analyzerId: 'lingshu-chest-ct', institution: 'SITE-B', mode: 'triage' },
      });
      expect(triageB.statusCode).toBe(200);
      expect((await fx.ctx.platform.oversight.onResultStored(massResult)).length).toBeGreaterThan(0);
      fx.ctx.events.on('study-lock', (e) => lockEvents.push(e));
    }, 60_000);

    afterAll(async () => {
      await fx?.close();
    });

    const list = async (user: string, query = ''): Promise<WorklistPage> => {
      const res = await fx.app.inject({
        method: 'GET',
        url: `/api/worklist${query}`,
        headers: { cookie: cookies[user] ?? '' },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as WorklistPage;
    };
    const order = (page: WorklistPage) => page.rows.map((r) => NAMES[r.studyInstanceUID]);

    it('sorts by AI priority (triage only), then oldest first; tenancy in SQL', async () => {
      const page = await list('rad-a');
      expect(order(page)).toEqual(['S2', 'S1', 'S3', 'S6', 'S5']);
      expect(page.total).toBe(5);
      const byUid = new Map(page.rows.map((r) => [r.studyInstanceUID, r]));
      expect(byUid.get(S2)?.aiPriority).toBe(80);
      expect(byUid.get(S1)?.aiPriority).toBe(0); // assist: shown, not reordered
      expect(byUid.get(S5)?.shared).toBe(true);
      expect(byUid.get(S1)?.shared).toBe(false);
      expect(byUid.get(S1)?.institution).toEqual({ code: 'SITE-A', name: '甲医院', nameEn: '' });
      expect(byUid.get(S1)?.patientName).toEqual({
        alphabetic: 'Zhang^San',
        ideographic: '张^三',
        phonetic: 'zhāng^sān',
      });
      expect(byUid.get(S1)?.ageYears).toBe(66);
      const siteB = await list('rad-b');
      expect(order(siteB)).toEqual(['S7', 'S4', 'S5']);
      expect(siteB.rows[0]?.aiPriority).toBe(100);
      expect(siteB.rows[0]?.badges.map((x) => x.kind)).toEqual(['critical', 'nodule', 'infection', 'emphysema']);
      expect((await list('boss')).total).toBe(7);
    });

    it('derives status and badges from visible AI results (shadow hidden from readers)', async () => {
      const page = await list('rad-a');
      const byUid = new Map(page.rows.map((r) => [r.studyInstanceUID, r]));
      expect(byUid.get(S1)?.status).toBe('ai-done');
      expect(byUid.get(S1)?.badges).toEqual([
        { kind: 'nodule', label: '肺结节 4A', labelEn: 'Nodule 4A', severity: 'high' },
        { kind: 'infection', label: '感染 18 %', labelEn: 'Infection 18 %', severity: 'medium' },
        { kind: 'emphysema', label: '肺气肿 12.3 %', labelEn: 'Emphysema 12.3 %', severity: 'low' },
      ]);
      expect(byUid.get(S6)?.status).toBe('unread');
      expect(byUid.get(S6)?.badges).toEqual([]);
      expect(byUid.get(S3)?.status).toBe('unread');
      // Admins see shadow results (monitoring).
      const admin = new Map((await list('boss')).rows.map((r) => [r.studyInstanceUID, r]));
      expect(admin.get(S6)?.status).toBe('ai-done');
      expect(admin.get(S6)?.badges[0]?.label).toBe('肺结节 4X');
    });

    it('filters by status, modality, date, site and text (Chinese, pinyin, ID, accession)', async () => {
      expect(order(await list('rad-a', '?status=ai-done'))).toEqual(['S2', 'S1']);
      expect(order(await list('rad-a', '?status=unread,ai-done&modality=MR'))).toEqual(['S3']);
      expect(order(await list('rad-a', '?from=20261101&to=20261101'))).toEqual(['S3']);
      expect(order(await list('rad-a', '?site=SITE-B'))).toEqual(['S5']);
      expect(order(await list('rad-a', `?q=${encodeURIComponent('张')}`))).toEqual(['S1']);
      expect(order(await list('rad-a', `?q=${encodeURIComponent('张三')}`))).toEqual(['S1']);
      expect(order(await list('rad-a', '?q=zhang'))).toEqual(['S1']);
      expect(order(await list('rad-a', '?q=ZhangSan'))).toEqual(['S1']);
      expect(order(await list('rad-a', `?q=${encodeURIComponent('zhāng')}`))).toEqual(['S1']);
      expect(order(await list('rad-a', '?q=san'))).toEqual(['S1']);
      expect(order(await list('rad-a', '?q=pid-003'))).toEqual(['S3']);
      expect(order(await list('rad-a', '?q=ACC-6'))).toEqual(['S6']);
      expect(order(await list('rad-a', `?q=${encodeURIComponent('赵')}`))).toEqual([]); // SITE-B, not shared
      expect(order(await list('rad-a', '?q=100%25'))).toEqual([]); // LIKE metacharacters are literal
      const page = await list('rad-a', '?limit=2&offset=1');
      expect(order(page)).toEqual(['S1', 'S3']);
      expect(page.total).toBe(5);
    });

    it('answers 400 naming the bad parameter', async () => {
      for (const [query, parameter] of [
        ['?status=done', 'status'],
        ['?from=20261340', 'from'],
        ['?from=20261201&to=20261101', 'from'],
        ['?limit=0', 'limit'],
        ['?offset=-1', 'offset'],
        ['?modality=C%20T', 'modality'],
        ['?bogus=1', 'bogus'],
      ] as const) {
        const res = await fx.app.inject({
          method: 'GET',
          url: `/api/worklist${query}`,
          headers: { cookie: cookies['rad-a'] ?? '' },
        });
        expect(res.statusCode, query).toBe(400);
        expect(res.json().error.details.parameter, query).toBe(parameter);
      }
      const anon = await fx.app.inject({ method: 'GET', url: '/api/worklist' });
      expect(anon.statusCode).toBe(401);
    });

    it('locks: a colleague sees the holder, cannot take it, and it expires without heartbeat', async () => {
      const lock = (user: string, uid: string, method: 'POST' | 'DELETE' = 'POST') =>
        fx.app.inject({ method, url: `/api/studies/${uid}/lock`, headers: { cookie: cookies[user] ?? '' } });
      const first = await lock('rad-a', S1);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ mine: true, lock: { lockedBy: '王医生', studyInstanceUID: S1 } });
      const since = first.json().lock.since as string;
      // Heartbeat keeps `since`.
      const beat = await lock('rad-a', S1);
      expect(beat.json().lock.since).toBe(since);
      expect(lockEvents.filter((e) => e.studyInstanceUID === S1 && e.state === 'acquired')).toHaveLength(1);

      const row = (await list('rad-a2')).rows.find((r) => r.studyInstanceUID === S1);
      expect(row?.lock).toMatchObject({ user: '王医生', since });
      expect((await list('rad-a')).rows.find((r) => r.studyInstanceUID === S1)?.lock).toBeNull(); // own lock
      const taken = await lock('rad-a2', S1);
      expect(taken.statusCode).toBe(409);
      expect(taken.json().error).toMatchObject({ code: 'STUDY_LOCKED', details: { lockedBy: '王医生', since } });
      // Another site cannot even see the study.
      expect((await lock('rad-b', S1)).statusCode).toBe(404);

      // No heartbeat for more than 2 minutes: the lock lapses.
      await fx.archive.index.executeSql(
        `UPDATE study_locks SET heartbeat_at = now() - interval '121 seconds' WHERE study_uid = $1`,
        [S1],
      );
      expect((await list('rad-a2')).rows.find((r) => r.studyInstanceUID === S1)?.lock).toBeNull();
      expect(await fx.ctx.platform.worklist.locks.sweep()).toBe(1);
      expect(lockEvents.at(-1)).toMatchObject({ studyInstanceUID: S1, state: 'expired', lockedBy: '王医生' });
      const second = await lock('rad-a2', S1);
      expect(second.statusCode).toBe(200);
      expect(second.json().lock.lockedBy).toBe('rad-a2');
      expect((await lock('rad-a2', S1, 'DELETE')).statusCode).toBe(204);
      expect(lockEvents.at(-1)).toMatchObject({ studyInstanceUID: S1, state: 'released' });
      expect(await fx.ctx.platform.worklist.locks.current(S1)).toBeUndefined();
    });

    it('sends study-lock events on the live stream to colleagues who can see the study', async () => {
      const base = await fx.app.listen({ port: 0, host: '127.0.0.1' });
      const open = async (user: string) => {
        const res = await fetch(`${base}/api/events`, { headers: { cookie: cookies[user] ?? '' } });
        expect(res.status).toBe(200);
        const reader = res.body?.getReader();
        if (!reader) throw new Error('no body');
        let text = '';
        return {
          /** Reads until `pattern` appears (or fails after 5 s). */
          async until(pattern: RegExp): Promise<string> {
            const deadline = Date.now() + 5000;
            while (!pattern.test(text)) {
              if (Date.now() > deadline) throw new Error(`no ${pattern} in ${text}`);
              const chunk = await Promise.race([
                reader.read(),
                new Promise<{ value: undefined; done: false }>((r) =>
                  setTimeout(() => r({ value: undefined, done: false }), 500),
                ),
              ]);
              if (chunk.value) text += new TextDecoder().decode(chunk.value);
            }
            return text;
          },
          cancel: () => reader.cancel(),
        };
      };
      const colleague = await open('rad-a2');
      const otherSite = await open('rad-b');
      await new Promise((r) => setTimeout(r, 200));
      const lock = (user: string, uid: string, method: 'POST' | 'DELETE' = 'POST') =>
        fx.app.inject({ method, url: `/api/studies/${uid}/lock`, headers: { cookie: cookies[user] ?? '' } });
      expect((await lock('rad-a', S3)).statusCode).toBe(200);
      const seen = await colleague.until(/event: study-lock\nid: \d+\ndata: .*"state":"acquired"/);
      const data = JSON.parse(/event: study-lock\nid: \d+\ndata: (.*)\n/.exec(seen)?.[1] ?? '{}');
      expect(data).toMatchObject({ studyInstanceUID: S3, state: 'acquired', lockedBy: '王医生' });
      // rad-b (SITE-B) cannot see S3: its first study-lock event is the one for the shared S5.
      expect((await lock('rad-b', S5)).statusCode).toBe(200);
      const b = await otherSite.until(/event: study-lock/);
      expect(b).toContain(S5);
      expect(b).not.toContain(S3);
      expect((await lock('rad-a', S3, 'DELETE')).statusCode).toBe(204);
      await colleague.until(/"state":"released"/);
      await colleague.cancel();
      await otherSite.cancel();
    });
  },
);
