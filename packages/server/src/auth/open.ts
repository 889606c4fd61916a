import type { Archive } from '@lingshu/archive';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/types.js';
import type { ServerConfig } from '../config.js';
import { migratePlatform } from '../platform/migrate.js';
import { AUTH_MIGRATIONS, type AuthTables } from './migrations.js';
import { AuthService } from './service.js';

/** Applies the auth area's migrations and opens the service (no timers: nothing to close). */
export async function openAuth(
  archive: Archive,
  config: ServerConfig,
  log: Logger,
  audit: () => AuditSink | undefined,
): Promise<AuthService> {
  const db = archive.index.db.withTables<AuthTables>() as unknown as Kysely<AuthTables>;
  await migratePlatform(db, 'auth', AUTH_MIGRATIONS);
  return new AuthService(db, config, log, audit);
}
