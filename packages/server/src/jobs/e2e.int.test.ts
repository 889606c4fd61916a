/**
 * The issue's check: a study sent with storescu is analysed without any manual step and its SR
 * appears in QIDO-RS. Also the AI REST routes with real credentials (HTTP Basic) and their
 * permissions and tenancy.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { studyUid } from '@lingshu/phantom';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { hasDcmtk, run, writePhantom } from '../dimse/testing.js';
import { type RunningServer, startServer } from '../server.js';
import { failingAnalyzer, jobsChestSpec } from './testing/analyzers.js';

type Json = Array<Record<string, { vr: string; Value?: unknown[] }>>;

describe.skipIf(!hasDcmtk)('storescu → study stable → AI → SR in QIDO-RS', () => {
  let dir: string;
  let server: RunningServer;
  const spec = jobsChestSpec('e2e-chest', 611);
  const study = studyUid(spec, 'study');
  const basic = (user: string): Record<string, string> => ({
    authorization: `Basic ${Buffer.from(`${user}:correct horse battery 9`).toString('base64')}`,
  });
  const api = async (method: string, path: string, user: string, payload?: unknown) => {
    const res = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { ...basic(user), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-ai-e2e-'));
    server = await startServer(
      {
        ...DEFAULT_SERVER_CONFIG,
        dataDir: join(dir, 'data'),
        httpPort: 0,
        dicomPort: 0,
        demo: false,
        stableAfterMs: 500,
        aiWorkers: 1,
        aiRetryDelaySeconds: 0,
      },
      { log: pino({ level: 'silent' }) },
    );
    const auth = server.ctx.platform.auth;
    const password = 'correct horse battery 9';
    await auth.createUser({ username: 'admin1', role: 'admin', password });
    await auth.createUser({ username: 'rad1', role: 'radiologist', password });
    await auth.createUser({ username: 'tech1', role: 'technician', password });
    // A radiologist of another institution of the network (tenancy of AI results).
    await server.archive.institutions.create({
      code: 'SITE-B',
      name: '乙社区卫生服务中心',
      kind: 'primary',
      hubPk: '1',
    });
    await auth.createUser({ username: 'radB', role: 'radiologist', password, institution: 'SITE-B' });
    // A test analyzer that always fails (retries → dead letter).
    server.ctx.platform.jobs.registerAnalyzers([failingAnalyzer()]);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('analyses a study sent with storescu and QIDO-RS finds its SR series', async () => {
    mkdirSync(join(dir, 'in'));
    const files = await writePhantom(spec, join(dir, 'in'));
    const r = await run('storescu', [
      '-aet',
      'STORESCU',
      '-aec',
      'LINGSHU',
      '127.0.0.1',
      String(server.dicomPort),
      ...files.map((f) => f.path),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const deadline = Date.now() + 45_000;
    let series: Json = [];
    while (Date.now() < deadline) {
      const res = await fetch(`${server.httpUrl}/dicomweb/studies/${study}/series?Modality=SR`, {
        headers: { ...basic('rad1'), accept: 'application/dicom+json' },
      });
      if (res.status === 200) {
        series = (await res.json()) as Json;
        if (series.length > 0) break;
      } else expect(res.status).toBe(204);
      await new Promise((done) => setTimeout(done, 250));
    }
    expect(series).toHaveLength(1);
    expect(series[0]?.['00080060']?.Value?.[0]).toBe('SR');
    expect(String(series[0]?.['0008103E']?.Value?.[0])).toMatch(/AI measurements/);
    const seg = await fetch(`${server.httpUrl}/dicomweb/studies/${study}/series?Modality=SEG`, {
      headers: { ...basic('rad1'), accept: 'application/dicom+json' },
    });
    expect(((await seg.json()) as Json).length).toBe(1);

    const results = await api('GET', `/api/studies/${study}/ai-results`, 'rad1');
    expect(results.status).toBe(200);
    const list = results.json.results as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ analyzerId: 'lingshu-chest-ct', status: 'ok', institutionPk: '1' });
    // Audited: the worker's PHI write (system actor) and the reader's access to the results.
    await server.ctx.platform.audit.flush();
    const audit = await server.archive.index.executeSql(
      `SELECT action, actor_kind, via FROM audit_log WHERE resource_id = $1 ORDER BY seq`,
      [study],
    );
    expect(audit.rows).toEqual(
      expect.arrayContaining([
        { action: 'write', actor_kind: 'system', via: 'ai-worker' },
        { action: 'read', actor_kind: 'user', via: 'GET /api/studies/:studyUid/ai-results' },
      ]),
    );
    const jobs = await api('GET', `/api/admin/jobs?study=${study}`, 'admin1');
    expect(jobs.status).toBe(200);
    expect(jobs.json.jobs).toMatchObject([
      { state: 'completed', reason: 'study-stable', analyzerId: 'lingshu-chest-ct' },
    ]);
  }, 90_000);

  it('rules API: read, dry-run with reasons, a bad rule is refused naming its field', async () => {
    const rules = await api('GET', '/api/admin/rules', 'admin1');
    expect(rules.status).toBe(200);
    expect((rules.json.rules as Array<{ id: string }>).map((r) => r.id)).toEqual(['chest-ct']);
    const dry = await api('POST', '/api/admin/rules/dry-run', 'admin1', { studyUid: study });
    expect(dry.status).toBe(200);
    expect(dry.json.analyzers).toEqual([{ analyzerId: 'lingshu-chest-ct', ruleId: 'chest-ct', priority: 'routine' }]);
    const bad = await api('PUT', '/api/admin/rules', 'admin1', {
      rules: [{ id: 'x', name: 'X', analyzers: ['lingshu-chest-ct'], match: { studyDescription: '([' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'RULE_INVALID' } });
    expect(JSON.stringify(bad.json)).toContain('rules[0].match.studyDescription');
    const off = (rules.json.rules as Array<Record<string, unknown>>).map((r) => ({ ...r, enabled: false }));
    const put = await api('PUT', '/api/admin/rules', 'admin1', { rules: off });
    expect(put.status).toBe(200);
    const dryOff = await api('POST', '/api/admin/rules/dry-run', 'admin1', { studyUid: study });
    expect(dryOff.json.analyzers).toEqual([]);
  });

  it('admin API: a failing analysis ends in the dead-letter list; an admin retries it', async () => {
    const queued = await api('POST', `/api/studies/${study}/analyze`, 'rad1', { analyzers: ['test-failing'] });
    expect(queued.status).toBe(202);
    const jobId = (queued.json.jobs as Array<{ jobId: string }>)[0]?.jobId as string;
    const deadline = Date.now() + 30_000;
    let dead: Array<Record<string, unknown>> = [];
    while (Date.now() < deadline) {
      const r = await api('GET', '/api/admin/jobs?state=dead', 'admin1');
      expect(r.status).toBe(200);
      dead = (r.json.jobs as Array<Record<string, unknown>>).filter((j) => j.jobId === jobId);
      if (dead.length > 0) break;
      await new Promise((done) => setTimeout(done, 250));
    }
    expect(dead).toMatchObject([{ state: 'dead', attempts: 4, errorCode: 'AI_FAILED', analyzerId: 'test-failing' }]);
    const retried = await api('POST', `/api/admin/jobs/${jobId}/retry`, 'admin1');
    expect(retried.status).toBe(200);
    expect(['retry', 'active', 'dead']).toContain(retried.json.state);
    expect((await api('POST', `/api/admin/jobs/${jobId}/retry`, 'rad1')).status).toBe(403);
  }, 60_000);

  it('permissions: technicians cannot read AI results or rules; radiologists cannot manage jobs', async () => {
    expect((await api('GET', `/api/studies/${study}/ai-results`, 'tech1')).status).toBe(403);
    expect((await api('GET', '/api/admin/rules', 'rad1')).status).toBe(403);
    expect((await api('GET', '/api/admin/jobs', 'rad1')).status).toBe(403);
    const anonymous = await fetch(`${server.httpUrl}/api/admin/jobs`);
    expect(anonymous.status).toBe(401);
    expect((await api('GET', '/api/studies/1.2.3.4/ai-results', 'rad1')).status).toBe(404);
    // Tenancy: the study belongs to the hub; another institution's reader sees neither it nor its results.
    expect((await api('GET', `/api/studies/${study}/ai-results`, 'radB')).status).toBe(404);
    expect((await api('POST', `/api/studies/${study}/analyze`, 'radB', {})).status).toBe(404);
    expect((await api('POST', '/api/admin/jobs/not-a-job/cancel', 'admin1')).status).toBe(404);
    const manual = await api('POST', `/api/studies/${study}/analyze`, 'rad1', {
      priority: 'stat',
      analyzers: ['lingshu-chest-ct'],
    });
    expect(manual.status).toBe(202);
    expect(manual.json.jobs).toMatchObject([{ analyzerId: 'lingshu-chest-ct', priority: 'stat' }]);
  });

  it('autonomy: shadow results are shown to admins and QC only; an analyzer set to off is not queued', async () => {
    const setMode = (mode: string) =>
      api('PUT', '/api/admin/autonomy', 'admin1', { analyzerId: 'lingshu-chest-ct', institution: 'default', mode });
    expect((await setMode('shadow')).status).toBe(200);
    const reader = await api('GET', `/api/studies/${study}/ai-results`, 'rad1');
    expect(reader.status).toBe(200);
    expect(reader.json.results).toEqual([]);
    const admin = await api('GET', `/api/studies/${study}/ai-results`, 'admin1');
    expect((admin.json.results as unknown[]).length).toBeGreaterThan(0);
    expect((await setMode('off')).status).toBe(200);
    const queued = await api('POST', `/api/studies/${study}/analyze`, 'rad1', { analyzers: ['lingshu-chest-ct'] });
    expect(queued.status).toBe(202);
    expect(queued.json.jobs).toMatchObject([
      { analyzerId: 'lingshu-chest-ct', queued: false, skipped: 'autonomy-off' },
    ]);
    expect((await setMode('assist')).status).toBe(200);
    const again = await api('GET', `/api/studies/${study}/ai-results`, 'rad1');
    expect((again.json.results as unknown[]).length).toBeGreaterThan(0);
  });
});
