import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations.js';
import { pgliteDialect } from './pgliteDialect.js';
import type { ArchiveSchema } from './schema.js';

export type IndexLocation =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; databaseUrl: string; schema?: string };

export interface IndexDatabase {
  db: Kysely<ArchiveSchema>;
  kind: IndexLocation['kind'];
  close(): Promise<void>;
}

// bigint (int8) and numeric come back as strings from pg; counts are small enough for numbers.
pg.types.setTypeParser(20, (v) => v);

/** Opens the index (embedded PGlite or a PostgreSQL server) and applies migrations. */
export async function openIndexDatabase(location: IndexLocation): Promise<IndexDatabase> {
  if (location.kind === 'pglite') {
    mkdirSync(location.dataDir, { recursive: true });
    const lite = await PGlite.create(location.dataDir);
    const db = new Kysely<ArchiveSchema>({ dialect: pgliteDialect(lite) });
    await migrate(db);
    return {
      db,
      kind: 'pglite',
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
  return { db, kind: 'postgres', close: () => db.destroy() };
}
