import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadServerConfig } from '../configLoad.js';
import { requireRecentReauth } from './reauth.js';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from './testing.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: identity and access on PostgreSQL needs DATABASE_URL; running on PGlite only');
const backends = databaseUrl ? ['pglite', 'postgres'] : ['pglite'];

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe.each(backends)('identity and access (%s index)', (backend) => {
  let fx: AuthFixture;
  const logLines: string[] = [];
  let adminCookie: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    fx = await openAuthFixture({
      databaseUrl: backend === 'postgres' ? databaseUrl : undefined,
      log: pino({ level: 'debug' }, sink),
    });
    // A route that needs a fresh password re-entry, as report signing will.
    fx.app.post('/test/sign', { config: { access: 'report:sign' } }, async (request) => {
      requireRecentReauth(request, 60);
      return { signed: true };
    });
    const auth = fx.ctx.platform.auth;
    await auth.createUser({ username: 'Admin', role: 'admin', password: TEST_PASSWORD });
    for (const [username, role] of [
      ['dr.wang', 'radiologist'],
      ['ref.chen', 'referring'],
      ['res.ma', 'researcher'],
      ['tech.zhao', 'technician'],
    ] as const)
      await auth.createUser({ username, role, password: TEST_PASSWORD, displayName: username });
    adminCookie = await fx.login('admin');
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('refuses requests without credentials with 401 and a Bearer challenge; probes stay public', async () => {
    const res = await fx.app.inject({ method: 'GET', url: '/dicomweb/studies' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="lingshu"');
    expect(res.json().error.code).toBe('AUTH_REQUIRED');
    expect((await fx.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const unknown = await fx.app.inject({ method: 'GET', url: '/no/such/route' });
    expect(unknown.statusCode).toBe(401);
  });

  it('logs in with a session cookie (HttpOnly, SameSite=Strict, Path=/), answers me, logs out', async () => {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'DR.WANG', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^lingshu_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain('Secure');
    const body = res.json();
    expect(body.user.username).toBe('dr.wang');
    expect(body.role).toBe('radiologist');
    expect(body.institution.code).toBe('default');
    expect(body.permissions).toContain('report:sign');
    const cookie = setCookie.split(';')[0] as string;

    const me = await fx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe('dr.wang');
    expect((await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: { cookie } })).statusCode).toBe(
      200,
    );

    const out = await fx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await fx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ref.chen', password: 'Wrong-Password-1' },
    });
    const unknown = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody', password: 'Wrong-Password-1' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('names the invalid field of a login body', async () => {
    const res = await fx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { password: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'HTTP_BAD_PARAMETER', details: { field: 'body.username' } });
  });

  it('locks an account after 5 failures (same answer as a wrong password) until an admin unlocks it', async () => {
    await fx.ctx.platform.auth.createUser({ username: 'res.li', role: 'resident', password: TEST_PASSWORD });
    const attempt = (password: string) =>
      fx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'res.li', password } });
    for (let i = 0; i < 5; i++) expect((await attempt('Wrong-Password-1')).statusCode).toBe(401);
    const locked = await attempt(TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json().error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const user = await fx.ctx.platform.auth.findUser('res.li');
    expect(user?.lockedUntil).not.toBeNull();

    const unlock = await fx.app.inject({
      method: 'POST',
      url: `/api/admin/users/${user?.id}/unlock`,
      headers: { cookie: adminCookie },
    });
    expect(unlock.statusCode).toBe(200);
    expect(unlock.json().lockedUntil).toBeNull();
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('rejects weak passwords with AUTH_WEAK_PASSWORD naming the rule', async () => {
    const create = (username: string, password: string) =>
      fx.app.inject({
        method: 'POST',
        url: '/api/admin/users',
        headers: { cookie: adminCookie },
        payload: { username, role: 'technician', password },
      });
    for (const [password, rule] of [
      ['Short-1', 'length'],
      ['alllowercase123', 'classes'],
      ['Weak.User-9', 'username'],
    ] as const) {
      const res = await create('weak.user-9', password);
      expect(res.statusCode, password).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'AUTH_WEAK_PASSWORD', details: { rule } });
    }
    const ok = await create('tech.qian', 'Strong-Enough-7');
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ username: 'tech.qian', role: 'technician', institution: { code: 'default' } });
    expect(ok.json()).not.toHaveProperty('password_hash');
    const dup = await create('TECH.QIAN', 'Strong-Enough-7');
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('AUTH_USER_EXISTS');
  });

  it('enforces roles: referring cannot STOW, researcher cannot QIDO, non-admins cannot manage users', async () => {
    const ref = await fx.login('ref.chen');
    const stow = await fx.app.inject({
      method: 'POST',
      url: '/dicomweb/studies',
      headers: { cookie: ref, 'content-type': 'multipart/related; type="application/dicom"; boundary=x' },
      payload: '--x--',
    });
    expect(stow.statusCode).toBe(403);
    expect(stow.json().error).toMatchObject({ code: 'AUTH_FORBIDDEN', details: { permission: 'study:write' } });
    expect(
      (await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: { cookie: ref } })).statusCode,
    ).toBe(200);
    const researcher = await fx.login('res.ma');
    expect(
      (await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: { cookie: researcher } })).statusCode,
    ).toBe(403);
    expect((await fx.app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: ref } })).statusCode).toBe(
      403,
    );
    const list = await fx.app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: adminCookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json().users.map((u: { username: string }) => u.username)).toContain('dr.wang');
  });

  it('limits API tokens to their scopes, and refuses revoked and expired tokens', async () => {
    const wang = await fx.login('dr.wang');
    const create = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie: wang },
      payload: { name: 'viewer', scopes: ['study:read'], expiresDays: 30 },
    });
    expect(create.statusCode).toBe(201);
    const { token, id } = create.json();
    expect(token).toMatch(/^lsk_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: bearer })).statusCode).toBe(200);
    const stow = await fx.app.inject({
      method: 'POST',
      url: '/dicomweb/studies',
      headers: { ...bearer, 'content-type': 'multipart/related; type="application/dicom"; boundary=x' },
      payload: '--x--',
    });
    expect(stow.statusCode).toBe(403);
    // A token cannot mint tokens or act as a user session.
    expect(
      (await fx.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: bearer, payload: { name: 'x' } }))
        .statusCode,
    ).toBe(403);

    const listed = await fx.app.inject({ method: 'GET', url: '/api/auth/tokens', headers: { cookie: wang } });
    expect(listed.json().tokens).toEqual([expect.objectContaining({ id, name: 'viewer', scopes: ['study:read'] })]);
    expect(listed.body).not.toContain(token);

    // A scope outside the role is refused at creation.
    const tooMuch = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: { cookie: wang },
      payload: { name: 'x', scopes: ['users:admin'] },
    });
    expect(tooMuch.statusCode).toBe(400);

    const db = fx.archive.index.db;
    await sql`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE pk = ${id}`.execute(db);
    expect((await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: bearer })).statusCode).toBe(401);
    await sql`UPDATE api_tokens SET expires_at = NULL WHERE pk = ${id}`.execute(db);
    expect((await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: bearer })).statusCode).toBe(200);
    const revoke = await fx.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: { cookie: wang } });
    expect(revoke.statusCode).toBe(204);
    expect((await fx.app.inject({ method: 'GET', url: '/dicomweb/studies', headers: bearer })).statusCode).toBe(401);
    // Someone else's token is invisible to a non-admin.
    const ref = await fx.login('ref.chen');
    expect(
      (await fx.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: { cookie: ref } })).statusCode,
    ).toBe(404);
  });

  it('ends sessions at their absolute expiry and after idling', async () => {
    const db = fx.archive.index.db;
    const a = await fx.login('tech.zhao');
    const ok = await fx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: a } });
    expect(ok.statusCode).toBe(200);
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_pk = (SELECT pk FROM users WHERE username = 'tech.zhao')`.execute(
      db,
    );
    expect((await fx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: a } })).statusCode).toBe(401);
    const b = await fx.login('tech.zhao');
    await sql`UPDATE sessions SET last_seen_at = now() - interval '61 minutes' WHERE user_pk = (SELECT pk FROM users WHERE username = 'tech.zhao')`.execute(
      db,
    );
    expect((await fx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: b } })).statusCode).toBe(401);
  });

  it('accepts HTTP Basic on QIDO and refuses wrong Basic credentials', async () => {
    const ok = await fx.app.inject({
      method: 'GET',
      url: '/dicomweb/studies',
      headers: { authorization: basic('dr.wang', TEST_PASSWORD) },
    });
    expect(ok.statusCode).toBe(200);
    const again = await fx.app.inject({
      method: 'GET',
      url: '/dicomweb/studies',
      headers: { authorization: basic('dr.wang', TEST_PASSWORD) },
    });
    expect(again.statusCode).toBe(200);
    const bad = await fx.app.inject({
      method: 'GET',
      url: '/dicomweb/studies',
      headers: { authorization: basic('dr.wang', 'Not-The-Password-1') },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toBe('Bearer realm="lingshu"');
  });

  it('needs a recent password re-entry for signing', async () => {
    const wang = await fx.login('dr.wang');
    const before = await fx.app.inject({ method: 'POST', url: '/test/sign', headers: { cookie: wang } });
    expect(before.statusCode).toBe(403);
    expect(before.json().error.code).toBe('AUTH_REAUTH_REQUIRED');
    const wrong = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: { cookie: wang },
      payload: { password: 'Wrong-Password-1' },
    });
    expect(wrong.statusCode).toBe(401);
    const re = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/reauth',
      headers: { cookie: wang },
      payload: { password: TEST_PASSWORD },
    });
    expect(re.statusCode).toBe(200);
    expect((await fx.app.inject({ method: 'POST', url: '/test/sign', headers: { cookie: wang } })).json()).toEqual({
      signed: true,
    });
  });

  it('changes one’s own password (current one required) and disables users', async () => {
    const tech = await fx.login('tech.zhao');
    const bad = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: tech },
      payload: { currentPassword: 'Wrong-Password-1', newPassword: 'New-Password-2026' },
    });
    expect(bad.statusCode).toBe(401);
    const ok = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: tech },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'New-Password-2026' },
    });
    expect(ok.statusCode).toBe(204);
    await expect(fx.login('tech.zhao')).rejects.toThrow(/401/);
    const session = await fx.login('tech.zhao', 'New-Password-2026');
    const id = (await fx.ctx.platform.auth.findUser('tech.zhao'))?.id;
    const disable = await fx.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${id}`,
      headers: { cookie: adminCookie },
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    expect(disable.json().disabled).toBe(true);
    expect((await fx.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: session } })).statusCode).toBe(
      401,
    );
    await expect(fx.login('tech.zhao', 'New-Password-2026')).rejects.toThrow(/401/);
  });

  it('records logins, failures, the lockout, token and user changes in the audit trail', async () => {
    const rows = (
      await sql<{
        action: string;
        outcome: string;
        actor_name: string | null;
        via: string | null;
        detail: Record<string, unknown> | null;
      }>`SELECT action, outcome, actor_name, via, detail FROM audit_log ORDER BY seq`.execute(fx.archive.index.db)
    ).rows;
    const has = (pred: (r: (typeof rows)[number]) => boolean) => rows.some(pred);
    expect(has((r) => r.action === 'login' && r.outcome === 'success' && r.actor_name === 'dr.wang')).toBe(true);
    expect(has((r) => r.action === 'login' && r.outcome === 'failure' && r.actor_name === 'nobody')).toBe(true);
    expect(
      has(
        (r) =>
          r.action === 'login' && r.outcome === 'failure' && r.actor_name === 'res.li' && r.detail?.reason === 'locked',
      ),
    ).toBe(true);
    expect(
      has((r) => r.action === 'security-alert' && r.actor_name === 'res.li' && r.detail?.reason === 'lockout'),
    ).toBe(true);
    expect(has((r) => r.action === 'logout' && r.actor_name === 'dr.wang')).toBe(true);
    expect(has((r) => r.detail?.change === 'token-create')).toBe(true);
    expect(has((r) => r.detail?.change === 'token-revoke')).toBe(true);
    expect(has((r) => r.detail?.change === 'unlock' && r.via === 'POST /api/admin/users/:id/unlock')).toBe(true);
    expect(has((r) => r.action === 'login' && r.via?.startsWith('basic GET /dicomweb/studies') === true)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(TEST_PASSWORD);
    expect(JSON.stringify(rows)).not.toContain('Wrong-Password-1');
  });

  it('keeps passwords, tokens and session cookies out of the log', async () => {
    await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dr.wang', password: 'Leaky-Password-99' },
    });
    await fx.app.inject({
      method: 'GET',
      url: '/dicomweb/studies',
      headers: { authorization: basic('dr.wang', 'Leaky-Basic-Password-98') },
    });
    const text = logLines.join('');
    expect(text).toContain('request rejected');
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain('Leaky-Password-99');
    expect(text).not.toContain('Leaky-Basic-Password-98');
    expect(text).not.toContain(adminCookie.split('=')[1]);
    expect(text).not.toMatch(/lsk_[A-Za-z0-9_-]{20}/);
  });
});

