/**
 * Every route reachable without credentials. A route declaring `access: 'public'` that is not
 * on this list makes the app fail at start-up (auth/guard.ts), so nothing becomes public by
 * accident; adding a line here is the reviewable decision. None of them returns PHI.
 */
export interface PublicRoute {
  method: string;
  /** The route pattern as registered (with its prefix). */
  url: string;
  /** Why it is public (shown in docs/security.md). */
  why: string;
  /** Registered by a third-party plugin that cannot declare `access`: the guard declares it. */
  plugin?: boolean;
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', url: '/healthz', why: 'liveness probe for load balancers' },
  { method: 'GET', url: '/readyz', why: 'readiness probe for load balancers' },
  { method: 'GET', url: '/status', why: 'status page: version and archive totals only, no study' },
  { method: 'GET', url: '/', why: 'web app: index.html (static, no data; the app then signs in)' },
  { method: 'GET', url: '/login', why: 'web app: index.html (static, no data)' },
  { method: 'GET', url: '/worklist', why: 'web app: index.html (static, no data; the list itself needs a login)' },
  { method: 'GET', url: '/viewer/*', why: 'web app: index.html (static, no data; images need a login)' },
  { method: 'GET', url: '/assets/*', why: 'web app: hashed scripts, styles, wasm codecs (static, no data)' },
  { method: 'GET', url: '/api/status', why: 'the status page as JSON (version and totals)' },
  { method: 'POST', url: '/api/auth/login', why: 'password login' },
  { method: 'GET', url: '/api/auth/oidc/login', why: 'start of single sign-on' },
  { method: 'GET', url: '/api/auth/oidc/callback', why: 'single sign-on return from the identity provider' },
  { method: 'OPTIONS', url: '*', why: 'CORS preflight (answered by @fastify/cors)', plugin: true },
];

function methodsOf(method: string | readonly string[]): string[] {
  return (typeof method === 'string' ? [method] : [...method]).map((m) => m.toUpperCase());
}

/** The entry listing this route (HEAD counts as GET), if any. */
export function publicRouteOf(method: string | readonly string[], url: string): PublicRoute | undefined {
  const methods = methodsOf(method).map((m) => (m === 'HEAD' ? 'GET' : m));
  return PUBLIC_ROUTES.find((r) => r.url === url && methods.every((m) => m === r.method));
}
