import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from '../auth/testing.js';
import { encodeMultipart } from '../multipart/testing.js';
import { testInstance } from '../testing/instances.js';
import { type AuditRow, hashRecord } from './chain.js';
import { auditDb } from './table.js';
import { verifyChain } from './verify.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: audit hooks on PostgreSQL need DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];

const BOUNDARY = 'audit-test-boundary';

describe.each(backends)('audited DICOMweb and admin API on $name', ({ name }) => {
  let fx: AuthFixture;
  let radiologist: string;
  let adminToken: string;
  let studyUid = '';

  /** Events of one actor once the after-response hooks have written them. */
  async function eventsOf(actor: string, atLeast: number): Promise<AuditRow[]> {
    for (let i = 0; i < 50; i++) {
      await fx.ctx.platform.audit.flush();
      const res = await fx.app.inject({
        url: `/api/admin/audit?user=${actor}&limit=100`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      // The login (recorded by the auth area) is not what these tests look at.
      const rows = (res.json() as { events: AuditRow[] }).events.filter(
        (e) => (e.actorName === actor || e.actorName?.startsWith(`${actor}/`)) && e.action !== 'login',
      );
      if (rows.length >= atLeast) return rows.reverse();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fewer than ${atLeast} events of ${actor}`);
  }

  beforeAll(async () => {
    fx = await openAuthFixture(name === 'PostgreSQL' ? { databaseUrl } : {});
    const auth = fx.ctx.platform.auth;
    const admin = await auth.createUser({ username: 'auditor', role: 'admin', password: TEST_PASSWORD });
    await auth.createUser({ username: 'dr.wang', role: 'radiologist', password: TEST_PASSWORD });
    adminToken = (await auth.createToken(admin.id, { name: 'audit-test' })).token;
    radiologist = await fx.login('dr.wang');
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
  });

  it('STOW, QIDO and WADO each leave one event with its ATNA code, study and actor', async () => {
    const parts = [1, 2].map((i) => ({
      headers: { 'content-type': 'application/dicom' },
      body: testInstance({ study: 'aud', series: 's1', instance: `aud-${i}`, patientId: 'P-AUD' }),
    }));
    const stow = await fx.app.inject({
      method: 'POST',
      url: '/dicomweb/studies',
      headers: {
        cookie: radiologist,
        'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
      },
      payload: Buffer.from(encodeMultipart(parts, BOUNDARY)),
    });
    expect(stow.statusCode, stow.body).toBe(200);
    const qido = await fx.app.inject({ url: '/dicomweb/studies?PatientID=P-AUD', headers: { cookie: radiologist } });
    expect(qido.statusCode).toBe(200);
    studyUid = String((qido.json() as Array<Record<string, { Value: string[] }>>)[0]?.['0020000D']?.Value[0]);
    const wado = await fx.app.inject({
      url: `/dicomweb/studies/${studyUid}/metadata`,
      headers: { cookie: radiologist, accept: 'application/dicom+json' },
    });
    expect(wado.statusCode).toBe(200);

    const [write, query, read] = await eventsOf('dr.wang', 3);
    const common = { actorKind: 'user', role: 'radiologist', address: '127.0.0.1', outcome: 'success' };
    expect(write).toMatchObject({
      ...common,
      action: 'write',
      eventCode: 'DCM 110104',
      eventName: 'DICOM Instances Transferred',
      eventAction: 'C',
      via: 'POST /dicomweb/studies',
      studyUids: [studyUid],
      detail: { status: 200, stored: 2, failed: 0 },
    });
    expect(query).toMatchObject({
      ...common,
      action: 'query',
      eventCode: 'DCM 110112',
      eventAction: 'E',
      via: 'GET /dicomweb/studies',
      studyUids: [studyUid],
      patientId: 'P-AUD',
      detail: { level: 'STUDY', results: 1 },
    });
    expect(read).toMatchObject({
      ...common,
      action: 'read',
      eventCode: 'DCM 110103',
      eventAction: 'R',
      via: 'GET /dicomweb/studies/:study/metadata',
      resourceType: 'study',
      studyUids: [studyUid],
    });
  }, 60_000);

  it('records refused requests as failures', async () => {
    const anonymous = await fx.app.inject({ url: `/dicomweb/studies/${studyUid}/metadata` });
    expect(anonymous.statusCode).toBe(401);
    await fx.ctx.platform.audit.flush();
    const rows = await auditDb(fx.archive)
      .selectFrom('audit_log')
      .select(['outcome', 'actor_name', 'event_code', 'detail'])
      .where('via', '=', 'GET /dicomweb/studies/:study/metadata')
      .where('outcome', '=', 'failure')
      .execute();
    expect(rows).toEqual([{ outcome: 'failure', actor_name: null, event_code: 'DCM 110103', detail: { status: 401 } }]);
  });

  it('admin API: filters, cursor paging, patient via its studies, NDJSON export; reading is audited', async () => {
    const bearer = { authorization: `Bearer ${adminToken}` };
    const page1 = await fx.app.inject({ url: '/api/admin/audit?user=dr.wang&limit=2', headers: bearer });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json() as { events: AuditRow[]; nextCursor: string | null };
    expect(p1.events.map((e) => e.action)).toEqual(['read', 'query']);
    expect(p1.nextCursor).toBe(String(p1.events[1]?.seq));
    const page2 = await fx.app.inject({
      url: `/api/admin/audit?user=dr.wang&limit=2&cursor=${p1.nextCursor}`,
      headers: bearer,
    });
    expect((page2.json() as { events: AuditRow[] }).events.map((e) => e.action)).toEqual(['write', 'login']);

    // The patient filter finds the WADO read and the STOW through the patient's study.
    const byPatient = await fx.app.inject({ url: '/api/admin/audit?patient=P-AUD&action=read', headers: bearer });
    const reads = (byPatient.json() as { events: AuditRow[] }).events;
    expect(reads.some((e) => e.via === 'GET /dicomweb/studies/:study/metadata' && e.actorName === 'dr.wang')).toBe(
      true,
    );

    const bad = await fx.app.inject({ url: '/api/admin/audit?from=last-week', headers: bearer });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'HTTP_BAD_PARAMETER', details: { parameter: 'from' } } });
    const forbidden = await fx.app.inject({ url: '/api/admin/audit', headers: { cookie: radiologist } });
    expect(forbidden.statusCode).toBe(403);

    await eventsOf('dr.wang', 4);
    const exported = await fx.app.inject({ url: '/api/admin/audit/export?user=dr.wang', headers: bearer });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.body
      .split('\n')
      .filter((l) => l)
      .map((l) => JSON.parse(l) as AuditRow);
    expect(lines.map((l) => [l.action, l.outcome])).toEqual([
      ['login', 'success'],
      ['write', 'success'],
      ['query', 'success'],
      ['read', 'success'],
      // dr.wang's refused look at the audit trail (403) is in it too.
      ['read', 'failure'],
    ]);
    expect(lines[4]).toMatchObject({ eventCode: 'DCM 110101', resourceId: 'audit-log', detail: { status: 403 } });
    for (const l of lines) expect(hashRecord(l)).toBe(l.hash);

    const used = (await eventsOf('auditor', 6)).filter((e) => e.eventCode === 'DCM 110101');
    expect(used.length).toBeGreaterThanOrEqual(5);
    expect(used.find((e) => e.patientId === 'P-AUD')).toMatchObject({
      action: 'read',
      eventAction: 'R',
      actorKind: 'token',
      resourceId: 'audit-log',
    });
    expect(await verifyChain(auditDb(fx.archive))).toMatchObject({ ok: true });
  }, 60_000);

  it("an administrator bound to an institution sees only that institution's events", async () => {
    const site = await fx.archive.institutions.create({ code: 'SITE-AUD', name: '审计分院' });
    const auth = fx.ctx.platform.auth;
    const siteAdmin = await auth.createUser({
      username: 'site.admin',
      role: 'admin',
      institution: 'SITE-AUD',
      password: TEST_PASSWORD,
    });
    await auth.createUser({
      username: 'site.tech',
      role: 'technician',
      institution: 'SITE-AUD',
      password: TEST_PASSWORD,
    });
    const tech = await fx.login('site.tech');
    const q = await fx.app.inject({ url: '/dicomweb/studies', headers: { cookie: tech } });
    expect(q.statusCode).toBe(200);
    const token = (await auth.createToken(siteAdmin.id, { name: 'site-audit' })).token;
    await eventsOf('site.tech', 1);
    const res = await fx.app.inject({
      url: '/api/admin/audit?limit=1000',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const events = (res.json() as { events: AuditRow[] }).events;
    expect(events.some((e) => e.actorName === 'site.tech' && e.action === 'query')).toBe(true);
    expect(events.every((e) => e.institutionPk === site.pk)).toBe(true);
    expect(events.some((e) => e.actorName === 'dr.wang')).toBe(false);
  }, 60_000);
});
