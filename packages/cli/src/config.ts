import { resolve } from 'node:path';
import { LingshuError } from '@lingshu/dicom';
import { isLang, type Lang, langFromEnv } from './i18n.js';

/** The CLI's configuration, loaded once at start and validated. */
export interface CliConfig {
  /** Absolute data directory (object store + embedded index). */
  dataDir: string;
  /** PostgreSQL server for the index; absent = embedded PGlite under dataDir. */
  databaseUrl?: string;
  /** PostgreSQL schema for the index (LINGSHU_DB_SCHEMA); absent = the server's default search path. */
  dbSchema?: string;
  /** HTTP port (0 = any free port). */
  httpPort: number;
  host: string;
  lang: Lang;
}

/** Command-line overrides (take precedence over the environment). */
export interface ConfigOverrides {
  data?: string;
  httpPort?: string;
  host?: string;
  lang?: string;
}

export const DEFAULT_HTTP_PORT = 8042;
export const DEFAULT_HOST = '127.0.0.1';

function invalid(message: string, setting: string): LingshuError {
  return new LingshuError('CONFIG_INVALID', message, { details: { setting } });
}

function parsePort(raw: string, setting: string): number {
  if (!/^\d{1,5}$/.test(raw.trim())) throw invalid(`${setting} must be a port number 0–65535`, setting);
  const port = Number(raw);
  if (port > 65535) throw invalid(`${setting} must be a port number 0–65535`, setting);
  return port;
}

function parseDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('DATABASE_URL is not a URL', 'DATABASE_URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw invalid('DATABASE_URL must start with postgres:// or postgresql://', 'DATABASE_URL');
  }
  return raw;
}

/** Loads and validates the configuration; throws LingshuError CONFIG_INVALID with the setting named. */
export function loadConfig(overrides: ConfigOverrides, env: NodeJS.ProcessEnv, cwd: string): CliConfig {
  const dataRaw = overrides.data ?? env.LINGSHU_DATA_DIR ?? '.lingshu';
  if (dataRaw.trim() === '') throw invalid('The data directory must not be empty', '--data / LINGSHU_DATA_DIR');
  const portRaw = overrides.httpPort ?? env.LINGSHU_HTTP_PORT;
  const httpPort =
    portRaw === undefined
      ? DEFAULT_HTTP_PORT
      : parsePort(portRaw, overrides.httpPort !== undefined ? '--http-port' : 'LINGSHU_HTTP_PORT');
  const host = (overrides.host ?? env.LINGSHU_HOST ?? DEFAULT_HOST).trim();
  if (host === '' || /[\s/]/.test(host)) throw invalid('The host must be a host name or an IP address', '--host');
  const langRaw = overrides.lang;
  if (langRaw !== undefined && !isLang(langRaw)) throw invalid('--lang must be en or zh-CN', '--lang');
  const lang = langRaw ?? langFromEnv(env);
  const databaseUrl = env.DATABASE_URL ? parseDatabaseUrl(env.DATABASE_URL) : undefined;
  const dbSchema = env.LINGSHU_DB_SCHEMA?.trim() || undefined;
  if (dbSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(dbSchema)) {
    throw invalid('LINGSHU_DB_SCHEMA must be a lower-case SQL identifier', 'LINGSHU_DB_SCHEMA');
  }
  return {
    dataDir: resolve(cwd, dataRaw),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(dbSchema ? { dbSchema } : {}),
    httpPort,
    host,
    lang,
  };
}
