import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { buildApp } from '../app.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../config.js';
import type { ServerContext } from '../context.js';
import { bossSchema } from '../jobs/boss.js';
import { openContext } from '../platform/open.js';
import { testSchema } from '../testing/instances.js';
import { SESSION_COOKIE } from './credentials.js';

/** A strong password for test users (policy: ≥ 10 characters, 3 classes). */
export const TEST_PASSWORD = 'Correct-Horse-42';

export interface AuthFixture {
  app: FastifyInstance;
  ctx: ServerContext;
  archive: Archive;
  /** Logs in with the password and returns the `Cookie` header value of the session. */
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** The real app with authentication ON, on PGlite or (given `databaseUrl`) a fresh PostgreSQL schema. */
export async function openAuthFixture(
  options: { databaseUrl?: string | undefined; config?: Partial<ServerConfig>; log?: Logger } = {},
): Promise<AuthFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lingshu-auth-'));
  const schema = options.databaseUrl ? testSchema() : undefined;
  const archive = await Archive.open({
    dataDir,
    durable: false,
    ...(options.databaseUrl && schema ? { databaseUrl: options.databaseUrl, schema } : {}),
  });
  const config: ServerConfig = {
    ...DEFAULT_SERVER_CONFIG,
    dataDir,
    dicomPort: null,
    demo: false,
    logLevel: 'silent',
    ...options.config,
  };
  const ctx = await openContext(archive, config, options.log ?? pino({ level: 'silent' }));
  const app = await buildApp(ctx);
  return {
    app,
    ctx,
    archive,
    async login(username, password = TEST_PASSWORD) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const cookie = String(res.headers['set-cookie'] ?? '');
      const m = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(cookie);
      if (!m) throw new Error('no session cookie');
      return `${SESSION_COOKIE}=${m[1]}`;
    },
    async close() {
      await app.close();
      // Workers stop before the schema goes: a job poll holding one table's lock while DROP … CASCADE
      // holds another's deadlocked CI once.
      await ctx.platform.close();
      if (schema) {
        await archive.index.db.schema.dropSchema(schema).ifExists().cascade().execute();
        await archive.index.db.schema.dropSchema(bossSchema(archive)).ifExists().cascade().execute();
      }
      await archive.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
