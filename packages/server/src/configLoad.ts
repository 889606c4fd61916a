import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkAuthRequired, parseOidc } from './auth/authConfig.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from './config.js';
import {
  configInvalid,
  parseAeList,
  parseAeTitle,
  parseBoolean,
  parseDatabaseUrl,
  parseDicomPort,
  parseDir,
  parseHost,
  parseLogLevel,
  parseNonNegativeInt,
  parseOrigins,
  parsePort,
  parsePositiveInt,
  parseRemoteAes,
  parseSchema,
  parseWebDir,
} from './configParse.js';
import { parseHl7Destinations, parsePdfFontPath } from './outputs/config.js';
import { parseCriticalFindings } from './oversight/critical.js';

/** Command-line flags (strings as typed); they take precedence over everything else. */
export interface ServerConfigOverrides {
  data?: string;
  httpPort?: string;
  dicomPort?: string;
  aeTitle?: string;
  host?: string;
  /** `--no-demo` gives `false`. */
  demo?: boolean;
  /** `--config FILE`. */
  config?: string;
}

type Key = Exclude<keyof ServerConfig, 'dataDir'> | 'dataDir';

interface Setting {
  flag?: keyof ServerConfigOverrides;
  flagName?: string;
  env?: string;
  parse: (raw: unknown, setting: string) => unknown;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every setting: where it may come from and how it is validated. Config-file keys equal the field names. */
const SETTINGS: Record<Key, Setting> = {
  dataDir: { flag: 'data', flagName: '--data', env: 'LINGSHU_DATA_DIR', parse: parseDir },
  databaseUrl: { env: 'DATABASE_URL', parse: parseDatabaseUrl },
  dbSchema: { env: 'LINGSHU_DB_SCHEMA', parse: parseSchema },
  host: { flag: 'host', flagName: '--host', env: 'LINGSHU_HOST', parse: parseHost },
  httpPort: { flag: 'httpPort', flagName: '--http-port', env: 'LINGSHU_HTTP_PORT', parse: parsePort },
  dicomPort: { flag: 'dicomPort', flagName: '--dicom-port', env: 'LINGSHU_DICOM_PORT', parse: parseDicomPort },
  aeTitle: { flag: 'aeTitle', flagName: '--ae-title', env: 'LINGSHU_AE_TITLE', parse: parseAeTitle },
  allowedCallingAes: { env: 'LINGSHU_ALLOWED_CALLING_AES', parse: parseAeList },
  strictAeMapping: { env: 'LINGSHU_STRICT_AE_MAPPING', parse: parseBoolean },
  remoteAes: { env: 'LINGSHU_REMOTE_AES', parse: parseRemoteAes },
  corsOrigins: { env: 'LINGSHU_CORS_ORIGINS', parse: parseOrigins },
  maxUploadBytes: { env: 'LINGSHU_MAX_UPLOAD_BYTES', parse: (r, s) => parsePositiveInt(r, s) },
  maxInstanceBytes: { env: 'LINGSHU_MAX_INSTANCE_BYTES', parse: (r, s) => parsePositiveInt(r, s) },
  stableAfterMs: { env: 'LINGSHU_STABLE_AFTER_MS', parse: (r, s) => parseNonNegativeInt(r, s, DAY_MS) },
  demo: { flag: 'demo', flagName: '--no-demo', env: 'LINGSHU_DEMO', parse: parseBoolean },
  logLevel: { env: 'LINGSHU_LOG_LEVEL', parse: parseLogLevel },
  aiWorkers: { env: 'LINGSHU_AI_WORKERS', parse: (r, s) => parseNonNegativeInt(r, s, 64) },
  aiJobTimeoutSeconds: { env: 'LINGSHU_AI_JOB_TIMEOUT_SECONDS', parse: (r, s) => parsePositiveInt(r, s, 23 * 3600) },
  aiRetryDelaySeconds: { env: 'LINGSHU_AI_RETRY_DELAY_SECONDS', parse: (r, s) => parseNonNegativeInt(r, s, 3600) },
  aiForwardTo: { env: 'LINGSHU_AI_FORWARD_TO', parse: parseAeTitle },
  authRequired: { env: 'LINGSHU_AUTH_REQUIRED', parse: parseBoolean },
  secureCookies: { env: 'LINGSHU_SECURE_COOKIES', parse: parseBoolean },
  sessionMaxAgeMinutes: {
    env: 'LINGSHU_SESSION_MAX_AGE_MINUTES',
    parse: (r, s) => parsePositiveInt(r, s, 7 * 24 * 60),
  },
  sessionIdleMinutes: { env: 'LINGSHU_SESSION_IDLE_MINUTES', parse: (r, s) => parsePositiveInt(r, s, 7 * 24 * 60) },
  lockoutThreshold: { env: 'LINGSHU_LOCKOUT_THRESHOLD', parse: (r, s) => parsePositiveInt(r, s, 100) },
  lockoutMinutes: { env: 'LINGSHU_LOCKOUT_MINUTES', parse: (r, s) => parsePositiveInt(r, s, 24 * 60) },
  oidc: { env: 'LINGSHU_OIDC', parse: parseOidc },
  criticalFindings: { env: 'LINGSHU_CRITICAL_FINDINGS', parse: parseCriticalFindings },
  webDir: { env: 'LINGSHU_WEB_DIR', parse: parseWebDir },
  pdfFontPath: { env: 'LINGSHU_PDF_FONT_PATH', parse: parsePdfFontPath },
  hl7Destinations: { env: 'LINGSHU_HL7_DESTINATIONS', parse: parseHl7Destinations },
};

function readConfigFile(path: string, setting: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw configInvalid(setting, 'the configuration file cannot be read');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw configInvalid(setting, 'the configuration file is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw configInvalid(setting, 'the configuration file must hold a JSON object');
  const obj = json as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(key in SETTINGS) && key !== '$schema') throw configInvalid(`${key} (config file)`, 'unknown setting');
  }
  return obj;
}

