import type { Hl7Destination } from './outputs/hl7/mllp.js';
import { type CriticalFindingRule, DEFAULT_CRITICAL_FINDINGS } from './oversight/critical.js';

/** A remote DICOM application entity Lingshu can send to (C-MOVE destination, forwarding target). */
export interface RemoteAe {
  aeTitle: string;
  host: string;
  port: number;
}

/** OpenID Connect single sign-on (authorization code flow with PKCE). */
export interface OidcConfig {
  /** Issuer URL; discovery reads `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Must equal the callback registered at the provider: `https://lingshu.example/api/auth/oidc/callback`. */
  redirectUri: string;
  /** ID-token claim matched against Lingshu user names when no user has the subject yet (default `preferred_username`). */
  usernameClaim: string;
}

/** The server's configuration, validated once at start-up (see `loadServerConfig`). */
export interface ServerConfig {
  /** Absolute data directory (object store + embedded index). */
  dataDir: string;
  databaseUrl?: string;
  dbSchema?: string;
  host: string;
  /** HTTP port (0 = any free port). */
  httpPort: number;
  /** DIMSE port (0 = any free port); `null` disables the DIMSE listener. */
  dicomPort: number | null;
  /** Our AE title (1–16 characters, no backslash or control characters). */
  aeTitle: string;
  /** Calling AE titles allowed to associate; empty = any. */
  allowedCallingAes: string[];
  /**
   * Refuse DIMSE associations from calling AE titles that no institution lists (default false:
   * unknown AEs belong to the 'default' hub). See docs/institutions.md.
   */
  strictAeMapping: boolean;
  /** Remote AEs by AE title (C-MOVE destinations, forwarding targets). */
  remoteAes: RemoteAe[];
  /** CORS: allowed origins (`*` = any); empty = CORS off. */
  corsOrigins: string[];
  /** Largest accepted STOW-RS request body in bytes. */
  maxUploadBytes: number;
  /** Largest accepted single DICOM instance in bytes. */
  maxInstanceBytes: number;
  /** Quiet period after the last new instance before a study is declared stable. */
  stableAfterMs: number;
  /** Import the demo studies on first start. */
  demo: boolean;
  /** Log level for the structured log (pino levels). */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** In-process AI workers (0 = this process only queues; `lingshu worker` processes analyse). */
  aiWorkers: number;
  /** Longest AI job run (s): longer runs are aborted and retried; a dead worker's job is retried after it. */
  aiJobTimeoutSeconds: number;
  /** First retry delay of a failed AI job (s); doubles with each attempt. */
  aiRetryDelaySeconds: number;
  /** AE title (from remoteAes) the SR/SEG of every AI result is forwarded to; absent = none. */
  aiForwardTo?: string;
  /**
   * Require credentials on every non-public route (default true). `false` is only accepted on a
   * loopback host: requests without credentials then act as a local administrator.
   */
  authRequired: boolean;
  /** Mark the session cookie `Secure` even on plain-HTTP requests (set behind an HTTPS proxy). */
  secureCookies: boolean;
  /** A session ends this long after login, whatever the activity (minutes). */
  sessionMaxAgeMinutes: number;
  /** A session ends after this long without a request (minutes). */
  sessionIdleMinutes: number;
  /** Failed logins in a row that lock an account. */
  lockoutThreshold: number;
  /** How long a locked account stays locked (minutes). */
  lockoutMinutes: number;
  /** Single sign-on through an OpenID Connect provider; absent = off. */
  oidc?: OidcConfig;
  /** Critical findings (危急值) that notify the responsible readers (see docs/oversight.md). */
  criticalFindings: CriticalFindingRule[];
  /** Built web app served at `/` (absent = the @lingshu/web package's dist, see web/static.ts). */
  webDir?: string;
  /** Font with CJK glyphs for report PDFs (absent = /usr/share/fonts/truetype/wqy/wqy-microhei.ttc). */
  pdfFontPath?: string;
  /** RIS/HIS that receive an HL7 v2 ORU^R01 over MLLP for every signed report (docs/outputs.md). */
  hl7Destinations?: Hl7Destination[];
}

export const DEFAULT_SERVER_CONFIG: Omit<ServerConfig, 'dataDir'> = {
  host: '127.0.0.1',
  httpPort: 8042,
  dicomPort: 11112,
  aeTitle: 'LINGSHU',
  allowedCallingAes: [],
  strictAeMapping: false,
  remoteAes: [],
  corsOrigins: [],
  maxUploadBytes: 4 * 1024 * 1024 * 1024,
  maxInstanceBytes: 1024 * 1024 * 1024,
  stableAfterMs: 30_000,
  demo: true,
  logLevel: 'info',
  aiWorkers: 1,
  aiJobTimeoutSeconds: 900,
  aiRetryDelaySeconds: 30,
  authRequired: true,
  secureCookies: false,
  sessionMaxAgeMinutes: 12 * 60,
  sessionIdleMinutes: 60,
  lockoutThreshold: 5,
  lockoutMinutes: 15,
  criticalFindings: [...DEFAULT_CRITICAL_FINDINGS],
};
