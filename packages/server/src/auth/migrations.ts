import type { ColumnType, Generated } from 'kysely';
import type { PlatformMigration } from '../platform/migrate.js';
import type { Role } from './principal.js';

/** The auth area's migrations (area 'auth'), applied in order by `migratePlatform`. Append only. */
export const AUTH_MIGRATIONS: readonly PlatformMigration[] = [
  {
    id: 1,
    name: 'users, sessions, API tokens',
    sql: `
      CREATE TABLE users (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username text NOT NULL UNIQUE CHECK (username = lower(username)),
        display_name text NOT NULL DEFAULT '',
        role text NOT NULL,
        institution_pk bigint REFERENCES institutions (pk),
        password_hash text,
        failed_attempts integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        disabled boolean NOT NULL DEFAULT false,
        oidc_subject text UNIQUE,
        password_changed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (institution_pk IS NOT NULL OR role IN ('admin', 'qc'))
      );
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        user_pk bigint NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        address text NOT NULL DEFAULT '',
        reauthenticated_at timestamptz
      );
      CREATE INDEX sessions_user ON sessions (user_pk);
      CREATE INDEX sessions_expires ON sessions (expires_at);
      CREATE TABLE api_tokens (
        pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        user_pk bigint NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
        role text NOT NULL,
        institution_pk bigint REFERENCES institutions (pk),
        scopes text[],
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX api_tokens_user ON api_tokens (user_pk);
      CREATE TABLE oidc_states (
        state_hash text PRIMARY KEY,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        expires_at timestamptz NOT NULL
      )
    `,
  },
];

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface UsersTable {
  pk: Generated<string>;
  username: string;
  display_name: ColumnType<string, string | undefined, string>;
  role: Role;
  institution_pk: string | null;
  password_hash: string | null;
  failed_attempts: ColumnType<number, number | undefined, number>;
  locked_until: Timestamp | null;
  disabled: ColumnType<boolean, boolean | undefined, boolean>;
  oidc_subject: string | null;
  password_changed_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  /** sha256 (hex) of the cookie value; the value itself is never stored. */
  id: string;
  user_pk: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  address: ColumnType<string, string | undefined, string>;
  reauthenticated_at: Timestamp | null;
}

export interface ApiTokensTable {
  pk: Generated<string>;
  name: string;
  /** sha256 (hex) of the token; the token is shown once at creation. */
  token_hash: string;
  user_pk: string;
  role: Role;
  institution_pk: string | null;
  /** Permissions the token is limited to (a subset of the role's); null = all of the role's. */
  scopes: string[] | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface OidcStatesTable {
  state_hash: string;
  nonce: string;
  code_verifier: string;
  expires_at: Timestamp;
}

/** The auth area's tables, for `archive.index.db.withTables<AuthTables>()`. */
export type AuthTables = {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  oidc_states: OidcStatesTable;
  institutions: { pk: Generated<string>; code: string; name: string; name_en: string };
};
