import type { Archive } from '@lingshu/archive';
import PgBoss from 'pg-boss';

/** The analysis queue and its dead-letter queue. */
export const ANALYZE_QUEUE = 'ai-analyze';
export const DEAD_LETTER_QUEUE = 'ai-analyze-dead';
/** Attempts after the first one before a job goes to the dead-letter queue. */
export const RETRY_LIMIT = 3;

/** pg-boss priorities (higher runs first). */
export const BOSS_PRIORITY = { stat: 20, urgent: 10, routine: 0 } as const;

export interface QueueSettings {
  /** Per-job timeout: an active job older than this is failed and retried (a dead worker's job too). */
  timeoutSeconds: number;
  /** First retry delay; doubles per attempt (pg-boss retryBackoff). */
  retryDelaySeconds: number;
}

/** The pg-boss schema for an archive: `pgboss` on PGlite, `<archive schema>_boss` on PostgreSQL. */
export function bossSchema(archive: Archive): string {
  const server = archive.index.server;
  if (!server) return 'pgboss';
  return bossSchemaFor(server.schema ?? 'lingshu');
}

/** The pg-boss schema beside an archive schema on PostgreSQL. */
export function bossSchemaFor(archiveSchema: string): string {
  return `${archiveSchema}_boss`.slice(0, 63);
}

/**
 * Starts pg-boss over the archive's database: through the index's single-connection queue on
 * PGlite, with its own small pool on PostgreSQL (so N processes share one queue). Creates the
 * analysis queue (retries with backoff, timeout, dead letter) and keeps its settings current.
 */
export async function startBoss(archive: Archive, settings: QueueSettings): Promise<PgBoss> {
  const server = archive.index.server;
  const schema = bossSchema(archive);
  // Expired jobs (workers that died) are found by maintenance: check often enough to recover within ~the timeout.
  const maintenanceIntervalSeconds = Math.max(1, Math.min(60, Math.floor(settings.timeoutSeconds / 4)));
  const common = { schema, schedule: false, supervise: true, migrate: true, maintenanceIntervalSeconds };
  const boss = server
    ? new PgBoss({ ...common, connectionString: server.databaseUrl, max: 4, application_name: 'lingshu-jobs' })
    : new PgBoss({ ...common, db: { executeSql: (text, values) => archive.index.executeSql(text, values) } });
  await boss.start();
  const queue: Omit<PgBoss.Queue, 'name'> = {
    policy: 'short',
    retryLimit: RETRY_LIMIT,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: settings.retryDelaySeconds > 0,
    expireInSeconds: settings.timeoutSeconds,
    deadLetter: DEAD_LETTER_QUEUE,
  };
  if (!(await boss.getQueue(DEAD_LETTER_QUEUE))) await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE });
  if (await boss.getQueue(ANALYZE_QUEUE)) await boss.updateQueue(ANALYZE_QUEUE, { name: ANALYZE_QUEUE, ...queue });
  else await boss.createQueue(ANALYZE_QUEUE, { name: ANALYZE_QUEUE, ...queue });
  return boss;
}
