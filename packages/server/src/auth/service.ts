import { randomBytes } from 'node:crypto';
import { LingshuError } from '@lingshu/dicom';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditEventInput, AuditSink } from '../audit/types.js';
import type { ServerConfig } from '../config.js';
import type { AuthTables } from './migrations.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import type { Principal } from './principal.js';
import { type ApiTokenInfo, type NewToken, sha256Hex, TokenStore } from './tokens.js';
import {
  type AuthUser,
  type NewUser,
  toAuthUser,
  type UserChanges,
  type UserRow,
  UserStore,
  userPrincipal,
} from './users.js';

/** Where a login attempt came from (for the audit trail). */
export interface AttemptContext {
  address?: string;
  /** Route pattern or mechanism, e.g. 'POST /api/auth/login', 'basic'. */
  via?: string;
}

/** A resolved session: its principal and the session id (sha256 of the cookie value). */
export interface SessionPrincipal {
  principal: Principal;
  sessionId: string;
  reauthenticatedAt: Date | null;
}

export interface NewSession {
  /** The cookie value (shown to the client once, stored hashed). */
  cookieValue: string;
  sessionId: string;
  expiresAt: Date;
}

type AuthConfig = Pick<
  ServerConfig,
  'sessionMaxAgeMinutes' | 'sessionIdleMinutes' | 'lockoutThreshold' | 'lockoutMinutes'
>;

/** Basic-auth credentials verified recently (scrypt per request would be too slow for DICOMweb tools). */
const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 1000;

/**
 * Identity and access: users (scrypt passwords, lockout), sessions (absolute + idle expiry) and
 * API tokens. Audit events go to `audit()` when the audit area is open.
 */
export class AuthService {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  private readonly basicCache = new Map<string, { userPk: string; changedAt: number; until: number }>();

  constructor(
    private readonly db: Kysely<AuthTables>,
    readonly config: AuthConfig,
    private readonly log: Logger,
    private readonly audit: () => AuditSink | undefined,
  ) {
    this.users = new UserStore(db);
    this.tokens = new TokenStore(db);
  }

  /** Records an audit event when the audit trail is open (it never throws on our path). */
  async record(event: AuditEventInput): Promise<void> {
    await this.audit()?.record(event);
  }

  async createUser(input: NewUser): Promise<AuthUser> {
    return toAuthUser(await this.users.create(input));
  }

  async updateUser(pk: string, changes: UserChanges): Promise<AuthUser> {
    const row = await this.users.update(pk, changes);
    if (changes.disabled === true) await this.endSessionsOf(pk);
    return toAuthUser(row);
  }

  async listUsers(): Promise<AuthUser[]> {
    return (await this.users.list()).map((r) => toAuthUser(r));
  }

  async getUser(pk: string): Promise<AuthUser | undefined> {
    const row = await this.users.byPk(pk);
    return row ? toAuthUser(row) : undefined;
  }

  async findUser(username: string): Promise<AuthUser | undefined> {
    const row = await this.users.byUsername(username);
    return row ? toAuthUser(row) : undefined;
  }

  async countUsers(): Promise<number> {
    return this.users.count();
  }

  /** Sets a password (policy checked) and ends the user's sessions. */
  async setPassword(pk: string, password: string): Promise<void> {
    const row = await this.users.byPk(pk);
    if (!row) throw new LingshuError('HTTP_NOT_FOUND', 'No user has this id');
    await this.users.setPassword(row, password);
    await this.users.unlock(pk);
    await this.endSessionsOf(pk);
  }

  /** Changes one's own password: the current one must match; other sessions end. */
  async changeOwnPassword(pk: string, current: string, next: string, keepSessionId?: string): Promise<void> {
    const row = await this.users.byPk(pk);
    if (!row?.password_hash || !(await verifyPassword(current, row.password_hash)))
      throw new LingshuError('AUTH_INVALID_CREDENTIALS', 'The current password is wrong');
    await this.users.setPassword(row, next);
    await this.endSessionsOf(pk, keepSessionId);
  }

  async unlockUser(pk: string): Promise<void> {
    await this.users.unlock(pk);
  }

  /**
   * Checks a user name and password. Unknown users, disabled and locked accounts and wrong
   * passwords all throw the same AUTH_INVALID_CREDENTIALS (the audit trail tells them apart);
   * `lockoutThreshold` failures in a row lock the account for `lockoutMinutes`.
   */
  async login(username: string, password: string, at: AttemptContext = {}): Promise<UserRow> {
    const row = await this.users.byUsername(username);
    const base = {
      action: 'login' as const,
      ...(at.address ? { address: at.address } : {}),
      ...(at.via ? { via: at.via } : {}),
    };
    const refuse = async (reason: string, principal?: Principal): Promise<never> => {
      await this.record({
        ...base,
        outcome: 'failure',
        ...(principal ? { principal } : { actorName: username.slice(0, 64) }),
        detail: { reason },
      });
      throw new LingshuError('AUTH_INVALID_CREDENTIALS');
    };
    if (!row?.password_hash) {
      await verifyPassword(password, await dummyPasswordHash());
      return refuse(row ? 'no-password' : 'unknown-user');
    }
    const principal = userPrincipal(row);
    if (row.disabled) {
      await verifyPassword(password, await dummyPasswordHash());
      return refuse('disabled', principal);
    }
    if (row.locked_until && new Date(row.locked_until) > new Date()) {
      await verifyPassword(password, await dummyPasswordHash());
      return refuse('locked', principal);
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      const lockedUntil = await this.users.recordFailure(
        row.pk,
        this.config.lockoutThreshold,
        this.config.lockoutMinutes,
      );
      if (lockedUntil) {
        this.log.warn({ user: row.username }, 'account locked after repeated failed logins');
        await this.record({
          ...base,
          action: 'security-alert',
          outcome: 'failure',
          principal,
          resource: { type: 'user', id: String(row.pk) },
          detail: { reason: 'lockout', failures: this.config.lockoutThreshold, minutes: this.config.lockoutMinutes },
        });
      }
      return refuse('wrong-password', principal);
    }
    if (row.failed_attempts > 0 || row.locked_until) await this.users.recordSuccess(row.pk);
    await this.record({ ...base, outcome: 'success', principal });
    return row;
  }

