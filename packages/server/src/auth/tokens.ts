import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthTables } from './migrations.js';
import { PERMISSIONS, type Permission, type Principal, ROLE_PERMISSIONS, type Role } from './principal.js';
import { badParameter, type UserRow } from './users.js';

/** An API token as listed (never the token itself). */
export interface ApiTokenInfo {
  id: string;
  name: string;
  userId: string;
  username: string;
  role: Role;
  institutionId: string | null;
  /** null = every permission of the role. */
  scopes: Permission[] | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface NewToken {
  name: string;
  scopes?: readonly string[];
  expiresDays?: number;
}

export const TOKEN_PREFIX = 'lsk_';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function parseScopes(raw: readonly string[] | undefined, role: Role): Permission[] | null {
  if (raw === undefined) return null;
  const out: Permission[] = [];
  for (const s of raw) {
    const p = PERMISSIONS.find((x) => x === s.trim());
    if (!p) throw badParameter('scopes', `Unknown permission in scopes; known: ${PERMISSIONS.join(', ')}`);
    if (!ROLE_PERMISSIONS[role].includes(p)) throw badParameter('scopes', `The role ${role} does not have ${p}`);
    if (!out.includes(p)) out.push(p);
  }
  if (out.length === 0) throw badParameter('scopes', 'Give at least one permission, or no scopes for all of the role');
  return out;
}

type TokenRow = {
  pk: string;
  name: string;
  user_pk: string;
  username: string;
  role: Role;
  institution_pk: string | null;
  scopes: string[] | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
};

function toInfo(r: TokenRow): ApiTokenInfo {
  return {
    id: String(r.pk),
    name: r.name,
    userId: String(r.user_pk),
    username: r.username,
    role: r.role,
    institutionId: r.institution_pk === null ? null : String(r.institution_pk),
    scopes: r.scopes as Permission[] | null,
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
    createdAt: iso(r.created_at) ?? '',
  };
}

/** API tokens: `lsk_` + 32 random bytes (base64url), stored as sha256, bound to the owner's institution. */
export class TokenStore {
  constructor(private readonly db: Kysely<AuthTables>) {}

  private select() {
    return this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.pk', 't.user_pk')
      .select([
        't.pk',
        't.name',
        't.user_pk',
        'u.username',
        't.role',
        't.institution_pk',
        't.scopes',
        't.expires_at',
        't.revoked_at',
        't.last_used_at',
        't.created_at',
      ]);
  }

  async create(owner: UserRow, input: NewToken): Promise<{ token: string; info: ApiTokenInfo }> {
    const name = input.name.trim();
    if (name === '' || name.length > 100) throw badParameter('name', 'A token name has 1–100 characters');
    const scopes = parseScopes(input.scopes, owner.role);
    if (
      input.expiresDays !== undefined &&
      (!Number.isInteger(input.expiresDays) || input.expiresDays < 1 || input.expiresDays > 3650)
    )
      throw badParameter('expiresDays', 'expiresDays must be an integer 1–3650');
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        name,
        token_hash: sha256Hex(token),
        user_pk: owner.pk,
        role: owner.role,
        institution_pk: owner.institution_pk,
        scopes,
        expires_at: input.expiresDays === undefined ? null : new Date(Date.now() + input.expiresDays * 86_400_000),
      })
      .returning('pk')
      .executeTakeFirstOrThrow();
    const info = await this.byPk(String(row.pk));
    if (!info) throw new Error('token vanished after insert');
    return { token, info };
  }

  async byPk(pk: string): Promise<ApiTokenInfo | undefined> {
    if (!/^\d{1,18}$/.test(pk)) return undefined;
    const row = await this.select().where('t.pk', '=', pk).executeTakeFirst();
    return row ? toInfo(row as TokenRow) : undefined;
  }

  async list(userPk?: string): Promise<ApiTokenInfo[]> {
    let q = this.select().orderBy('t.pk');
    if (userPk !== undefined) q = q.where('t.user_pk', '=', userPk);
    return (await q.execute()).map((r) => toInfo(r as TokenRow));
  }

  async revoke(pk: string): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('pk', '=', pk)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** The principal of a valid token (not revoked or expired, owner enabled and still in the same institution). */
  async resolve(token: string, now = new Date()): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
    const row = await this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.pk', 't.user_pk')
      .select([
        't.pk',
        't.name',
        't.role',
        't.institution_pk',
        't.scopes',
        't.expires_at',
        't.revoked_at',
        't.last_used_at',
        'u.username',
        'u.role as owner_role',
        'u.institution_pk as owner_institution_pk',
        'u.disabled',
      ])
      .where('t.token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || row.disabled) return null;
    if (row.expires_at !== null && new Date(row.expires_at) <= now) return null;
    if (String(row.institution_pk) !== String(row.owner_institution_pk)) return null;
    const ownerNow = new Set(ROLE_PERMISSIONS[row.owner_role as Role]);
    const granted = ROLE_PERMISSIONS[row.role].filter(
      (p) => ownerNow.has(p) && (row.scopes === null || row.scopes.includes(p)),
    );
    if (row.last_used_at === null || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
      await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('pk', '=', row.pk).execute();
    }
    return {
      kind: 'token',
      id: String(row.pk),
      name: `${row.username}/${row.name}`,
      role: row.role,
      institutionPk: row.institution_pk === null ? null : String(row.institution_pk),
      permissions: new Set(granted),
    };
  }
}
