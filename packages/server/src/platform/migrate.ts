import { type Kysely, sql } from 'kysely';

/** One append-only migration of a platform area (auth, audit, jobs, …). */
export interface PlatformMigration {
  id: number;
  name: string;
  /**
   * Statements separated by `;` (no `;` inside quoted literals; `$$ … $$` bodies of functions may
   * hold `;`); the same SQL runs on PGlite and PostgreSQL.
   */
  sql: string;
}

/**
 * Applies pending migrations of one platform area under an advisory lock, in one transaction.
 * Each area (auth, audit, jobs, …) owns its own ordered list; the archive's own migrations run
 * first (Archive.open), so platform tables may reference archive tables.
 */
export async function migratePlatform(
  // biome-ignore lint/suspicious/noExplicitAny: platform tables are typed per area via withTables
  db: Kysely<any>,
  area: string,
  migrations: readonly PlatformMigration[],
): Promise<number> {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(area)) throw new Error('invalid migration area');
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(4242002)`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS lingshu_platform_migrations (
      area text NOT NULL, id integer NOT NULL, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (area, id))`.execute(trx);
    const rows = await sql<{ id: number }>`SELECT id FROM lingshu_platform_migrations WHERE area = ${area}`.execute(
      trx,
    );
    const done = new Set(rows.rows.map((r) => Number(r.id)));
    let applied = 0;
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) {
        if (statement) await sql.raw(statement).execute(trx);
      }
      await sql`INSERT INTO lingshu_platform_migrations (area, id, name) VALUES (${area}, ${m.id}, ${m.name})`.execute(
        trx,
      );
      applied++;
    }
    return applied;
  });
}

/** Splits a migration at `;`, except inside `$$ … $$` (PL/pgSQL function bodies). */
export function splitStatements(text: string): string[] {
  const out: string[] = [''];
  text.split('$$').forEach((chunk, i) => {
    const last = out.length - 1;
    // Odd chunks are dollar-quoted bodies: they belong to the statement being built.
    if (i % 2 === 1) {
      out[last] = `${out[last]}$$${chunk}$$`;
      return;
    }
    const [head = '', ...rest] = chunk.split(';');
    out[last] = `${out[last]}${head}`;
    out.push(...rest);
  });
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}
