import { createHash, createPublicKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { LingshuError } from '@lingshu/dicom';
import type { OidcConfig } from '../config.js';

/** What discovery tells us (`/.well-known/openid-configuration`). */
export interface OidcProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export type IdTokenClaims = Record<string, unknown> & { sub: string; iss: string; nonce?: string };

const FETCH_TIMEOUT_MS = 10_000;
const CLOCK_SKEW_SEC = 60;

export function oidcFailed(reason: string): LingshuError {
  return new LingshuError('AUTH_OIDC_FAILED', undefined, { details: { reason } });
}

export const b64url = (buf: Buffer): string => buf.toString('base64url');
export const randomToken = (): string => b64url(randomBytes(32));
export const pkceChallenge = (verifier: string): string => b64url(createHash('sha256').update(verifier).digest());

async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    throw oidcFailed('provider-unreachable');
  }
  if (!res.ok) throw oidcFailed(`provider-status-${res.status}`);
  const body = (await res.json().catch(() => null)) as unknown;
  if (typeof body !== 'object' || body === null) throw oidcFailed('provider-bad-json');
  return body as Record<string, unknown>;
}

/** An OpenID Connect relying party: discovery, code exchange, RS256 ID-token verification. */
export class OidcClient {
  private metadata: { value: OidcProviderMetadata; until: number } | undefined;
  private keys = new Map<string, JsonWebKey>();

  constructor(readonly config: OidcConfig) {}

  async discover(): Promise<OidcProviderMetadata> {
    if (this.metadata && this.metadata.until > Date.now()) return this.metadata.value;
    const m = await getJson(`${this.config.issuer}/.well-known/openid-configuration`);
    for (const k of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'])
      if (typeof m[k] !== 'string') throw oidcFailed('discovery-incomplete');
    if (String(m.issuer).replace(/\/$/, '') !== this.config.issuer) throw oidcFailed('issuer-mismatch');
    const value = m as unknown as OidcProviderMetadata;
    this.metadata = { value, until: Date.now() + 3600_000 };
    return value;
  }

  async authorizationUrl(state: string, nonce: string, verifier: string): Promise<string> {
    const m = await this.discover();
    const url = new URL(m.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('redirect_uri', this.config.redirectUri);
    url.searchParams.set('scope', 'openid profile email');
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', pkceChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /** Exchanges the code (client_secret_basic + PKCE verifier) and returns the verified ID-token claims. */
  async exchange(code: string, verifier: string, nonce: string): Promise<IdTokenClaims> {
    const m = await this.discover();
    const basic = Buffer.from(
      `${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`,
    ).toString('base64');
    const body = await getJson(m.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.config.redirectUri,
        client_id: this.config.clientId,
        code_verifier: verifier,
      }).toString(),
    });
    if (typeof body.id_token !== 'string') throw oidcFailed('no-id-token');
    return this.verifyIdToken(body.id_token, nonce);
  }

  private async key(kid: string | undefined): Promise<JsonWebKey> {
    const pick = () => (kid ? this.keys.get(kid) : this.keys.size === 1 ? [...this.keys.values()][0] : undefined);
    let jwk = pick();
    if (!jwk) {
      const set = await getJson((await this.discover()).jwks_uri);
      this.keys = new Map();
      for (const k of Array.isArray(set.keys) ? (set.keys as JsonWebKey[]) : []) {
        if (k.kty === 'RSA' && (k.use === undefined || k.use === 'sig')) this.keys.set(String(k.kid ?? ''), k);
      }
      jwk = pick();
    }
    if (!jwk) throw oidcFailed('unknown-key');
    return jwk;
  }

  /** RS256 signature against the provider's JWKS, then iss, aud (azp), exp, iat and nonce. */
  async verifyIdToken(jwt: string, nonce: string, now = Date.now()): Promise<IdTokenClaims> {
    const parts = jwt.split('.');
    if (parts.length !== 3) throw oidcFailed('malformed-id-token');
    const [h, p, s] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      throw oidcFailed('malformed-id-token');
    }
    if (header.alg !== 'RS256') throw oidcFailed('unsupported-alg');
    const jwk = await this.key(typeof header.kid === 'string' ? header.kid : undefined);
    const ok = verify(
      'RSA-SHA256',
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(s, 'base64url'),
    );
    if (!ok) throw oidcFailed('bad-signature');
    const metadata = await this.discover();
    if (claims.iss !== metadata.issuer) throw oidcFailed('bad-issuer');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(this.config.clientId)) throw oidcFailed('bad-audience');
    if (aud.length > 1 && claims.azp !== this.config.clientId) throw oidcFailed('bad-azp');
    const sec = now / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SEC < sec) throw oidcFailed('expired');
    if (typeof claims.iat === 'number' && claims.iat - CLOCK_SKEW_SEC > sec) throw oidcFailed('issued-in-future');
    if (claims.nonce !== nonce) throw oidcFailed('bad-nonce');
    if (typeof claims.sub !== 'string' || claims.sub === '') throw oidcFailed('no-subject');
    return claims as IdTokenClaims;
  }
}
