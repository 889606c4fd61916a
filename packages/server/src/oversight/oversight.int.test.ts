import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import { uidFromName } from '@lingshu/dicom';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../auth/credentials.js';
import { installAuthGuard } from '../auth/guard.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../config.js';
import type { ServerContext } from '../context.js';
import { registerEventStream } from '../events/sse.js';
import { installErrorHandling } from '../http/errors.js';
import { parseExposition } from '../metrics/exposition.js';
import { registerMetrics } from '../metrics/routes.js';
import { openContext } from '../platform/open.js';
import { dropSchemaStatements, testInstance, testSchema } from '../testing/instances.js';
import { registerOversightRoutes } from './routes.js';
import { insertTestResult, testFinding } from './testing.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: oversight on PostgreSQL needs DATABASE_URL; running on PGlite only');
const backends = [
  { name: 'PGlite', onPostgres: false },
  ...(databaseUrl ? [{ name: 'PostgreSQL', onPostgres: true }] : []),
];

const ANALYZER = 'lingshu-chest-ct';

interface Fixture {
  dir: string;
  ctx: ServerContext;
  app: FastifyInstance;
  url: string;
  schema: string | undefined;
  siteA: string;
  studyHub: string;
  studySite: string;
  metricsToken: string;
}

/** Session cookies by user name (real sessions of the auth service). */
const cookies = new Map<string, string>();
function basic(user: string): Record<string, string> {
  const cookie = cookies.get(user);
  if (!cookie) throw new Error(`no session for ${user}`);
  return { cookie: `${SESSION_COOKIE}=${cookie}` };
}

