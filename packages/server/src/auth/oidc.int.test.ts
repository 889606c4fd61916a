import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from './testing.js';

/**
 * A small OpenID provider written for this test (real HTTP on a loopback port): discovery,
 * an authorize endpoint that approves at once, a token endpoint checking the client secret and
 * the PKCE verifier, and a JWKS. `identity` says who the next login is.
 */
function startProvider() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rogue = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { nonce: string; challenge: string; sub: string; username: string }>();
  const state = {
    issuer: '',
    identity: { sub: 'idp-wang', username: 'dr.wang' },
    signWith: privateKey as KeyObject,
    audience: 'lingshu',
  };
  const idToken = (claims: Record<string, unknown>) => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${enc(claims)}`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), state.signWith).toString('base64url')}`;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', state.issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, {
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/jwks`,
      });
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (q.get('code_challenge_method') !== 'S256' || q.get('client_id') !== 'lingshu') return json(400, {});
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        nonce: q.get('nonce') ?? '',
        challenge: q.get('code_challenge') ?? '',
        sub: state.identity.sub,
        username: state.identity.username,
      });
      const back = new URL(q.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const client = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        if (!grant || challenge !== grant.challenge || client !== 'lingshu:s3cret')
          return json(400, { error: 'invalid_grant' });
        const now = Math.floor(Date.now() / 1000);
        json(200, {
          token_type: 'Bearer',
          access_token: 'opaque',
          id_token: idToken({
            iss: state.issuer,
            aud: state.audience,
            sub: grant.sub,
            nonce: grant.nonce,
            iat: now,
            exp: now + 300,
            preferred_username: grant.username,
          }),
        });
      });
      return;
    }
    json(404, {});
  });
  return { server, state, privateKey, rogue };
}

describe('single sign-on (OpenID Connect)', () => {
  let provider: ReturnType<typeof startProvider>;
  let fx: AuthFixture;

  beforeAll(async () => {
    provider = startProvider();
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    provider.state.issuer = `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`;
    fx = await openAuthFixture({
      config: {
        oidc: {
          issuer: provider.state.issuer,
          clientId: 'lingshu',
          clientSecret: 's3cret',
          redirectUri: 'http://127.0.0.1:8042/api/auth/oidc/callback',
          usernameClaim: 'preferred_username',
        },
      },
    });
    await fx.ctx.platform.auth.createUser({ username: 'dr.wang', role: 'radiologist', password: TEST_PASSWORD });
    await fx.ctx.platform.auth.createUser({ username: 'ref.chen', role: 'referring' });
  });
  afterAll(async () => {
    await fx?.close();
    await new Promise((resolve) => provider?.server.close(resolve));
  });

  /** Browser steps: our login → provider (auto-approve) → our callback. Returns the callback's response. */
  async function signIn() {
    const start = await fx.app.inject({ method: 'GET', url: '/api/auth/oidc/login' });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin).toBe(provider.state.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const approved = await fetch(authorize, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = new URL(String(approved.headers.get('location')));
    expect(callback.pathname).toBe('/api/auth/oidc/callback');
    const res = await fx.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    return { res, callback };
  }

  it('signs an existing user in by the username claim, links the subject, and sets the session cookie', async () => {
    const { res, callback } = await signIn();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('url=/');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    const me = await fx.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: setCookie.split(';')[0] },
    });
    expect(me.json().user).toMatchObject({ username: 'dr.wang', ssoLinked: true });

    // The state is single-use.
    const replay = await fx.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}` });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error).toMatchObject({
      code: 'AUTH_OIDC_FAILED',
      details: { reason: 'unknown-or-expired-state' },
    });

    // Linked by subject now: a renamed claim still finds the same user.
    provider.state.identity = { sub: 'idp-wang', username: 'someone-else' };
    const again = await signIn();
    expect(again.res.statusCode).toBe(200);
  });

  it('refuses unknown accounts (no auto-provisioning) with 403 AUTH_UNKNOWN_USER', async () => {
    provider.state.identity = { sub: 'idp-ghost', username: 'ghost' };
    const { res } = await signIn();
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('AUTH_UNKNOWN_USER');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses ID tokens with a bad signature or audience', async () => {
    provider.state.identity = { sub: 'idp-chen', username: 'ref.chen' };
    provider.state.signWith = provider.rogue;
    const forged = await signIn();
    expect(forged.res.statusCode).toBe(401);
    expect(forged.res.json().error.details.reason).toBe('bad-signature');
    provider.state.signWith = provider.privateKey;
    provider.state.audience = 'another-client';
    const wrongAud = await signIn();
    expect(wrongAud.res.json().error.details.reason).toBe('bad-audience');
    provider.state.audience = 'lingshu';
    const ok = await signIn();
    expect(ok.res.statusCode).toBe(200);
  });
});
