import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations.js';
import { pglitePool } from './pgliteDialect.js';
import type { ArchiveSchema } from './schema.js';

export type IndexLocation =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; databaseUrl: string; schema?: string };

export interface IndexDatabase {
  db: Kysely<ArchiveSchema>;
  kind: IndexLocation['kind'];
  /**
   * Raw SQL on the index's connection(s): through PGlite's one-connection queue (never inside
   * another user's transaction), or a pooled PostgreSQL connection. Several statements are
   * allowed when `values` is empty.
   */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
  /** The PostgreSQL connection string and schema when the index is a server (null on PGlite). */
  server: { databaseUrl: string; schema?: string } | null;
  close(): Promise<void>;
}

// bigint (int8) and numeric come back as strings from pg; counts are small enough for numbers.
pg.types.setTypeParser(20, (v) => v);

/** Opens the index (embedded PGlite or a PostgreSQL server) and applies migrations. */
export async function openIndexDatabase(location: IndexLocation): Promise<IndexDatabase> {
  if (location.kind === 'pglite') {
    mkdirSync(location.dataDir, { recursive: true });
    const lite = await PGlite.create(location.dataDir);
    const pool = pglitePool(lite);
    const db = new Kysely<ArchiveSchema>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db);
    return {
      db,
      kind: 'pglite',
      executeSql: pool.executeSql,
      server: null,
      close: async () => {
        await db.destroy();
        await lite.close();
      },
    };
  }
  const schema = location.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('invalid schema name');
  if (schema) {
    const admin = new pg.Client({ connectionString: location.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: location.databaseUrl,
    max: 8,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<ArchiveSchema>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db);
  const executeSql = async (text: string, values?: unknown[]) => {
    const r = await pool.query(text, values && values.length > 0 ? values : undefined);
    const last = Array.isArray(r) ? (r[r.length - 1] as pg.QueryResult | undefined) : r;
    return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
  };
  return {
    db,
    kind: 'postgres',
    executeSql,
    server: { databaseUrl: location.databaseUrl, ...(schema ? { schema } : {}) },
    close: () => db.destroy(),
  };
}
