import { type Kysely, sql } from 'kysely';
import { INDEX_BATCH_FUNCTION, INGEST_BATCH_FUNCTION } from './indexBatch.js';
import type { ArchiveSchema } from './schema.js';

/** Ordered, append-only migrations; the same SQL runs on PGlite and PostgreSQL. */
export const MIGRATIONS: ReadonlyArray<{
  id: number;
  name: string;
  sql: string;
  /** One statement that contains semicolons itself (a function body); not split. */
  whole?: boolean;
}> = [
  {
    id: 1,
    name: 'index of patients, studies, series, instances and the change log',
    sql: `
      CREATE TABLE patients (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        patient_key text NOT NULL UNIQUE,
        patient_id text NOT NULL DEFAULT '',
        issuer text NOT NULL DEFAULT '',
        name_alphabetic text NOT NULL DEFAULT '',
        name_ideographic text NOT NULL DEFAULT '',
        name_phonetic text NOT NULL DEFAULT '',
        name_search text NOT NULL DEFAULT '',
        birth_date text NOT NULL DEFAULT '',
        sex text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX patients_patient_id ON patients (patient_id);
      CREATE INDEX patients_name_search ON patients (name_search);
      CREATE TABLE studies (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        study_uid text NOT NULL UNIQUE,
        patient_pk bigint NOT NULL REFERENCES patients (pk),
        study_date text NOT NULL DEFAULT '',
        study_time text NOT NULL DEFAULT '',
        accession_number text NOT NULL DEFAULT '',
        study_id text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        referring_physician text NOT NULL DEFAULT '',
        modalities text[] NOT NULL DEFAULT '{}',
        num_series integer NOT NULL DEFAULT 0,
        num_instances integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX studies_patient ON studies (patient_pk);
      CREATE INDEX studies_date ON studies (study_date);
      CREATE INDEX studies_accession ON studies (accession_number);
      CREATE INDEX studies_modalities ON studies USING gin (modalities);
      CREATE TABLE series (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        series_uid text NOT NULL UNIQUE,
        study_pk bigint NOT NULL REFERENCES studies (pk),
        modality text NOT NULL DEFAULT '',
        series_number integer,
        description text NOT NULL DEFAULT '',
        body_part text NOT NULL DEFAULT '',
        series_date text NOT NULL DEFAULT '',
        series_time text NOT NULL DEFAULT '',
        num_instances integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX series_study ON series (study_pk);
      CREATE INDEX series_modality ON series (modality);
      CREATE TABLE instances (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sop_uid text NOT NULL UNIQUE,
        series_pk bigint NOT NULL REFERENCES series (pk),
        sop_class_uid text NOT NULL,
        instance_number integer,
        transfer_syntax_uid text NOT NULL,
        number_of_frames integer NOT NULL DEFAULT 1,
        rows integer,
        columns integer,
        size_bytes bigint NOT NULL,
        sha256 text NOT NULL,
        storage_key text NOT NULL,
        metadata jsonb NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX instances_series ON instances (series_pk);
      CREATE TABLE changes (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        change_type text NOT NULL,
        resource_level text NOT NULL,
        resource_uid text NOT NULL,
        study_uid text NOT NULL DEFAULT '',
        at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: 2,
    name: 'indexes for hierarchical queries (QIDO-RS, C-FIND)',
    sql: `
      CREATE INDEX studies_date_order ON studies (study_date DESC, study_time DESC, pk DESC);
      CREATE INDEX studies_study_id ON studies (study_id);
      CREATE INDEX series_study_order ON series (study_pk, series_number, pk);
      CREATE INDEX instances_series_order ON instances (series_pk, instance_number, pk);
      CREATE INDEX patients_birth_date ON patients (birth_date);
      CREATE INDEX patients_name_alphabetic_lower ON patients (lower(name_alphabetic) text_pattern_ops);
      CREATE INDEX patients_name_ideographic_lower ON patients (lower(name_ideographic) text_pattern_ops);
      CREATE INDEX patients_name_phonetic_lower ON patients (lower(name_phonetic) text_pattern_ops);
      ALTER TABLE patients ADD COLUMN name_fuzzy text GENERATED ALWAYS AS (
        ' ' || translate(lower(name_alphabetic || ' ' || name_ideographic || ' ' || name_phonetic),
          '^=,āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü', '   aaaaeeeeiiiioooouuuuvvvvv')
      ) STORED
    `,
  },
  {
    id: 3,
    name: 'institutions (医联体 tenancy): study ownership and shares',
    sql: `
      CREATE TABLE institutions (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        name_en text NOT NULL DEFAULT '',
        kind text NOT NULL DEFAULT 'primary' CHECK (kind IN ('hub', 'primary')),
        hub_pk bigint REFERENCES institutions (pk),
        ae_titles text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO institutions (code, name, name_en, kind) VALUES ('default', '本院', 'This hospital', 'hub');
      ALTER TABLE studies ADD COLUMN institution_pk bigint NOT NULL DEFAULT 1 REFERENCES institutions (pk);
      CREATE INDEX studies_institution ON studies (institution_pk, study_date DESC, study_time DESC, pk DESC);
      CREATE TABLE study_shares (
        study_pk bigint NOT NULL REFERENCES studies (pk) ON DELETE CASCADE,
        institution_pk bigint NOT NULL REFERENCES institutions (pk),
        shared_by text NOT NULL DEFAULT '',
        purpose text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (study_pk, institution_pk)
      );
      CREATE INDEX study_shares_institution ON study_shares (institution_pk)
    `,
  },
  {
    id: 4,
    name: 'one-statement batch indexing (ingest.ts): upserts, counts and change log in one call',
    whole: true,
    sql: INDEX_BATCH_FUNCTION,
  },
  {
    id: 5,
    name: 'one-statement ingest (ingest.ts): duplicate and ownership checks folded into the index call',
    whole: true,
    sql: INGEST_BATCH_FUNCTION,
  },
];

/** Applies pending migrations under an advisory lock (safe with several processes on PostgreSQL). */
export async function migrate(db: Kysely<ArchiveSchema>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(4242001)`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS lingshu_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
    const done = new Set((await trx.selectFrom('lingshu_migrations').select('id').execute()).map((r) => r.id));
    let applied = 0;
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      const statements = m.whole ? [m.sql] : m.sql.split(';').map((s) => s.trim());
      for (const statement of statements) {
        if (statement) await sql.raw(statement).execute(trx);
      }
      await trx.insertInto('lingshu_migrations').values({ id: m.id, name: m.name }).execute();
      applied++;
    }
    return applied;
  });
}
