import { Archive } from '@lingshu/archive';
import { loadServerConfig, openContext, type ServerConfig, type ServerContext } from '@lingshu/server';
import pino from 'pino';
import type { CliContext } from './context.js';

/** `--data` / `--config` as the one-shot commands take them. */
export interface PlatformFlags {
  data?: string | undefined;
  config?: string | undefined;
}

/** The configuration `lingshu serve` would use (flags > LINGSHU_* / DATABASE_URL > config file > defaults). */
export function serverConfigOf(cli: CliContext, values: PlatformFlags): ServerConfig {
  return loadServerConfig(
    {
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(values.config !== undefined ? { config: values.config } : {}),
    },
    cli.env,
    cli.cwd,
  );
}

/** Opens the archive of `config` (PGlite under the data directory, or PostgreSQL). */
export function openArchiveOf(config: ServerConfig): Promise<Archive> {
  return Archive.open({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.dbSchema ? { schema: config.dbSchema } : {}),
  });
}

/** Runs `work` on the server's archive, closing it afterwards. */
export async function withArchive<T>(
  cli: CliContext,
  values: PlatformFlags,
  work: (archive: Archive) => Promise<T>,
): Promise<T> {
  const archive = await openArchiveOf(serverConfigOf(cli, values));
  try {
    return await work(archive);
  } finally {
    await archive.close();
  }
}

/**
 * Runs `work` with the platform services over the server's archive, as a one-shot command: no AI
 * workers start, and changes are recorded in the audit trail like the server's own.
 */
export async function withPlatform<T>(
  cli: CliContext,
  values: PlatformFlags,
  work: (ctx: ServerContext) => Promise<T>,
): Promise<T> {
  const config = { ...serverConfigOf(cli, values), aiWorkers: 0 };
  const archive = await openArchiveOf(config);
  try {
    const ctx = await openContext(archive, config, pino({ level: 'silent' }));
    try {
      return await work(ctx);
    } finally {
      await ctx.platform.close();
    }
  } finally {
    await archive.close();
  }
}
