import type { Report } from '@lingshu/clinical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from '../auth/testing.js';
import type { ServerEventMap } from '../context.js';
import { chestCtResult, seedAiResult, seedStudy } from '../worklist/testing.js';
import type { StoredReport } from './service.js';

/**
 * Report service over the real app with real logins and re-authentication (PGlite, and
 * PostgreSQL when DATABASE_URL is set). AI results are inserted ai_results rows with a realistic
 * chest CT AnalysisResult JSON (not produced by running the analyzer); readers' verdicts go
 * through the real review API.
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: report tests on PostgreSQL need DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];

const ST = '1.2.826.0.1.3680043.10.902.1';
const ST_PENDING = '1.2.826.0.1.3680043.10.902.2';
const ST_DRAFT_MODE = '1.2.826.0.1.3680043.10.902.3';

describe.each(backends)(
  'report flow on $name (AI results: inserted ai_results rows of realistic AnalysisResult JSON)',
  ({ name }) => {
    let fx: AuthFixture;
    const cookies: Record<string, string> = {};
    const signed: Array<ServerEventMap['report-signed'][0]> = [];
    let resultPk = '';

    const call = (user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      fx.app.inject({
        method,
        url,
        headers: user ? { cookie: cookies[user] ?? '' } : {},
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });

    beforeAll(async () => {
      fx = await openAuthFixture(name === 'PostgreSQL' ? { databaseUrl } : {});
      const { archive } = fx;
      const a = await archive.institutions.create({ code: 'SITE-A', name: '甲医院', kind: 'primary', hubPk: '1' });
      const c = await archive.institutions.create({ code: 'SITE-C', name: '丙医院', kind: 'primary', hubPk: '1' });
      await archive.institutions.create({ code: 'SITE-B', name: '乙医院', kind: 'primary', hubPk: '1' });
      const auth = fx.ctx.platform.auth;
      const users = [
        ['rad-a', 'radiologist', 'SITE-A', '王医生'],
        ['rad-a2', 'radiologist', 'SITE-A', '赵医生'],
        ['res-a', 'resident', 'SITE-A', '李住院'],
        ['ref-a', 'referring', 'SITE-A', '陈医生'],
        ['rad-b', 'radiologist', 'SITE-B', '孙医生'],
        ['rad-c', 'radiologist', 'SITE-C', '周医生'],
      ] as const;
      for (const [username, role, institution, displayName] of users)
        await auth.createUser({ username, role, institution, displayName, password: TEST_PASSWORD });
      await auth.createUser({ username: 'boss', role: 'admin', institution: null, password: TEST_PASSWORD });
      for (const [u] of users) cookies[u] = await fx.login(u);
      cookies.boss = await fx.login('boss');

      const common = {
        sex: 'M',
        birthDate: '19600315',
        studyDate: '20261120',
        description: '胸部CT平扫',
        bodyPart: 'CHEST',
      };
      await seedStudy(archive, {
        ...common,
        uid: ST,
        patientKey: 'r1',
        patientId: 'R-1',
        name: 'Zhang^San=张^三',
        institutionPk: a.pk,
      });
      await seedStudy(archive, {
        ...common,
        uid: ST_PENDING,
        patientKey: 'r2',
        patientId: 'R-2',
        name: 'Li^Si=李^四',
        institutionPk: a.pk,
      });
      await seedStudy(archive, {
        ...common,
        uid: ST_DRAFT_MODE,
        patientKey: 'r3',
        patientId: 'R-3',
        name: 'Wang^Wu=王^五',
        sex: 'F',
        institutionPk: c.pk,
      });
      resultPk = await seedAiResult(archive, ST, chestCtResult(ST));
      await seedAiResult(archive, ST_PENDING, chestCtResult(ST_PENDING));
      await seedAiResult(archive, ST_DRAFT_MODE, chestCtResult(ST_DRAFT_MODE, { lungRads: '2' }));
      const mode = await call('boss', 'PUT', '/api/admin/autonomy', {
        analyzerId: 'lingshu-chest-ct',
        institution: 'SITE-C',
        mode: 'draft',
      });
      expect(mode.statusCode).toBe(200);

      // The reader's verdicts on ST (assist mode): accept, edit, reject, accept, and one added finding.
      const review = (findingId: string, body: unknown) =>
        call('rad-a', 'POST', `/api/ai-results/${resultPk}/findings/${findingId}/review`, body);
      expect((await review('nodule-1', { action: 'accept' })).statusCode).toBe(201);
      expect(
        (await review('nodule-2', { action: 'edit', changes: { longAxisMm: 8, shortAxisMm: 6, meanDiameterMm: 7 } }))
          .statusCode,
      ).toBe(201);
      expect((await review('emphysema', { action: 'reject', reason: 'motion artefact' })).statusCode).toBe(201);
      expect((await review('infection', { action: 'accept' })).statusCode).toBe(201);
      const added = await call('rad-a', 'POST', `/api/ai-results/${resultPk}/findings`, {
        finding: {
          type: 'nodule',
          lobe: 'RML',
          noduleType: 'solid',
          longAxisMm: 5,
          shortAxisMm: 4,
          meanDiameterMm: 4.5,
        },
      });
      expect(added.statusCode).toBe(201);
      // A second added finding, withdrawn: it must not reach the draft.
      const mistake = await call('rad-a', 'POST', `/api/ai-results/${resultPk}/findings`, {
        finding: { type: 'nodule', lobe: 'LUL', noduleType: 'solid', longAxisMm: 14, shortAxisMm: 12 },
      });
      expect(mistake.statusCode).toBe(201);
      const withdrawn = await fx.app.inject({
        method: 'DELETE',
        url: `/api/ai-results/${resultPk}/findings/${mistake.json().findingId}`,
        headers: { cookie: cookies['rad-a'] ?? '' },
      });
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      fx.ctx.events.on('report-signed', (e) => signed.push(e));
    }, 120_000);

    afterAll(async () => {
      await fx?.close();
    });

    const url = (uid: string, rest = '') => `/api/studies/${uid}/report${rest}`;

    it('drafts from accepted, edited and added findings only, with patient facts from the index', async () => {
      expect((await call('res-a', 'GET', url(ST))).json().error.code).toBe('REPORT_NOT_FOUND');
      const res = await call('res-a', 'POST', url(ST), { language: 'zh-CN' });
      expect(res.statusCode, res.body).toBe(201);
      const stored = res.json() as StoredReport;
      expect(stored).toMatchObject({ status: 'draft', version: 1, templateId: 'chest-ct', language: 'zh-CN' });
      expect(stored.prefill.map((p) => `${p.findingId}:${p.source}`).sort()).toEqual(
        [
          'nodule-1:accepted',
          'nodule-2:edited',
          'infection:accepted',
          `${stored.prefill.find((p) => p.source === 'added')?.findingId}:added`,
        ].sort(),
      );
      const report = stored.report;
      expect(report.structured.patient).toEqual({ sex: 'M', ageYears: 66 });
      expect(report.structured.findings.map((f) => f.kind).sort()).toEqual(['infection', 'nodule', 'nodule', 'nodule']);
      const edited = report.structured.findings.find((f) => f.id === 'nodule-2');
      expect(edited).toMatchObject({ edited: true, longAxisMm: 8, meanDiameterMm: 7, lobe: 'LLL' });
      expect(report.sections.method).toContain('1.25 mm');
      expect(report.sections.method).toContain('B70f');
      expect(report.sections.findings).toContain('右肺上叶');
      expect(report.sections.findings).toContain('9.2×7.4');
      expect(report.sections.findings).toContain('右肺中叶实性结节，大小 5.0×4.0 mm'); // the reader-added nodule
      // The reader's edit of nodule-2 (AI: 7.0×5.0 mm, mean 6.0 mm), not the AI's size.
      expect(report.sections.findings).toContain('左肺下叶磨玻璃结节，大小 8.0×6.0 mm，平均径 7.0 mm');
      expect(report.sections.findings).not.toContain('7.0×5.0');
      expect(report.sections.findings).toContain('感染');
      expect(report.sections.findings).not.toContain('肺气肿'); // rejected
      expect(report.sections.findings).not.toContain('左肺上叶'); // added, then withdrawn
      expect(report.sections.impression).toContain('Lung-RADS 4A');
      expect((await call('rad-a', 'POST', url(ST), {})).json().error.code).toBe('REPORT_EXISTS');
    });

    it('keeps drafts from referring clinicians and other sites', async () => {
      expect((await call('ref-a', 'GET', url(ST))).json().error.code).toBe('REPORT_NOT_FOUND');
      const other = await call('rad-b', 'GET', url(ST));
      expect(other.statusCode).toBe(404);
      expect(other.json().error.code).toBe('HTTP_NOT_FOUND');
      expect((await call('ref-a', 'POST', url(ST_PENDING), {})).statusCode).toBe(403);
      expect((await call(null, 'GET', url(ST))).statusCode).toBe(401);
    });

    it('says nothing about nodules while AI proposals are pending (assist, no verdicts)', async () => {
      const res = await call('rad-a', 'POST', url(ST_PENDING), { language: 'en' });
      expect(res.statusCode).toBe(201);
      const stored = res.json() as StoredReport;
      expect(stored.prefill).toEqual([]);
      expect(stored.report.structured.nodulesAssessed).toBe(false);
      expect(stored.report.sections.findings).not.toMatch(/nodule/i);
    });

    it('lets exactly one of two concurrent autosaves of the same version win', async () => {
      const save = (text: string) =>
        call('rad-a', 'PUT', url(ST_PENDING, '/draft'), { version: 1, sections: { findings: text } });
      const results = await Promise.all([save('A'), save('B')]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.statusCode === 409);
      expect(loser?.json().error.code).toBe('REPORT_VERSION_CONFLICT');
      const versions = await call('rad-a', 'GET', url(ST_PENDING, '/versions'));
      expect(versions.json().versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    });

    it('prefills unreviewed findings when the analyzer runs in draft mode', async () => {
      const res = await call('rad-c', 'POST', url(ST_DRAFT_MODE), {});
      expect(res.statusCode).toBe(201);
      const stored = res.json() as StoredReport;
      expect(stored.prefill.map((p) => p.source)).toEqual(['draft-mode', 'draft-mode', 'draft-mode', 'draft-mode']);
      expect(stored.report.structured.patient.sex).toBe('F');
      expect(stored.report.sections.findings).toContain('肺气肿');
    });

    it('autosaves with optimistic concurrency and refuses writes while a colleague holds the lock', async () => {
      const save = (user: string, version: number, sections: Record<string, string>) =>
        call(user, 'PUT', url(ST, '/draft'), { version, sections });
      const first = await save('res-a', 1, { findings: '右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4A。' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().version).toBe(2);
      const stale = await save('rad-a', 1, { findings: 'x' });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatchObject({ code: 'REPORT_VERSION_CONFLICT', details: { version: 2 } });
      expect(
        (await call('res-a', 'PUT', url(ST, '/draft'), { sections: { findings: 'x' } })).json().error.details.parameter,
      ).toBe('version');
      expect((await call('res-a', 'PUT', url(ST, '/draft'), { version: 2, sections: { bogus: 'x' } })).statusCode).toBe(
        400,
      );

      expect((await call('rad-a2', 'POST', `/api/studies/${ST}/lock`)).statusCode).toBe(200);
      const locked = await save('res-a', 2, { impression: 'x' });
      expect(locked.statusCode).toBe(409);
      expect(locked.json().error).toMatchObject({ code: 'STUDY_LOCKED', details: { lockedBy: '赵医生' } });
      expect(
        (
          await fx.app.inject({
            method: 'DELETE',
            url: `/api/studies/${ST}/lock`,
            headers: { cookie: cookies['rad-a2'] ?? '' },
          })
        ).statusCode,
      ).toBe(204);

      // An impression without the 4A nodule and a wrong category: QC warns (missing nodule) and blocks (category).
      const second = await save('res-a', 2, { impression: '1. 肺内感染性病变可能。Lung-RADS 2。' });
      expect(second.json().version).toBe(3);
      const qc = await call('res-a', 'POST', url(ST, '/qc'));
      expect(qc.statusCode).toBe(200);
      const codes = (qc.json().issues as Array<{ code: string; severity: string }>).map(
        (i) => `${i.code}:${i.severity}`,
      );
      expect(codes).toContain('nodule-missing-from-impression:warn');
      expect(codes).toContain('category-mismatch:block');
      expect(qc.json().passed).toBe(false);
      // Worklist shows the study in progress.
      const wl = await call('rad-a', 'GET', '/api/worklist?status=in-progress');
      expect(wl.json().rows.map((r: { studyInstanceUID: string }) => r.studyInstanceUID)).toContain(ST);
    });

    it('signs only with report:sign and a recent re-authentication; QC blocks without a reason', async () => {
      const sign = (user: string | null, body: unknown = {}) => call(user, 'POST', url(ST, '/sign'), body);
      const resident = await sign('res-a');
      expect(resident.statusCode).toBe(403);
      expect(resident.json().error.code).toBe('AUTH_FORBIDDEN');
      expect((await sign(null)).statusCode).toBe(401);
      const noReauth = await sign('rad-a');
      expect(noReauth.statusCode).toBe(403);
      expect(noReauth.json().error.code).toBe('AUTH_REAUTH_REQUIRED');
      const reauth = await call('rad-a', 'POST', '/api/auth/reauth', { password: TEST_PASSWORD });
      expect(reauth.statusCode).toBe(200);
      const blocked = await sign('rad-a');
      expect(blocked.statusCode).toBe(422);
      expect(blocked.json().error.code).toBe('REPORT_QC_BLOCKED');
      expect(signed).toHaveLength(0);
      const ok = await sign('rad-a', { overrideReason: '临床已知，随访中' });
      expect(ok.statusCode, ok.body).toBe(200);
      const stored = ok.json() as StoredReport;
      expect(stored).toMatchObject({ status: 'signed', version: 4, signer: { name: '王医生' } });
      expect(stored.signedAt).not.toBeNull();
      const signature = stored.report.versions.at(-1);
      expect(signature).toMatchObject({ kind: 'signature', qc: { blocked: true, overrideReason: '临床已知，随访中' } });
      expect(signed).toEqual([{ studyInstanceUID: ST, reportPk: stored.pk, institutionPk: stored.institutionPk }]);
      expect((await fx.ctx.platform.reports.byPk(stored.pk))?.status).toBe('signed');
      // Signed: no more draft edits, no second signature.
      expect(
        (await call('rad-a', 'PUT', url(ST, '/draft'), { version: 4, sections: { impression: 'x' } })).json().error
          .code,
      ).toBe('REPORT_ALREADY_SIGNED');
      expect((await sign('rad-a')).json().error.code).toBe('REPORT_ALREADY_SIGNED');
      // Referring clinicians see signed reports.
      expect((await call('ref-a', 'GET', url(ST))).statusCode).toBe(200);
    });

    it('adds addenda (sign permission) and keeps every version immutable', async () => {
      expect((await call('res-a', 'POST', url(ST, '/addenda'), { text: '补充' })).statusCode).toBe(403);
      expect((await call('rad-a', 'POST', url(ST, '/addenda'), {})).statusCode).toBe(400);
      const add = await call('rad-a', 'POST', url(ST, '/addenda'), { text: '补充：右肺中叶结节为新发。' });
      expect(add.statusCode, add.body).toBe(201);
      const stored = add.json() as StoredReport;
      expect(stored.status).toBe('amended');
      expect((stored.report as Report).addenda[0]?.text).toBe('补充：右肺中叶结节为新发。');

      const versions = await call('ref-a', 'GET', url(ST, '/versions'));
      expect(versions.statusCode).toBe(200);
      const list = versions.json().versions as Array<{
        number: number;
        kind: string;
        authorId: string;
        content: { sections: { impression: string } };
      }>;
      expect(list.map((v) => v.kind)).toEqual(['draft', 'draft', 'draft', 'signature', 'addendum']);
      expect(list.map((v) => v.number)).toEqual([1, 2, 3, 4, 5]);
      expect(list[2]?.content.sections.impression).toBe('1. 肺内感染性病变可能。Lung-RADS 2。');
      for (const statement of [
        `UPDATE report_versions SET content = '{}'::jsonb`,
        `DELETE FROM report_versions`,
        `TRUNCATE report_versions`,
      ])
        await expect(fx.archive.index.executeSql(statement)).rejects.toThrow(/append-only/);
      const wl = await call('rad-a', 'GET', '/api/worklist?status=signed');
      expect(wl.json().rows.map((r: { studyInstanceUID: string }) => r.studyInstanceUID)).toEqual([ST]);
    });
  },
);