async function open(onPostgres: boolean): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'lingshu-oversight-'));
  const schema = onPostgres ? testSchema() : undefined;
  const config: ServerConfig = {
    ...DEFAULT_SERVER_CONFIG,
    dataDir: dir,
    httpPort: 0,
    dicomPort: null,
    demo: false,
    aiWorkers: 0,
    ...(onPostgres && databaseUrl ? { databaseUrl, dbSchema: schema } : {}),
  };
  const archive = await Archive.open({
    dataDir: dir,
    ...(onPostgres && databaseUrl ? { databaseUrl, schema } : {}),
  });
  const ctx = await openContext(archive, config, pino({ level: 'silent' }));
  const { rows } = (await archive.index.executeSql(
    `INSERT INTO institutions (code, name, kind, hub_pk) VALUES ('SITE-A', '甲卫生院', 'primary', 1) RETURNING pk::text AS pk`,
  )) as { rows: Array<{ pk: string }> };
  const siteA = rows[0]?.pk as string;
  await archive.store({ bytes: testInstance({ study: 'hub', series: 'h1', instance: 'h1.1' }) });
  await archive.store({ bytes: testInstance({ study: 'site', series: 's1', instance: 's1.1' }) });
  const studyHub = uidFromName('st:hub');
  const studySite = uidFromName('st:site');
  await archive.index.executeSql('UPDATE studies SET institution_pk = $1 WHERE study_uid = $2', [siteA, studySite]);
  const auth = ctx.platform.auth;
  const users: Array<[string, 'admin' | 'radiologist' | 'qc' | 'technician', string | undefined]> = [
    ['admin1', 'admin', undefined],
    ['rad-hub', 'radiologist', 'default'],
    ['rad-hub2', 'radiologist', 'default'],
    ['rad-site', 'radiologist', 'SITE-A'],
    ['qc1', 'qc', undefined],
    ['tech1', 'technician', 'default'],
  ];
  const pks = new Map<string, string>();
  for (const [username, role, institution] of users) {
    // No password: sign-in is through sessions created here (no password hashing in tests).
    const u = await auth.createUser({ username, role, ...(institution ? { institution } : {}) });
    pks.set(username, u.id);
    cookies.set(username, (await auth.createSession(u.id)).cookieValue);
  }
  const { token } = await auth.createToken(pks.get('qc1') as string, { name: 'prometheus', scopes: ['metrics:read'] });

  const app = Fastify({ logger: false });
  installErrorHandling(app);
  installAuthGuard(app, ctx);
  registerMetrics(app, ctx.platform.metrics);
  registerOversightRoutes(app, ctx.platform.oversight);
  registerEventStream(app, ctx, ctx.platform.oversight, { heartbeatMs: 150, arrivedWindowMs: 500 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { dir, ctx, app, url, schema, siteA, studyHub, studySite, metricsToken: token };
}

async function close(f: Fixture): Promise<void> {
  if (f.app.server.listening) await f.app.close();
  await f.ctx.platform.close();
  await f.ctx.archive.close();
  rmSync(f.dir, { recursive: true, force: true });
  if (f.schema && databaseUrl) {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    for (const sql of dropSchemaStatements(f.schema)) await c.query(sql);
    await c.end();
  }
}

async function call(
  f: Fixture,
  method: string,
  path: string,
  user: string | null,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${f.url}${path}`, {
    method,
    headers: {
      ...(user ? basic(user) : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

interface StreamEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked field by field
  data: any;
}

/** A real HTTP client reading GET /api/events: parsed events, comments and the raw text. */
async function openStream(f: Fixture, user: string) {
  const res = await fetch(`${f.url}/api/events`, { headers: basic(user) });
  if (res.status !== 200 || !res.body) throw new Error(`event stream refused: ${res.status}`);
  const state = { text: '', events: [] as StreamEvent[], comments: [] as string[], ended: false };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      state.text += decoder.decode(value, { stream: true });
      let cut = state.text.indexOf('\n\n');
      while (cut >= 0) {
        const block = state.text.slice(0, cut);
        state.text = state.text.slice(cut + 2);
        const lines = block.split('\n');
        for (const l of lines) if (l.startsWith(':')) state.comments.push(l.slice(1).trim());
        const name = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (name && data) state.events.push({ event: name, data: JSON.parse(data) });
        cut = state.text.indexOf('\n\n');
      }
    }
    state.ended = true;
  })().catch(() => {
    state.ended = true;
  });
  return { res, state, done, cancel: () => reader.cancel() };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const names = (events: StreamEvent[]): string[] => events.map((e) => e.event);

describe.each(backends)('oversight on $name', ({ onPostgres }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await open(onPostgres);
  }, 60_000);
  afterAll(async () => {
    if (f) await close(f);
  });

  it('sets autonomy per analyzer and institution, admins only, with validation', async () => {
    const initial = await call(f, 'GET', '/api/admin/autonomy', 'admin1');
    expect(initial.status).toBe(200);
    expect(initial.json.settings).toEqual([
      expect.objectContaining({ analyzerId: '*', institutionPk: null, mode: 'assist' }),
    ]);
    expect((await call(f, 'GET', '/api/admin/autonomy', 'rad-hub')).status).toBe(403);
    expect(
      (await call(f, 'PUT', '/api/admin/autonomy', 'rad-hub', { analyzerId: ANALYZER, mode: 'draft' })).status,
    ).toBe(403);
    expect((await call(f, 'GET', '/api/admin/autonomy', null)).status).toBe(401);
    const bad = await call(f, 'PUT', '/api/admin/autonomy', 'admin1', { analyzerId: ANALYZER, mode: 'autopilot' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'HTTP_BAD_PARAMETER']);
    const unknownSite = await call(f, 'PUT', '/api/admin/autonomy', 'admin1', {
      analyzerId: ANALYZER,
      institution: 'NOPE',
      mode: 'triage',
    });
    expect(unknownSite.status).toBe(400);
    const net = await call(f, 'PUT', '/api/admin/autonomy', 'admin1', { analyzerId: ANALYZER, mode: 'triage' });
    expect(net.status).toBe(200);
    expect(net.json).toMatchObject({ analyzerId: ANALYZER, institutionPk: null, mode: 'triage', updatedBy: 'admin1' });
    const site = await call(f, 'PUT', '/api/admin/autonomy', 'admin1', {
      analyzerId: ANALYZER,
      institution: 'SITE-A',
      mode: 'shadow',
    });
    expect(site.json).toMatchObject({ institutionPk: f.siteA, institutionCode: 'SITE-A', mode: 'shadow' });
    // Setting it again updates the row instead of adding one.
    await call(f, 'PUT', '/api/admin/autonomy', 'admin1', {
      analyzerId: ANALYZER,
      institution: 'SITE-A',
      mode: 'shadow',
    });
    expect((await call(f, 'GET', '/api/admin/autonomy', 'admin1')).json.settings).toHaveLength(3);
    expect(await f.ctx.platform.oversight.modeFor(ANALYZER, f.siteA)).toBe('shadow');
    expect(await f.ctx.platform.oversight.modeFor(ANALYZER, '1')).toBe('triage');
    expect(await f.ctx.platform.oversight.modeFor('other-analyzer', '1')).toBe('assist');
    // The change is in the audit trail.
    await f.ctx.platform.audit.flush();
    const { rows } = (await f.ctx.archive.index.executeSql(
      `SELECT actor_name, resource_id FROM audit_log WHERE action = 'admin' AND resource_type = 'rule' ORDER BY seq`,
    )) as { rows: Array<{ actor_name: string; resource_id: string }> };
    expect(rows.map((r) => r.resource_id)).toContain(`autonomy:${ANALYZER}:SITE-A`);
  });

  it('records reviews of findings the caller can see, and refuses the rest', async () => {
    const pk = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      institutionPk: '1',
      findings: [testFinding('n1', 'nodule', 8), testFinding('n2', 'nodule', 6), testFinding('n3', 'nodule', 12)],
    });
    const review = (finding: string, user: string, body: unknown) =>
      call(f, 'POST', `/api/ai-results/${pk}/findings/${finding}/review`, user, body);
    const ok = await review('n1', 'rad-hub', { action: 'accept' });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({
      resultPk: pk,
      findingId: 'n1',
      action: 'accept',
      role: 'radiologist',
      institutionPk: '1',
    });
    expect((await review('n2', 'rad-hub', { action: 'reject', reason: '血管断面 / vessel' })).status).toBe(201);
    expect((await review('n3', 'rad-hub', { action: 'edit', changes: { longAxisMm: 10.5 } })).status).toBe(201);
    // A later verdict on the same finding replaces the earlier one in monitoring.
    expect((await review('n2', 'rad-hub2', { action: 'accept' })).status).toBe(201);
    const added = await call(f, 'POST', `/api/ai-results/${pk}/findings`, 'rad-hub', {
      finding: { type: 'nodule', measurements: [{ key: 'longAxisMm', value: 5, unit: 'mm' }] },
      reason: 'missed',
    });
    expect(added.status).toBe(201);
    expect(added.json.action).toBe('add');
    // A finding added by mistake is withdrawn (it then counts nowhere, see monitoring below);
    // AI findings and unknown ids cannot be withdrawn, nor can the same one twice.
    const mistake = await call(f, 'POST', `/api/ai-results/${pk}/findings`, 'rad-hub', {
      finding: { type: 'nodule', measurements: [{ key: 'longAxisMm', value: 4, unit: 'mm' }] },
    });
    expect(mistake.status).toBe(201);
    const withdraw = (finding: string, user = 'rad-hub') =>
      call(f, 'DELETE', `/api/ai-results/${pk}/findings/${finding}`, user);
    expect((await withdraw('n1')).status).toBe(404);
    expect((await withdraw('reader-unknown')).status).toBe(404);
    expect((await withdraw(mistake.json.findingId, 'rad-site')).status).toBe(404);
    const withdrawn = await withdraw(mistake.json.findingId);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json).toMatchObject({ findingId: mistake.json.findingId, action: 'withdraw' });
    expect((await withdraw(mistake.json.findingId)).status).toBe(404);

    // Bad input: unknown finding, bad action, edit without changes, unknown result.
    expect((await review('n9', 'rad-hub', { action: 'accept' })).status).toBe(404);
    expect((await review('n1', 'rad-hub', { action: 'approve' })).json.error.code).toBe('HTTP_BAD_PARAMETER');
    expect((await review('n1', 'rad-hub', { action: 'edit' })).status).toBe(400);
    expect(
      (await call(f, 'POST', '/api/ai-results/999999/findings/n1/review', 'rad-hub', { action: 'accept' })).status,
    ).toBe(404);
    expect(
      (await call(f, 'POST', '/api/ai-results/abc/findings/n1/review', 'rad-hub', { action: 'accept' })).status,
    ).toBe(404);
    // Tenancy: SITE-A's radiologist does not see the hub's study (404, existence not revealed).
    expect((await review('n1', 'rad-site', { action: 'accept' })).status).toBe(404);
    // Permission: technicians do not review AI findings.
    expect((await review('n1', 'tech1', { action: 'accept' })).status).toBe(403);

    await f.ctx.platform.audit.flush();
    const audited = (await f.ctx.archive.index.executeSql(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'write' AND $1 = ANY (study_uids)`,
      [f.studyHub],
    )) as { rows: Array<{ n: number }> };
    expect(audited.rows[0]?.n).toBe(7);
    const reviews = await call(f, 'GET', `/api/ai-results/${pk}/reviews`, 'rad-hub');
    expect(reviews.json.reviews.map((r: { action: string }) => r.action)).toEqual([
      'accept',
      'reject',
      'edit',
      'accept',
      'add',
      'add',
      'withdraw',
    ]);
  });

  it('hides shadow results from readers but not from QC', async () => {
    const pk = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studySite,
      analyzerId: ANALYZER,
      institutionPk: f.siteA,
      findings: [testFinding('s1', 'nodule', 7)],
    });
    expect(
      (await call(f, 'POST', `/api/ai-results/${pk}/findings/s1/review`, 'rad-site', { action: 'accept' })).status,
    ).toBe(404);
    expect(
      (await call(f, 'POST', `/api/ai-results/${pk}/findings/s1/review`, 'qc1', { action: 'reject' })).status,
    ).toBe(201);
  });

  it('notifies the radiologists of the institution of a critical finding in triage, once', async () => {
    const pk = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      institutionPk: '1',
      findings: [testFinding('m1', 'mass', 42), testFinding('m2', 'nodule', 5)],
    });
    const seen: unknown[] = [];
    f.ctx.platform.oversight.events.on('notification', (n) => seen.push(n));
    const created = await f.ctx.platform.oversight.onResultStored(pk);
    expect(created).toHaveLength(2);
    expect(seen).toHaveLength(2);
    expect(created[0]).toMatchObject({
      kind: 'critical-finding',
      studyInstanceUID: f.studyHub,
      resultPk: pk,
      messageKey: 'notification.criticalFinding',
      payload: { analyzerId: ANALYZER, mode: 'triage', findings: [{ findingId: 'm1', type: 'mass', sizeMm: 42 }] },
    });
    expect(await f.ctx.platform.oversight.onResultStored(pk)).toEqual([]);

    const mine = await call(f, 'GET', '/api/notifications', 'rad-hub');
    expect(mine.json.notifications).toHaveLength(1);
    expect((await call(f, 'GET', '/api/notifications', 'rad-site')).json.notifications).toEqual([]);
    const id = mine.json.notifications[0].pk as string;
    // Someone else's notification cannot be marked read.
    expect((await call(f, 'POST', `/api/notifications/${id}/read`, 'rad-site')).status).toBe(404);
    expect((await call(f, 'POST', `/api/notifications/${id}/read`, 'rad-hub')).status).toBe(204);
    expect((await call(f, 'GET', '/api/notifications?unread=true', 'rad-hub')).json.notifications).toEqual([]);
    expect((await call(f, 'GET', '/api/notifications', 'rad-hub')).json.notifications[0].readAt).not.toBeNull();

    // At SITE-A the analyzer runs in shadow: no notification, however critical.
    const shadow = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studySite,
      analyzerId: ANALYZER,
      institutionPk: f.siteA,
      findings: [testFinding('m9', 'mass', 60)],
    });
    expect(await f.ctx.platform.oversight.onResultStored(shadow)).toEqual([]);
  });

  it('reports monitoring per analyzer and institution', async () => {
    await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      institutionPk: '1',
      status: 'not-applicable',
      runMs: 200,
    });
    await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      institutionPk: '1',
      status: 'failed',
      runMs: 50,
    });
    // One job that exhausted its retries, and one that waited 4 s in the queue (jobs area's table).
    await f.ctx.archive.index.executeSql(
      `INSERT INTO ai_job_runs (job_id, study_uid, analyzer_id, state, attempts, priority, enqueued_at, started_at, finished_at)
       VALUES ('00000000-0000-4000-8000-000000000001', $1, $2, 'dead', 3, 'routine', now() - interval '60 seconds', now() - interval '50 seconds', now()),
              ('00000000-0000-4000-8000-000000000002', $1, $2, 'completed', 1, 'routine', now() - interval '30 seconds', now() - interval '26 seconds', now())`,
      [f.studyHub, ANALYZER],
    );
    expect((await call(f, 'GET', '/api/monitoring/ai', 'rad-hub')).status).toBe(403);
    const res = await call(f, 'GET', '/api/monitoring/ai', 'qc1');
    expect(res.status).toBe(200);
    const hub = res.json.rows.find((r: { institutionCode: string }) => r.institutionCode === 'default');
    expect(hub).toMatchObject({
      analyzerId: ANALYZER,
      results: 4,
      ok: 2,
      notApplicable: 1,
      failed: 1,
      findings: 5,
      reviewed: 3,
      accepted: 2,
      edited: 1,
      rejected: 0,
      added: 1,
      acceptRate: 0.667,
      deadLetters: 1,
      processingMs: { median: 1000 },
      queueMs: { median: 7000, p95: 9700 },
    });
    const site = res.json.rows.find((r: { institutionCode: string }) => r.institutionCode === 'SITE-A');
    expect(site).toMatchObject({ results: 2, reviewed: 1, rejected: 1, rejectRate: 1 });
    const filtered = await call(f, 'GET', '/api/monitoring/ai?institution=SITE-A', 'qc1');
    expect(filtered.json.rows).toHaveLength(1);
    const future = await call(
      f,
      'GET',
      `/api/monitoring/ai?from=${new Date(Date.now() + 3600_000).toISOString()}`,
      'qc1',
    );
    expect(future.json.rows).toEqual([]);
    expect((await call(f, 'GET', '/api/monitoring/ai?from=yesterday', 'qc1')).status).toBe(400);
  });

  it('serves Prometheus metrics to a metrics:read token only', async () => {
    f.ctx.events.emit('ai-job', {
      jobId: 'j1',
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      state: 'active',
      priority: 'routine',
      durationMs: 1500,
    });
    f.ctx.events.emit('ai-job', {
      jobId: 'j1',
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      state: 'completed',
      priority: 'routine',
      durationMs: 12_000,
    });
    const res = await fetch(`${f.url}/metrics`, { headers: { authorization: `Bearer ${f.metricsToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(await res.text());
    const http = families.get('lingshu_http_request_duration_seconds');
    expect(http?.type).toBe('histogram');
    const routes = new Set(http?.samples.map((s) => s.labels.route));
    // Route patterns, never raw URLs.
    expect(routes).toContain('/api/ai-results/:resultPk/findings/:findingId/review');
    expect([...routes].some((r) => r?.includes('999999'))).toBe(false);
    expect(families.get('lingshu_ai_queue_latency_seconds')?.samples.find((s) => s.name.endsWith('_sum'))?.value).toBe(
      1.5,
    );
    expect(
      families.get('lingshu_ai_job_duration_seconds')?.samples.find((s) => s.name.endsWith('_count'))?.labels.analyzer,
    ).toBe(ANALYZER);
    expect(families.get('lingshu_archive_studies')?.samples[0]?.value).toBe(2);
    expect(families.get('lingshu_ai_jobs')?.samples.length).toBeGreaterThan(0);
    expect(families.get('lingshu_process_resident_memory_bytes')?.samples[0]?.value).toBeGreaterThan(1e6);
    // A reader has no metrics:read; nor has an anonymous scraper.
    expect((await fetch(`${f.url}/metrics`, { headers: basic('rad-hub') })).status).toBe(403);
    expect((await fetch(`${f.url}/metrics`)).status).toBe(401);
  });

  it('stores the geometry of a finding added from a measurement, and refuses bad geometry', async () => {
    const pk = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      institutionPk: '1',
      findings: [testFinding('n1', 'nodule', 8)],
    });
    // The hub study's one 4 × 4 image.
    const geometry = {
      referencedSopInstanceUID: uidFromName('i:h1.1'),
      centerVoxel: [1, 2, 0],
      longAxisWorld: [
        [-3, 1, 10],
        [3, 1, 10],
      ],
      shortAxisWorld: [
        [0, -1, 10],
        [0, 3, 10],
      ],
    };
    const add = (g: unknown) =>
      call(f, 'POST', `/api/ai-results/${pk}/findings`, 'rad-hub', {
        finding: { type: 'nodule', noduleType: 'solid', longAxisMm: 6, shortAxisMm: 4, geometry: g },
      });
    const added = await add(geometry);
    expect(added.status).toBe(201);
    expect(added.json.changes.geometry).toEqual(geometry);

    const refused: Array<[unknown, string]> = [
      [{ ...geometry, referencedSopInstanceUID: uidFromName('i:s1.1') }, 'referencedSopInstanceUID'], // another study
      [{ ...geometry, referencedSopInstanceUID: '1.2.3.4' }, 'referencedSopInstanceUID'], // no such image
      [{ ...geometry, centerVoxel: [1, 2, 1] }, 'centerVoxel'], // past the series' one image
      [{ ...geometry, centerVoxel: [4, 2, 0] }, 'centerVoxel'], // past the 4 columns
      [{ ...geometry, longAxisWorld: [[0, 0, 0]] }, 'longAxisWorld'],
      [
        {
          ...geometry,
          shortAxisWorld: [
            [0, 0, 10],
            [0, 9, 10],
          ],
        },
        'shortAxisWorld',
      ], // longer than the long axis
      ['here', ''],
    ];
    for (const [g, field] of refused) {
      const res = await add(g);
      expect(res.status, JSON.stringify(g)).toBe(400);
      expect(res.json.error.code).toBe('HTTP_BAD_PARAMETER');
      expect(res.json.error.details?.parameter).toBe(`finding.geometry.${field}`);
    }
    // Nothing of the refused ones was stored: only the valid add.
    const reviews = await call(f, 'GET', `/api/ai-results/${pk}/reviews`, 'rad-hub');
    expect(reviews.json.reviews.map((r: { action: string }) => r.action)).toEqual(['add']);
  });

  it('streams events filtered by institution and autonomy, with heartbeats, and ends them on close', async () => {
    const hub = await openStream(f, 'rad-hub');
    const site = await openStream(f, 'rad-site');
    const qc = await openStream(f, 'qc1');
    expect(hub.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect((await fetch(`${f.url}/api/events`)).status).toBe(401);
    await until(() => hub.state.comments.includes('heartbeat'));

    const stored = (study: string, n: number) =>
      f.ctx.events.emit('instance-stored', {
        studyInstanceUID: study,
        seriesInstanceUID: `${study}.1`,
        sopInstanceUID: `${study}.1.${n}`,
        source: 'stow',
      });
    stored(f.studyHub, 1);
    stored(f.studyHub, 2);
    stored(f.studyHub, 3);
    f.ctx.events.emit('study-stable', { studyInstanceUID: f.studySite, instances: 1, stableAt: new Date() });
    await until(() => hub.state.events.length >= 1 && site.state.events.length >= 1 && qc.state.events.length >= 2);

    // Shadow at SITE-A: the site's reader never hears of the job or result; QC does.
    const shadowPk = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studySite,
      analyzerId: ANALYZER,
      institutionPk: f.siteA,
      findings: [testFinding('q1', 'nodule', 9)],
    });
    const job = { jobId: 'j2', analyzerId: ANALYZER, priority: 'routine' as const };
    f.ctx.events.emit('ai-job', { ...job, studyInstanceUID: f.studySite, state: 'completed' });
    f.ctx.events.emit('ai-result', {
      studyInstanceUID: f.studySite,
      analyzerId: ANALYZER,
      resultPk: shadowPk,
      status: 'ok',
      institutionPk: f.siteA,
      findings: 1,
    });
    // Triage at the hub, with a critical finding: readers get the result and a notification.
    const hubPk = await insertTestResult(f.ctx.archive, {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      institutionPk: '1',
      findings: [testFinding('c1', 'mass', 55)],
    });
    f.ctx.events.emit('ai-result', {
      studyInstanceUID: f.studyHub,
      analyzerId: ANALYZER,
      resultPk: hubPk,
      status: 'ok',
      institutionPk: '1',
      findings: 1,
    });
    await until(() => names(hub.state.events).includes('notification') && qc.state.events.length >= 5);
    // Quiet a moment so that late, wrongly routed events would show.
    await new Promise((r) => setTimeout(r, 300));

    expect(names(hub.state.events)).toEqual(['study-arrived', 'ai-result', 'notification']);
    expect(hub.state.events[0]?.data).toEqual({ studyInstanceUID: f.studyHub, source: 'stow' });
    expect(hub.state.events[2]?.data).toMatchObject({ kind: 'critical-finding', resultPk: hubPk });
    expect(names(site.state.events)).toEqual(['study-stable']);
    // QC is network-wide and monitors shadow results; notifications are for the hub's readers.
    expect(names(qc.state.events).sort()).toEqual([
      'ai-job',
      'ai-result',
      'ai-result',
      'study-arrived',
      'study-stable',
    ]);

    // Graceful close ends the open streams instead of waiting for them.
    const t0 = Date.now();
    await f.app.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    await Promise.all([hub.done, site.done, qc.done]);
    expect(hub.state.ended && site.state.ended && qc.state.ended).toBe(true);
  });
});
