import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';

/**
 * Kysely over embedded PGlite. PGlite is one connection, so the "pool" hands out that connection
 * to one user at a time (transactions included) and queues the rest.
 */
export function pgliteDialect(pg: PGlite): PostgresDialect {
  return new PostgresDialect({ pool: pglitePool(pg) });
}

/**
 * A one-connection pool over PGlite: one user at a time (transactions included), the rest queued.
 * `executeSql` runs raw SQL (several statements when there are no parameters) through the same
 * queue, for libraries that bring their own SQL (pg-boss).
 */
export function pglitePool(pg: PGlite): PostgresPool & {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
} {
  let queue: Promise<void> = Promise.resolve();
  const pool = {
    connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const next = new Promise<void>((resolve) => {
        release = resolve;
      });
      const ready = queue.then(() => client(pg, release));
      queue = queue.then(() => next);
      return ready;
    },
    async end(): Promise<void> {
      await queue;
    },
    async executeSql(text: string, values?: unknown[]) {
      const conn = await pool.connect();
      try {
        if (!values || values.length === 0) {
          const results = await pg.exec(text);
          const last = results[results.length - 1];
          return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
        }
        const result = await pg.query(text, values);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } finally {
        conn.release();
      }
    },
  };
  return pool;
}

function commandOf(sqlText: string): PostgresQueryResult<unknown>['command'] {
  const word = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sqlText)?.[1]?.toUpperCase();
  return word === 'INSERT' || word === 'UPDATE' || word === 'DELETE' || word === 'MERGE' ? word : 'SELECT';
}

function client(pg: PGlite, release: () => void): PostgresPoolClient {
  const query = async <R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
    const result = await pg.query<R>(sqlText, [...parameters]);
    return { command: commandOf(sqlText), rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
  };
  return { query: query as PostgresPoolClient['query'], release };
}
