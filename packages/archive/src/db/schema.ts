import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface PatientsTable {
  pk: Generated<string>;
  patient_key: string;
  patient_id: string;
  issuer: string;
  name_alphabetic: string;
  name_ideographic: string;
  name_phonetic: string;
  /** Upper-cased, separator-free concatenation of all name groups, for fuzzy matching. */
  name_search: string;
  birth_date: string;
  sex: string;
  created_at: Timestamp;
}

export interface StudiesTable {
  pk: Generated<string>;
  study_uid: string;
  patient_pk: string;
  study_date: string;
  study_time: string;
  accession_number: string;
  study_id: string;
  description: string;
  referring_physician: string;
  modalities: string[];
  num_series: ColumnType<number, number | undefined, number>;
  num_instances: ColumnType<number, number | undefined, number>;
  /** Owning institution (migration 3; the 'default' hub is pk 1). */
  institution_pk: ColumnType<string, string | number | undefined, string | number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InstitutionsTable {
  pk: Generated<string>;
  code: string;
  name: string;
  name_en: ColumnType<string, string | undefined, string>;
  kind: ColumnType<'hub' | 'primary', 'hub' | 'primary' | undefined, 'hub' | 'primary'>;
  hub_pk: string | null;
  ae_titles: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
}

export interface StudySharesTable {
  study_pk: string;
  institution_pk: string;
  shared_by: ColumnType<string, string | undefined, string>;
  purpose: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
}

export interface SeriesTable {
  pk: Generated<string>;
  series_uid: string;
  study_pk: string;
  modality: string;
  series_number: number | null;
  description: string;
  body_part: string;
  series_date: string;
  series_time: string;
  num_instances: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InstancesTable {
  pk: Generated<string>;
  sop_uid: string;
  series_pk: string;
  sop_class_uid: string;
  instance_number: number | null;
  transfer_syntax_uid: string;
  number_of_frames: number;
  rows: number | null;
  columns: number | null;
  size_bytes: string | number;
  sha256: string;
  storage_key: string;
  metadata: ColumnType<unknown, string, string>;
  stored_at: Timestamp;
}

export interface ChangesTable {
  seq: Generated<string>;
  change_type: string;
  resource_level: string;
  resource_uid: string;
  study_uid: string;
  at: Timestamp;
}

export interface MigrationsTable {
  id: number;
  name: string;
  applied_at: Timestamp;
}

export interface ArchiveSchema {
  patients: PatientsTable;
  studies: StudiesTable;
  series: SeriesTable;
  instances: InstancesTable;
  changes: ChangesTable;
  institutions: InstitutionsTable;
  study_shares: StudySharesTable;
  lingshu_migrations: MigrationsTable;
}
