import { LingshuError } from '@lingshu/dicom';
import { type Kysely, sql } from 'kysely';
import type { AuthTables, UsersTable } from './migrations.js';
import { checkPasswordPolicy, hashPassword } from './password.js';
import { type Principal, permissionsOf, ROLES, type Role } from './principal.js';

/** A user as the API and CLI show it (no hash, no secrets). */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** null = network-wide (admin, qc only). */
  institution: { id: string; code: string; name: string } | null;
  disabled: boolean;
  /** Locked by failed logins until this time (null = not locked). */
  lockedUntil: string | null;
  /** Linked to a single sign-on subject. */
  ssoLinked: boolean;
  hasPassword: boolean;
  passwordChangedAt: string | null;
  createdAt: string;
}

export type UserRow = {
  pk: string;
  username: string;
  display_name: string;
  role: Role;
  institution_pk: string | null;
  password_hash: string | null;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
  oidc_subject: string | null;
  password_changed_at: Date | null;
  created_at: Date;
  institution_code: string | null;
  institution_name: string | null;
};

export interface NewUser {
  username: string;
  role: Role;
  /** Institution code; omitted: network-wide for admin/qc, the default hub otherwise. */
  institution?: string | null;
  displayName?: string;
  /** Omitted: the user can only sign in through single sign-on. */
  password?: string;
  oidcSubject?: string;
}

export interface UserChanges {
  role?: Role;
  /** Institution code, or null for network-wide (admin/qc). */
  institution?: string | null;
  displayName?: string;
  disabled?: boolean;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

export function badParameter(field: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { field } });
}

export function normalizeUsername(raw: string): string {
  const u = raw.trim().toLowerCase();
  if (!USERNAME.test(u))
    throw badParameter(
      'username',
      'A user name has 2–64 characters: letters, digits, . _ @ - (starting with a letter or digit)',
    );
  return u;
}

