import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'lingshu_session';

/** Credentials a request carries (at most one kind is used: Authorization first, then the cookie). */
export type Credentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'session'; value: string }
  | { kind: 'malformed' }
  | { kind: 'none' };

/** One cookie's value from the Cookie header (no cookie plugin needed for one name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function credentialsOf(request: FastifyRequest): Credentials {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^(\w+)\s+(\S+)\s*$/.exec(auth);
    if (!m) return { kind: 'malformed' };
    const scheme = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (scheme === 'bearer') return { kind: 'bearer', token: value };
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 1) return { kind: 'malformed' };
      return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    return { kind: 'malformed' };
  }
  const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (session) return { kind: 'session', value: session };
  return { kind: 'none' };
}

/** Secure when the request came over HTTPS or the operator says a TLS proxy is in front. */
function secure(request: FastifyRequest, secureCookies: boolean): boolean {
  return secureCookies || request.protocol === 'https';
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS. */
export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  value: string,
  expiresAt: Date,
  secureCookies: boolean,
): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const flags = ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${maxAge}`];
  if (secure(request, secureCookies)) flags.push('Secure');
  reply.header('set-cookie', `${SESSION_COOKIE}=${value}; ${flags.join('; ')}`);
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, secureCookies: boolean): void {
  const flags = ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=0'];
  if (secure(request, secureCookies)) flags.push('Secure');
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${flags.join('; ')}`);
}
