/** A remote DICOM application entity Lingshu can send to (C-MOVE destination, forwarding target). */
export interface RemoteAe {
  aeTitle: string;
  host: string;
  port: number;
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
}

export const DEFAULT_SERVER_CONFIG: Omit<ServerConfig, 'dataDir'> = {
  host: '127.0.0.1',
  httpPort: 8042,
  dicomPort: 11112,
  aeTitle: 'LINGSHU',
  allowedCallingAes: [],
  remoteAes: [],
  corsOrigins: [],
  maxUploadBytes: 4 * 1024 * 1024 * 1024,
  maxInstanceBytes: 1024 * 1024 * 1024,
  stableAfterMs: 30_000,
  demo: true,
  logLevel: 'info',
};