export function parseRole(raw: string): Role {
  const role = ROLES.find((r) => r === raw);
  if (!role) throw badParameter('role', `The role must be one of ${ROLES.join(', ')}`);
  return role;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toAuthUser(row: UserRow, now = new Date()): AuthUser {
  const locked = row.locked_until && new Date(row.locked_until) > now ? iso(row.locked_until) : null;
  return {
    id: String(row.pk),
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    institution:
      row.institution_pk === null
        ? null
        : { id: String(row.institution_pk), code: row.institution_code ?? '', name: row.institution_name ?? '' },
    disabled: row.disabled,
    lockedUntil: locked,
    ssoLinked: row.oidc_subject !== null,
    hasPassword: row.password_hash !== null,
    passwordChangedAt: iso(row.password_changed_at),
    createdAt: iso(row.created_at) ?? '',
  };
}

export function userPrincipal(row: Pick<UserRow, 'pk' | 'username' | 'role' | 'institution_pk'>): Principal {
  return {
    kind: 'user',
    id: String(row.pk),
    name: row.username,
    role: row.role,
    institutionPk: row.institution_pk === null ? null : String(row.institution_pk),
    permissions: permissionsOf(row.role),
  };
}

/** Users in the index (the `users` table with their institution). */
export class UserStore {
  constructor(private readonly db: Kysely<AuthTables>) {}

  private select() {
    return this.db
      .selectFrom('users as u')
      .leftJoin('institutions as i', 'i.pk', 'u.institution_pk')
      .selectAll('u')
      .select(['i.code as institution_code', 'i.name as institution_name']);
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    return (await this.select().where('u.username', '=', username.trim().toLowerCase()).executeTakeFirst()) as
      | UserRow
      | undefined;
  }

  async byPk(pk: string): Promise<UserRow | undefined> {
    if (!/^\d{1,18}$/.test(pk)) return undefined;
    return (await this.select().where('u.pk', '=', pk).executeTakeFirst()) as UserRow | undefined;
  }

  async bySubject(subject: string): Promise<UserRow | undefined> {
    return (await this.select().where('u.oidc_subject', '=', subject).executeTakeFirst()) as UserRow | undefined;
  }

  async list(): Promise<UserRow[]> {
    return (await this.select().orderBy('u.username').execute()) as UserRow[];
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** institutions.pk of a code; undefined code → the role's default (null for admin/qc, the hub otherwise). */
  async institutionPk(code: string | null | undefined, role: Role): Promise<string | null> {
    const networkWide = role === 'admin' || role === 'qc';
    if (code === null || (code === undefined && networkWide)) {
      if (!networkWide) throw badParameter('institution', 'Only admin and qc users can be network-wide');
      return null;
    }
    const row = await this.db
      .selectFrom('institutions')
      .select('pk')
      .where('code', '=', code ?? 'default')
      .executeTakeFirst();
    if (!row) throw badParameter('institution', 'No institution has this code');
    return String(row.pk);
  }

  async create(input: NewUser): Promise<UserRow> {
    const username = normalizeUsername(input.username);
    const role = parseRole(input.role);
    if (input.password !== undefined) checkPasswordPolicy(input.password, username);
    const institutionPk = await this.institutionPk(input.institution, role);
    if (await this.byUsername(username))
      throw new LingshuError('AUTH_USER_EXISTS', undefined, { details: { field: 'username' } });
    const values: Partial<Record<keyof UsersTable, unknown>> = {
      username,
      display_name: (input.displayName ?? '').trim().slice(0, 200),
      role,
      institution_pk: institutionPk,
      password_hash: input.password === undefined ? null : await hashPassword(input.password),
      password_changed_at: input.password === undefined ? null : new Date(),
      oidc_subject: input.oidcSubject ?? null,
    };
    try {
      await this.db
        .insertInto('users')
        .values(values as never)
        .execute();
    } catch (e) {
      // A concurrent creation of the same name loses on the unique index.
      if (await this.byUsername(username))
        throw new LingshuError('AUTH_USER_EXISTS', undefined, { details: { field: 'username' } });
      throw e;
    }
    const row = await this.byUsername(username);
    if (!row) throw new LingshuError('INTERNAL');
    return row;
  }

  async update(pk: string, changes: UserChanges): Promise<UserRow> {
    const current = await this.byPk(pk);
    if (!current) throw new LingshuError('HTTP_NOT_FOUND', 'No user has this id');
    const role = changes.role === undefined ? current.role : parseRole(changes.role);
    let institutionPk = current.institution_pk === null ? null : String(current.institution_pk);
    if (changes.institution !== undefined) institutionPk = await this.institutionPk(changes.institution, role);
    else if (institutionPk === null && role !== 'admin' && role !== 'qc')
      throw badParameter('institution', 'Only admin and qc users can be network-wide: give an institution');
    const set: Record<string, unknown> = { role, institution_pk: institutionPk };
    if (changes.displayName !== undefined) set.display_name = changes.displayName.trim().slice(0, 200);
    if (changes.disabled !== undefined) set.disabled = changes.disabled;
    await this.db
      .updateTable('users')
      .set(set as never)
      .where('pk', '=', pk)
      .execute();
    const row = await this.byPk(pk);
    if (!row) throw new LingshuError('HTTP_NOT_FOUND', 'No user has this id');
    return row;
  }

  async setPassword(row: UserRow, password: string): Promise<void> {
    checkPasswordPolicy(password, row.username);
    await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), password_changed_at: new Date() })
      .where('pk', '=', row.pk)
      .execute();
  }

  async unlock(pk: string): Promise<void> {
    await this.db.updateTable('users').set({ failed_attempts: 0, locked_until: null }).where('pk', '=', pk).execute();
  }

  async linkSubject(pk: string, subject: string): Promise<void> {
    await this.db.updateTable('users').set({ oidc_subject: subject }).where('pk', '=', pk).execute();
  }

  /** Counts a failed login; returns the lock's end when this failure locked the account. */
  async recordFailure(pk: string, threshold: number, lockMinutes: number): Promise<Date | null> {
    const lockedUntil = new Date(Date.now() + lockMinutes * 60_000);
    const row = await this.db
      .updateTable('users')
      .set({
        failed_attempts: sql`CASE WHEN failed_attempts + 1 >= ${threshold} THEN 0 ELSE failed_attempts + 1 END`,
        locked_until: sql`CASE WHEN failed_attempts + 1 >= ${threshold} THEN ${lockedUntil}::timestamptz ELSE locked_until END`,
      })
      .where('pk', '=', pk)
      .returning(['locked_until'])
      .executeTakeFirst();
    const until = row?.locked_until ? new Date(row.locked_until) : null;
    return until && Math.abs(until.getTime() - lockedUntil.getTime()) < 1000 ? until : null;
  }

  async recordSuccess(pk: string): Promise<void> {
    await this.db.updateTable('users').set({ failed_attempts: 0, locked_until: null }).where('pk', '=', pk).execute();
  }
}