/**
 * Loads and validates the server configuration once, at start-up. Precedence: command-line flags
 * > environment (`LINGSHU_*`, `DATABASE_URL`) > JSON config file (`--config` or `LINGSHU_CONFIG`)
 * > defaults. Throws CONFIG_INVALID naming the setting. Relative paths in the file are relative
 * to the file; elsewhere to `cwd`.
 */
export function loadServerConfig(
  overrides: ServerConfigOverrides,
  env: NodeJS.ProcessEnv,
  cwd: string,
  configFile?: string,
): ServerConfig {
  const filePath = configFile ?? overrides.config ?? (env.LINGSHU_CONFIG || undefined);
  const fileSetting = overrides.config !== undefined || configFile !== undefined ? '--config' : 'LINGSHU_CONFIG';
  const file = filePath ? readConfigFile(resolve(cwd, filePath), fileSetting) : {};
  const fileDir = filePath ? dirname(resolve(cwd, filePath)) : cwd;

  const values: Partial<Record<Key, unknown>> = {};
  let dataBase = cwd;
  for (const [key, s] of Object.entries(SETTINGS) as Array<[Key, Setting]>) {
    const flagValue = s.flag ? overrides[s.flag] : undefined;
    const envValue = s.env ? env[s.env] : undefined;
    if (flagValue !== undefined) values[key] = s.parse(flagValue, s.flagName ?? key);
    else if (envValue !== undefined && envValue !== '') values[key] = s.parse(envValue, s.env ?? key);
    else if (file[key] !== undefined) {
      values[key] = s.parse(file[key], `${key} (config file)`);
      if (key === 'dataDir') dataBase = fileDir;
      if (key === 'webDir') values.webDir = resolve(fileDir, values.webDir as string);
    }
  }
  if (typeof values.webDir === 'string') values.webDir = resolve(cwd, values.webDir);
  const dataDir = resolve(dataBase, (values.dataDir as string | undefined) ?? '.lingshu');
  const config = { ...DEFAULT_SERVER_CONFIG, ...values, dataDir } as ServerConfig;
  if (config.maxInstanceBytes > config.maxUploadBytes)
    throw configInvalid('maxInstanceBytes', 'must not be larger than maxUploadBytes');
  if (config.aiForwardTo !== undefined && !config.remoteAes.some((r) => r.aeTitle === config.aiForwardTo))
    throw configInvalid('aiForwardTo', 'must be the AE title of an entry in remoteAes');
  if (config.dicomPort !== null && config.dicomPort !== 0 && config.dicomPort === config.httpPort)
    throw configInvalid('dicomPort', 'must differ from the HTTP port');
  checkAuthRequired(config);
  return config;
}
