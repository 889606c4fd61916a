import type { OidcConfig } from '../config.js';
import { configInvalid } from '../configParse.js';

/** Hosts that only this machine can reach: the only ones where `authRequired: false` is allowed. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** CONFIG_INVALID when authentication is off on a host other machines can reach. */
export function checkAuthRequired(config: { authRequired: boolean; host: string }): void {
  if (!config.authRequired && !isLoopbackHost(config.host))
    throw configInvalid(
      'authRequired',
      'may only be false when host is a loopback address (127.0.0.1, ::1, localhost)',
    );
}

function httpsUrl(raw: unknown, setting: string, field: string): string {
  if (typeof raw !== 'string') throw configInvalid(setting, `oidc.${field} must be a URL`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configInvalid(setting, `oidc.${field} must be a URL`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw configInvalid(setting, `oidc.${field} must be https (http only on a loopback host)`);
  return raw.replace(/\/$/, '');
}

/** `{issuer, clientId, clientSecret, redirectUri, usernameClaim?}` (config file, or JSON in LINGSHU_OIDC). */
export function parseOidc(raw: unknown, setting: string): OidcConfig | undefined {
  let value = raw;
  if (value === null || value === false) return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw configInvalid(setting, 'must be a JSON object');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw configInvalid(setting, 'must be an object {issuer, clientId, clientSecret, redirectUri}');
  const o = value as Record<string, unknown>;
  const known = ['issuer', 'clientId', 'clientSecret', 'redirectUri', 'usernameClaim'];
  const extra = Object.keys(o).find((k) => !known.includes(k));
  if (extra) throw configInvalid(setting, `unknown oidc field ${extra}`);
  for (const k of ['clientId', 'clientSecret'] as const) {
    if (typeof o[k] !== 'string' || o[k] === '') throw configInvalid(setting, `oidc.${k} must be a non-empty string`);
  }
  const claim = o.usernameClaim ?? 'preferred_username';
  if (typeof claim !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(claim))
    throw configInvalid(setting, 'oidc.usernameClaim must be a claim name');
  return {
    issuer: httpsUrl(o.issuer, setting, 'issuer'),
    clientId: o.clientId as string,
    clientSecret: o.clientSecret as string,
    redirectUri: httpsUrl(o.redirectUri, setting, 'redirectUri'),
    usernameClaim: claim,
  };
}