describe('auth configuration', () => {
  it('marks the cookie Secure when secureCookies is on; refuses unlisted public routes and auth off on a LAN host', async () => {
    const fx = await openAuthFixture({ config: { secureCookies: true } });
    try {
      // A public route that is not on PUBLIC_ROUTES is refused when it is added.
      expect(() => fx.app.get('/sneaky', { config: { access: 'public' } }, async () => 'x')).toThrow(/PUBLIC_ROUTES/);
      await fx.ctx.platform.auth.createUser({ username: 'admin', role: 'admin', password: TEST_PASSWORD });
      const res = await fx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: TEST_PASSWORD },
      });
      expect(String(res.headers['set-cookie'])).toContain('; Secure');
      const lan = { ...fx.ctx, config: { ...fx.ctx.config, host: '0.0.0.0', authRequired: false } };
      await expect(buildApp(lan)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      const local = { ...fx.ctx, config: { ...fx.ctx.config, host: '127.0.0.1', authRequired: false } };
      const app = await buildApp(local);
      expect((await app.inject({ method: 'GET', url: '/dicomweb/studies' })).statusCode).toBe(200);
      await app.close();
    } finally {
      await fx.close();
    }
  });

  it('validates authRequired against the host when the configuration loads', () => {
    expect(() => loadServerConfig({ host: '0.0.0.0' }, { LINGSHU_AUTH_REQUIRED: 'false' }, '/tmp')).toThrow(
      /authRequired/,
    );
    expect(loadServerConfig({ host: 'localhost' }, { LINGSHU_AUTH_REQUIRED: 'false' }, '/tmp').authRequired).toBe(
      false,
    );
    expect(loadServerConfig({}, {}, '/tmp').authRequired).toBe(true);
  });
});
