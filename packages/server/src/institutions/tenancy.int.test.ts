/**
 * Cross-institution matrix (医联体 tenancy) with real authentication (HTTP Basic against users
 * created through the auth service), a real HTTP listener and dcmtk peers on the DIMSE port:
 * a primary site's user cannot list, fetch or guess another site's study by QIDO-RS, WADO-RS,
 * WADO-URI or C-FIND/C-MOVE/C-GET, until that site shares it; unsharing takes it away again; a
 * network-wide administrator sees everything. PGlite, and PostgreSQL when DATABASE_URL is set.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_STUDIES } from '@lingshu/archive';
import { uidFromName } from '@lingshu/dicom';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from '../auth/testing.js';
import { type DimseListener, startDimse } from '../dimse/scp.js';
import { freePort, hasDcmtk, run } from '../dimse/testing.js';
import { testInstance } from '../testing/instances.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: the PostgreSQL tenancy matrix needs DATABASE_URL; running on PGlite only');
if (!hasDcmtk) console.warn('SKIP: dcmtk (findscu, getscu, movescu, storescu) is not installed');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];

const ST_A = uidFromName('st:ten-a');
const ST_B = uidFromName('st:ten-b');
const SE_B = uidFromName('se:ten-b');
const SOP_B = uidFromName('i:ten-b1');
const UNKNOWN = { st: uidFromName('st:ten-x'), se: uidFromName('se:ten-x'), sop: uidFromName('i:ten-x') };

/** Every WADO read of one instance's study, series and instance (RS and URI). */
function wadoPaths(st: string, se: string, sop: string): string[] {
  const study = `/dicomweb/studies/${st}`;
  const series = `${study}/series/${se}`;
  const instance = `${series}/instances/${sop}`;
  return [
    study,
    series,
    instance,
    `${study}/metadata`,
    `${series}/metadata`,
    `${instance}/metadata`,
    `${instance}/frames/1`,
    `${instance}/rendered`,
    `${instance}/frames/1/rendered`,
    `${instance}/bulk/7FE00010`,
    `${study}/thumbnail`,
    `${instance}/thumbnail`,
    `/dicomweb/wado?requestType=WADO&studyUID=${st}&seriesUID=${se}&objectUID=${sop}&contentType=application%2Fdicom`,
  ];
}

/** QIDO searches that would reveal study B (list and guess by every UID). */
const QIDO_B = [
  `/dicomweb/studies?StudyInstanceUID=${ST_B}`,
  `/dicomweb/series?StudyInstanceUID=${ST_B}`,
  `/dicomweb/series?SeriesInstanceUID=${SE_B}`,
  `/dicomweb/instances?SOPInstanceUID=${SOP_B}`,
  `/dicomweb/studies/${ST_B}/series`,
  `/dicomweb/studies/${ST_B}/instances`,
  `/dicomweb/studies/${ST_B}/series/${SE_B}/instances`,
];

