import { LingshuError } from '@lingshu/dicom';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { setSessionCookie } from './credentials.js';
import { OidcClient, oidcFailed, randomToken } from './oidcClient.js';
import { requestAddress } from './routes.js';
import { type UserRow, userPrincipal } from './users.js';

const PUBLIC = { access: 'public' } as const;

/**
 * Single sign-on (OpenID Connect, authorization code + PKCE S256). Users are never created
 * here: the ID token maps to an existing user by subject, or once by the username claim
 * (which then links the subject). Both routes exist only when `oidc` is configured.
 */
export function registerOidcRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const config = ctx.config.oidc;
  if (!config) return;
  const auth = ctx.platform.auth;
  const client = new OidcClient(config);

  app.get('/api/auth/oidc/login', { config: PUBLIC }, async (_request, reply) => {
    const state = randomToken();
    const nonce = randomToken();
    const verifier = randomToken();
    const url = await client.authorizationUrl(state, nonce, verifier);
    await auth.saveOidcState(state, nonce, verifier);
    return reply.header('cache-control', 'no-store').redirect(url, 302);
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(
    '/api/auth/oidc/callback',
    {
      config: PUBLIC,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            code: { type: 'string', maxLength: 4096 },
            state: { type: 'string', maxLength: 200 },
            error: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const via = 'GET /api/auth/oidc/callback';
      const address = requestAddress(request);
      const { code, state, error } = request.query;
      if (error) throw oidcFailed('provider-error');
      if (!code || !state) throw oidcFailed('missing-code-or-state');
      const pending = await auth.takeOidcState(state);
      if (!pending) throw oidcFailed('unknown-or-expired-state');
      const claims = await client.exchange(code, pending.codeVerifier, pending.nonce);
      let row: UserRow | undefined = await auth.users.bySubject(claims.sub);
      const claimed = claims[config.usernameClaim];
      if (!row && typeof claimed === 'string') {
        const byName = await auth.users.byUsername(claimed);
        if (byName && byName.oidc_subject === null) {
          await auth.users.linkSubject(String(byName.pk), claims.sub);
          row = byName;
        }
      }
      if (!row || row.disabled) {
        await auth.record({
          action: 'login',
          outcome: 'failure',
          ...(row
            ? { principal: userPrincipal(row) }
            : { actorName: typeof claimed === 'string' ? claimed.slice(0, 64) : 'oidc' }),
          address,
          via,
          detail: { reason: row ? 'disabled' : 'unknown-user', mechanism: 'oidc' },
        });
        throw new LingshuError('AUTH_UNKNOWN_USER');
      }
      const session = await auth.createSession(String(row.pk), address);
      setSessionCookie(reply, request, session.cookieValue, session.expiresAt, ctx.config.secureCookies);
      await auth.record({
        action: 'login',
        outcome: 'success',
        principal: userPrincipal(row),
        address,
        via,
        detail: { mechanism: 'oidc' },
      });
      // A page, not a 302: browsers do not send a SameSite=Strict cookie on a redirect chain that
      // began at the identity provider, so the hop to '/' must be a same-site navigation.
      return reply
        .header('cache-control', 'no-store')
        .header('content-type', 'text/html; charset=utf-8')
        .send('<!doctype html><meta http-equiv="refresh" content="0;url=/"><a href="/">Lingshu</a>');
    },
  );
}