  /** Basic auth on DICOMweb: a login per new credential pair, cached briefly (same lockout). */
  async resolveBasic(username: string, password: string, at: AttemptContext): Promise<Principal | null> {
    const key = sha256Hex(`${username.toLowerCase()}\u0000${password}`);
    const now = Date.now();
    const hit = this.basicCache.get(key);
    if (hit && hit.until > now) {
      const row = await this.users.byPk(hit.userPk);
      const changedAt = row?.password_changed_at ? new Date(row.password_changed_at).getTime() : 0;
      const locked = row?.locked_until && new Date(row.locked_until) > new Date();
      if (row && !row.disabled && !locked && changedAt === hit.changedAt) return userPrincipal(row);
    }
    this.basicCache.delete(key);
    try {
      const row = await this.login(username, password, at);
      if (this.basicCache.size >= BASIC_CACHE_MAX) this.basicCache.clear();
      const changedAt = row.password_changed_at ? new Date(row.password_changed_at).getTime() : 0;
      this.basicCache.set(key, { userPk: String(row.pk), changedAt, until: now + BASIC_CACHE_MS });
      return userPrincipal(row);
    } catch (e) {
      if (e instanceof LingshuError && e.code === 'AUTH_INVALID_CREDENTIALS') return null;
      throw e;
    }
  }

  async createSession(userPk: string, address = ''): Promise<NewSession> {
    const cookieValue = randomBytes(32).toString('base64url');
    const sessionId = sha256Hex(cookieValue);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.sessionMaxAgeMinutes * 60_000);
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
    await this.db
      .insertInto('sessions')
      .values({
        id: sessionId,
        user_pk: userPk,
        expires_at: expiresAt,
        last_seen_at: now,
        address: address.slice(0, 64),
      })
      .execute();
    return { cookieValue, sessionId, expiresAt };
  }

  /** The session's principal, or null when unknown, expired (absolute or idle) or the user is disabled. */
  async resolveSession(cookieValue: string, now = new Date()): Promise<SessionPrincipal | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(cookieValue)) return null;
    const sessionId = sha256Hex(cookieValue);
    const s = await this.db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
    if (!s) return null;
    const idleLimit = new Date(s.last_seen_at).getTime() + this.config.sessionIdleMinutes * 60_000;
    if (new Date(s.expires_at) <= now || idleLimit <= now.getTime()) {
      await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
      return null;
    }
    const user = await this.users.byPk(String(s.user_pk));
    if (!user || user.disabled) return null;
    if (now.getTime() - new Date(s.last_seen_at).getTime() > 30_000)
      await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', sessionId).execute();
    return {
      principal: userPrincipal(user),
      sessionId,
      reauthenticatedAt: s.reauthenticated_at ? new Date(s.reauthenticated_at) : null,
    };
  }

  async endSession(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  async endSessionsOf(userPk: string, exceptSessionId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('user_pk', '=', userPk);
    if (exceptSessionId) q = q.where('id', '!=', exceptSessionId);
    await q.execute();
  }

  /** Re-entering the password (before signing): marks the session as recently re-authenticated. */
  async reauthenticate(sessionId: string, userPk: string, password: string, at: AttemptContext): Promise<Date> {
    const row = await this.users.byPk(userPk);
    if (!row) throw new LingshuError('AUTH_REQUIRED');
    await this.login(row.username, password, at);
    const now = new Date();
    await this.db.updateTable('sessions').set({ reauthenticated_at: now }).where('id', '=', sessionId).execute();
    return now;
  }

  /** Keeps an OIDC login's state (hashed), nonce and PKCE verifier for 10 minutes. */
  async saveOidcState(state: string, nonce: string, codeVerifier: string): Promise<void> {
    const now = new Date();
    await this.db.deleteFrom('oidc_states').where('expires_at', '<', now).execute();
    await this.db
      .insertInto('oidc_states')
      .values({
        state_hash: sha256Hex(state),
        nonce,
        code_verifier: codeVerifier,
        expires_at: new Date(now.getTime() + 600_000),
      })
      .execute();
  }

  /** Takes (deletes) a pending OIDC login: each state is usable once, before it expires. */
  async takeOidcState(state: string): Promise<{ nonce: string; codeVerifier: string } | null> {
    const row = await this.db
      .deleteFrom('oidc_states')
      .where('state_hash', '=', sha256Hex(state))
      .returning(['nonce', 'code_verifier', 'expires_at'])
      .executeTakeFirst();
    if (!row || new Date(row.expires_at) <= new Date()) return null;
    return { nonce: row.nonce, codeVerifier: row.code_verifier };
  }

  async createToken(ownerPk: string, input: NewToken): Promise<{ token: string; info: ApiTokenInfo }> {
    const owner = await this.users.byPk(ownerPk);
    if (!owner) throw new LingshuError('HTTP_NOT_FOUND', 'No user has this id');
    return this.tokens.create(owner, input);
  }

  async resolveToken(token: string): Promise<Principal | null> {
    return this.tokens.resolve(token);
  }
}