function multipart(files: readonly Uint8Array[]): { body: Buffer; type: string } {
  const boundary = 'lingshu-tenancy-boundary';
  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      Buffer.from(f),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

describe.skipIf(!hasDcmtk).each(backends)('tenancy matrix on $name', ({ name }) => {
  let fx: AuthFixture;
  let dimse: DimseListener;
  let base: string;
  let work: string;
  let storescp: ChildProcess | undefined;
  let storescpDir: string;

  const basic = (user: string): string => `Basic ${Buffer.from(`${user}:${TEST_PASSWORD}`).toString('base64')}`;
  const get = (user: string, path: string): Promise<Response> =>
    fetch(`${base}${path}`, { headers: { authorization: basic(user), accept: '*/*' } });
  async function status(user: string, path: string): Promise<{ status: number; code?: string }> {
    const res = await get(user, path);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status < 400) return { status: res.status };
    return { status: res.status, code: (JSON.parse(body.toString()) as { error: { code: string } }).error.code };
  }
  async function qido(user: string, path: string): Promise<string[]> {
    const res = await get(user, path);
    expect(res.status, path).toBe(200);
    const rows = (await res.json()) as Array<Record<string, { Value?: string[] }>>;
    return rows.map((r) => r['0020000D']?.Value?.[0] ?? '');
  }
  const api = (user: string, method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: basic(user), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  async function dcmtk(tool: 'findscu' | 'getscu' | 'movescu', ae: string, keys: string[]): Promise<string[]> {
    const out = await mkdtemp(join(work, `${tool}-`));
    const args = ['-aet', ae, '-aec', 'LINGSHU', '-S'];
    if (tool === 'findscu') args.push('-X', '-od', out);
    if (tool === 'getscu') args.push('-od', out);
    if (tool === 'movescu') args.push('-aem', 'STORESCP');
    for (const k of keys) args.push('-k', k);
    const r = await run(tool, [...args, '127.0.0.1', String(dimse.port)]);
    expect(r.code, r.stderr).toBe(0);
    return readdir(tool === 'movescu' ? storescpDir : out);
  }
  const findStudies = async (ae: string, studyUid = ''): Promise<number> =>
    (await dcmtk('findscu', ae, ['0008,0052=STUDY', `0020,000D=${studyUid}`])).length;
  const getStudy = async (ae: string, studyUid: string): Promise<number> =>
    (await dcmtk('getscu', ae, ['0008,0052=STUDY', `0020,000D=${studyUid}`])).length;
  async function moveStudy(ae: string, studyUid: string): Promise<number> {
    for (const f of await readdir(storescpDir)) await rm(join(storescpDir, f));
    return (await dcmtk('movescu', ae, ['0008,0052=STUDY', `0020,000D=${studyUid}`])).length;
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lingshu-tenancy-'));
    storescpDir = await mkdtemp(join(work, 'storescp-'));
    const storescpPort = await freePort();
    fx = await openAuthFixture({
      ...(name === 'PostgreSQL' ? { databaseUrl } : {}),
      config: { remoteAes: [{ aeTitle: 'STORESCP', host: '127.0.0.1', port: storescpPort }] },
    });
    const { institutions } = fx.archive;
    const hub = await institutions.create({ code: 'HUB', name: '县医院', kind: 'hub' });
    await institutions.create({ code: 'SITE-A', name: '甲乡卫生院', hubPk: hub.pk, aeTitles: ['SCU_A'] });
    await institutions.create({ code: 'SITE-B', name: '乙乡卫生院', hubPk: hub.pk, aeTitles: ['SCU_B'] });
    const auth = fx.ctx.platform.auth;
    for (const [username, institution] of [
      ['rad-a', 'SITE-A'],
      ['rad-b', 'SITE-B'],
      ['rad-hub', 'HUB'],
    ] as const) {
      await auth.createUser({ username, role: 'radiologist', institution, password: TEST_PASSWORD });
    }
    await auth.createUser({ username: 'net-admin', role: 'admin', institution: null, password: TEST_PASSWORD });
    base = await fx.app.listen({ port: 0, host: '127.0.0.1' });
    dimse = await startDimse(fx.ctx);
    storescp = spawn('storescp', ['-aet', 'STORESCP', '-od', storescpDir, String(storescpPort)], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if ((await run('echoscu', ['-aec', 'STORESCP', '127.0.0.1', String(storescpPort)])).code === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    // Site A sends its study by STOW-RS (its user's institution owns it).
    const a = multipart([testInstance({ study: 'ten-a', series: 'ten-a', instance: 'ten-a1', patientId: 'PA' })]);
    const stow = await fetch(`${base}/dicomweb/studies`, {
      method: 'POST',
      headers: { authorization: basic('rad-a'), 'content-type': a.type, accept: 'application/dicom+json' },
      body: a.body,
    });
    expect(stow.status).toBe(200);
    // Site B's modality sends its study by C-STORE from its AE title.
    const fileB = join(work, 'b.dcm');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(fileB, testInstance({ study: 'ten-b', series: 'ten-b', instance: 'ten-b1', patientId: 'PB' }));
    const store = await run('storescu', ['-aet', 'SCU_B', '-aec', 'LINGSHU', '127.0.0.1', String(dimse.port), fileB]);
    expect(store.code, store.stderr).toBe(0);
    const owners = await fx.archive.listStudies(ALL_STUDIES);
    const siteA = (await institutions.byCode('SITE-A'))!.pk;
    const siteB = (await institutions.byCode('SITE-B'))!.pk;
    expect(Object.fromEntries(owners.map((s) => [s.studyInstanceUID, s.institutionPk]))).toEqual({
      [ST_A]: siteA,
      [ST_B]: siteB,
    });
  }, 180_000);

  afterAll(async () => {
    storescp?.kill('SIGTERM');
    await dimse?.close();
    await fx?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('(a) QIDO-RS: site A lists only its own study and finds nothing of B by any UID', async () => {
    expect(await qido('rad-a', '/dicomweb/studies')).toEqual([ST_A]);
    expect(await qido('rad-a', '/dicomweb/series')).toEqual([ST_A]);
    expect(await qido('rad-a', '/dicomweb/instances')).toEqual([ST_A]);
    for (const path of QIDO_B) expect(await qido('rad-a', path), path).toEqual([]);
    // B's own user finds it; the hub does not see its sites' studies without a share.
    expect(await qido('rad-b', `/dicomweb/studies?StudyInstanceUID=${ST_B}`)).toEqual([ST_B]);
    expect(await qido('rad-hub', '/dicomweb/studies')).toEqual([]);
  }, 60_000);

  it('(b–d) WADO-RS and WADO-URI: every read of B is 404 for A, exactly like an unknown UID', async () => {
    const forB = wadoPaths(ST_B, SE_B, SOP_B);
    const forUnknown = wadoPaths(UNKNOWN.st, UNKNOWN.se, UNKNOWN.sop);
    for (const [i, path] of forB.entries()) {
      expect(await status('rad-b', path), path).toEqual({ status: 200 });
      const guessed = await status('rad-a', path);
      expect(guessed.status, path).toBe(404);
      expect(guessed, path).toEqual(await status('rad-a', forUnknown[i]!));
    }
  }, 120_000);

  it('(e) DIMSE: the calling AE of site A cannot C-FIND, C-GET or C-MOVE B; B can', async () => {
    expect(await findStudies('SCU_A')).toBe(1);
    expect(await findStudies('SCU_A', ST_B)).toBe(0);
    expect(await getStudy('SCU_A', ST_B)).toBe(0);
    expect(await moveStudy('SCU_A', ST_B)).toBe(0);
    expect(await findStudies('SCU_B', ST_B)).toBe(1);
    expect(await getStudy('SCU_B', ST_B)).toBe(1);
  }, 120_000);

  it('STOW-RS by A into B’s study is refused with the general processing failure (0110)', async () => {
    const bad = multipart([testInstance({ study: 'ten-b', series: 'ten-b', instance: 'ten-b9', patientId: 'PB' })]);
    const res = await fetch(`${base}/dicomweb/studies`, {
      method: 'POST',
      headers: { authorization: basic('rad-a'), 'content-type': bad.type, accept: 'application/dicom+json' },
      body: bad.body,
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as Record<string, { Value?: Array<Record<string, { Value?: number[] }>> }>;
    expect(body['00081198']?.Value?.[0]?.['00081197']?.Value).toEqual([0x0110]);
    expect(await fx.archive.findInstances({ studyUid: ST_B }, ALL_STUDIES)).toHaveLength(1);
    await fx.ctx.platform.audit.flush();
    const refused = await sql<{ actor_name: string; outcome: string }>`
      SELECT actor_name, outcome FROM audit_log WHERE action = 'security-alert' AND actor_name = 'rad-a'`.execute(
      fx.archive.index.db,
    );
    expect(refused.rows).toEqual([{ actor_name: 'rad-a', outcome: 'failure' }]);
    // Naming the institution is for institution administrators only.
    const named = await fetch(`${base}/dicomweb/studies?institution=SITE-B`, {
      method: 'POST',
      headers: { authorization: basic('rad-a'), 'content-type': bad.type },
      body: bad.body,
    });
    expect(named.status).toBe(403);
  }, 60_000);

  it('C-STORE from A’s AE into B’s study is kept in B’s study (owner unchanged) and audited', async () => {
    const file = join(work, 'b2.dcm');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      file,
      testInstance({ study: 'ten-b', series: 'ten-b', instance: 'ten-b2', instanceNumber: 2, patientId: 'PB' }),
    );
    const r = await run('storescu', ['-aet', 'SCU_A', '-aec', 'LINGSHU', '127.0.0.1', String(dimse.port), file]);
    expect(r.code, r.stderr).toBe(0);
    expect(await fx.archive.findInstances({ studyUid: ST_B }, ALL_STUDIES)).toHaveLength(2);
    expect(await qido('rad-a', '/dicomweb/studies')).toEqual([ST_A]);
    await fx.ctx.platform.audit.flush();
    const alerts = await sql<{ actor_name: string; detail: Record<string, unknown> }>`
      SELECT actor_name, detail FROM audit_log WHERE action = 'security-alert'`.execute(fx.archive.index.db);
    expect(alerts.rows).toContainEqual(
      expect.objectContaining({ actor_name: 'SCU_A', detail: expect.objectContaining({ reason: 'foreign-study' }) }),
    );
  }, 60_000);

  it('shares: only the owner shares; then A sees B everywhere; unsharing takes it away again', async () => {
    // A cannot share (or even see the shares of) a study it cannot see: 404 like an unknown study.
    expect((await api('rad-a', 'POST', `/api/studies/${ST_B}/shares`, { institution: 'SITE-A' })).status).toBe(404);
    expect((await api('rad-a', 'GET', `/api/studies/${ST_B}/shares`)).status).toBe(404);
    const shared = await api('rad-b', 'POST', `/api/studies/${ST_B}/shares`, {
      institution: 'SITE-A',
      purpose: '远程会诊',
    });
    expect(shared.status).toBe(201);
    expect(await shared.json()).toMatchObject({ institutionCode: 'SITE-A', sharedBy: 'rad-b', purpose: '远程会诊' });
    expect(new Set(await qido('rad-a', '/dicomweb/studies'))).toEqual(new Set([ST_A, ST_B]));
    for (const path of wadoPaths(ST_B, SE_B, SOP_B)) expect(await status('rad-a', path), path).toEqual({ status: 200 });
    expect(await findStudies('SCU_A', ST_B)).toBe(1);
    expect(await getStudy('SCU_A', ST_B)).toBe(2);
    expect(await moveStudy('SCU_A', ST_B)).toBe(2);
    // A sees it through the share but cannot pass it on.
    expect((await api('rad-a', 'POST', `/api/studies/${ST_B}/shares`, { institution: 'HUB' })).status).toBe(403);
    const list = (await (await api('rad-a', 'GET', `/api/studies/${ST_B}/shares`)).json()) as { shares: unknown[] };
    expect(list.shares).toHaveLength(1);

    expect((await api('rad-b', 'DELETE', `/api/studies/${ST_B}/shares/SITE-A`)).status).toBe(204);
    expect(await qido('rad-a', '/dicomweb/studies')).toEqual([ST_A]);
    expect((await status('rad-a', `/dicomweb/studies/${ST_B}/metadata`)).status).toBe(404);
    expect(await findStudies('SCU_A', ST_B)).toBe(0);
  }, 120_000);

  it('strictAeMapping refuses calling AE titles no institution lists; mapped ones associate', async () => {
    const strict = await startDimse({ ...fx.ctx, config: { ...fx.ctx.config, strictAeMapping: true } });
    try {
      const echo = (ae: string) => run('echoscu', ['-aet', ae, '-aec', 'LINGSHU', '127.0.0.1', String(strict.port)]);
      expect((await echo('NOBODY')).code).not.toBe(0);
      expect((await echo('scu_a')).code).not.toBe(0);
      const mapped = await echo('SCU_A');
      expect(mapped.code, mapped.stderr).toBe(0);
    } finally {
      await strict.close();
    }
    // Without it, an unknown AE acts for the 'default' hub: it sees neither site's studies.
    expect(await findStudies('NOBODY')).toBe(0);
  }, 60_000);

  it('a network-wide administrator sees every site; institution admin routes need institutions:admin', async () => {
    expect(new Set(await qido('net-admin', '/dicomweb/studies'))).toEqual(new Set([ST_A, ST_B]));
    expect((await status('net-admin', `/dicomweb/studies/${ST_B}/metadata`)).status).toBe(200);
    const list = (await (await api('net-admin', 'GET', '/api/institutions')).json()) as { institutions: unknown[] };
    expect(list.institutions).toHaveLength(4);
    const own = (await (await api('rad-a', 'GET', '/api/institutions')).json()) as {
      own: string;
      institutions: Array<Record<string, unknown>>;
    };
    expect(own.own).toBe('SITE-A');
    expect(own.institutions.every((i) => i.aeTitles === undefined)).toBe(true);
    expect((await api('rad-a', 'POST', '/api/admin/institutions', { code: 'SITE-C', name: 'C' })).status).toBe(403);
    const created = await api('net-admin', 'POST', '/api/admin/institutions', {
      code: 'SITE-C',
      name: '丙乡卫生院',
      hub: 'HUB',
      aeTitles: ['SCU_C'],
    });
    expect(created.status).toBe(201);
    const patched = await api('net-admin', 'PATCH', '/api/admin/institutions/SITE-C', { nameEn: 'Site C' });
    expect(await patched.json()).toMatchObject({ code: 'SITE-C', nameEn: 'Site C', aeTitles: ['SCU_C'] });
    expect((await api('net-admin', 'PATCH', '/api/admin/institutions/NOPE', { name: 'x' })).status).toBe(404);
  }, 60_000);
});
