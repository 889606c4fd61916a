import { LingshuError } from '@lingshu/dicom';
import type { RemoteAe, ServerConfig } from './config.js';

/** CONFIG_INVALID naming the setting (flag, variable or file key) that was wrong; never its value. */
export function configInvalid(setting: string, message: string): LingshuError {
  return new LingshuError('CONFIG_INVALID', `${setting}: ${message}`, { details: { setting } });
}

export function parsePort(raw: unknown, setting: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d{1,5}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw configInvalid(setting, 'must be a port number 0–65535');
  return n;
}

/** A DIMSE port, or `off` / `null` / `false` to disable the listener. */
export function parseDicomPort(raw: unknown, setting: string): number | null {
  if (raw === null || raw === false || (typeof raw === 'string' && /^\s*(off|none|false)\s*$/i.test(raw))) return null;
  return parsePort(raw, setting);
}

/** PS3.5 §6.2 AE: 1–16 characters of the default repertoire, no backslash or control characters. */
export function parseAeTitle(raw: unknown, setting: string): string {
  if (typeof raw !== 'string') throw configInvalid(setting, 'must be an AE title');
  const ae = raw.trim();
  if (ae === '' || ae.length > 16) throw configInvalid(setting, 'an AE title has 1–16 characters');
  // Printable ASCII except backslash (PS3.5 §6.2 AE: default repertoire, no control characters).
  if (!/^[ -[\]-~]+$/.test(ae))
    throw configInvalid(setting, 'an AE title has no backslash, control or non-ASCII characters');
  return ae;
}

export function parseHost(raw: unknown, setting: string): string {
  if (typeof raw !== 'string' || raw.trim() === '' || /[\s/]/.test(raw.trim()))
    throw configInvalid(setting, 'must be a host name or an IP address');
  return raw.trim();
}

/** Comma-separated strings (flags, environment) or a JSON array of strings (config file). */
export function parseList(raw: unknown, setting: string): string[] {
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) return raw.map((s) => s.trim());
  throw configInvalid(setting, 'must be a list of strings');
}

export function parseAeList(raw: unknown, setting: string): string[] {
  return parseList(raw, setting).map((ae) => parseAeTitle(ae, setting));
}

/** Origins are `*` or scheme://host[:port]; anything else is a mistake worth failing for. */
export function parseOrigins(raw: unknown, setting: string): string[] {
  const origins = parseList(raw, setting);
  for (const o of origins) {
    if (o === '*') continue;
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw configInvalid(setting, 'each origin must be * or like https://viewer.example.org');
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== o.replace(/\/$/, ''))
      throw configInvalid(setting, 'each origin must be * or like https://viewer.example.org');
  }
  return origins.map((o) => o.replace(/\/$/, ''));
}

/** `AE@host:port` entries (flags, environment) or `[{aeTitle, host, port}]` (config file). */
export function parseRemoteAes(raw: unknown, setting: string): RemoteAe[] {
  const entries: unknown[] =
    typeof raw === 'string'
      ? parseList(raw, setting).map((s) => {
          const m = /^([^@]+)@(.+):(\d+)$/.exec(s);
          if (!m) throw configInvalid(setting, 'each remote AE is AE@host:port');
          return { aeTitle: m[1], host: m[2], port: m[3] };
        })
      : Array.isArray(raw)
        ? raw
        : [];
  if (typeof raw !== 'string' && !Array.isArray(raw)) throw configInvalid(setting, 'must be a list of remote AEs');
  const out = entries.map((e) => {
    if (typeof e !== 'object' || e === null) throw configInvalid(setting, 'each remote AE is {aeTitle, host, port}');
    const r = e as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => k !== 'aeTitle' && k !== 'host' && k !== 'port');
    if (extra.length > 0) throw configInvalid(setting, `unknown remote AE field ${extra[0]}`);
    return {
      aeTitle: parseAeTitle(r.aeTitle, setting),
      host: parseHost(r.host, setting),
      port: parsePort(r.port, setting),
    };
  });
  const seen = new Set<string>();
  for (const r of out) {
    if (seen.has(r.aeTitle)) throw configInvalid(setting, 'an AE title is listed twice');
    seen.add(r.aeTitle);
  }
  return out;
}

export function parsePositiveInt(raw: unknown, setting: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw configInvalid(setting, `must be an integer 1–${max}`);
  return n;
}

export function parseNonNegativeInt(raw: unknown, setting: string, max: number): number {
  if (raw === 0 || raw === '0') return 0;
  return parsePositiveInt(raw, setting, max);
}

export function parseBoolean(raw: unknown, setting: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^\s*(1|true|yes|on)\s*$/i.test(raw)) return true;
  if (typeof raw === 'string' && /^\s*(0|false|no|off)\s*$/i.test(raw)) return false;
  throw configInvalid(setting, 'must be true or false');
}

const LOG_LEVELS: ReadonlyArray<ServerConfig['logLevel']> = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export function parseLogLevel(raw: unknown, setting: string): ServerConfig['logLevel'] {
  const level = LOG_LEVELS.find((l) => typeof raw === 'string' && l === raw.trim().toLowerCase());
  if (!level) throw configInvalid(setting, `must be one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

export function parseDatabaseUrl(raw: unknown, setting: string): string {
  if (typeof raw !== 'string') throw configInvalid(setting, 'must be a postgres:// URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configInvalid(setting, 'is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw configInvalid(setting, 'must start with postgres:// or postgresql://');
  return raw;
}

export function parseSchema(raw: unknown, setting: string): string {
  if (typeof raw !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(raw.trim()))
    throw configInvalid(setting, 'must be a lower-case SQL identifier');
  return raw.trim();
}

export function parseWebDir(raw: unknown, setting: string): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw configInvalid(setting, 'the web app directory must not be empty');
  return raw;
}

export function parseDir(raw: unknown, setting: string): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw configInvalid(setting, 'the data directory must not be empty');
  return raw;
}
