import type { EventEmitter } from 'node:events';
import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { Principal } from '../auth/principal.js';
import type { ServerEventMap } from '../context.js';
import { visibleStudy } from '../reports/study.js';

/** A lock expires this long after its last heartbeat. */
export const LOCK_TTL_SEC = 120;

export interface StudyLock {
  studyInstanceUID: string;
  userId: string;
  /** Display name of the holder (user name when none is set). Not patient data. */
  lockedBy: string;
  /** ISO 8601: when the holder opened the study. */
  since: string;
  /** ISO 8601: when the lock lapses without a further heartbeat. */
  expiresAt: string;
}

export interface LockResult {
  /** true: the caller holds the lock now; false: a colleague does (`lock` is theirs). */
  mine: boolean;
  lock: StudyLock;
}

interface LockRow {
  study_uid: string;
  user_id: string;
  user_name: string;
  acquired_at: Date | string;
  heartbeat_at: Date | string;
  fresh?: boolean;
}

function toLock(r: LockRow, ttlSec: number): StudyLock {
  const hb = new Date(r.heartbeat_at);
  return {
    studyInstanceUID: r.study_uid,
    userId: r.user_id,
    lockedBy: r.user_name,
    since: new Date(r.acquired_at).toISOString(),
    expiresAt: new Date(hb.getTime() + ttlSec * 1000).toISOString(),
  };
}

export interface LockService {
  /** Acquires or renews (heartbeat) the caller's lock; a colleague's live lock → STUDY_LOCKED (409). */
  acquire(principal: Principal, studyUid: string): Promise<LockResult>;
  /** Releases the caller's lock (no-op when it holds none). */
  release(principal: Principal, studyUid: string): Promise<boolean>;
  /** The live lock of a study, or undefined. */
  current(studyUid: string): Promise<StudyLock | undefined>;
  /** Throws STUDY_LOCKED when a colleague holds a live lock (report writes call this). */
  assertNotLockedByOther(principal: Principal, studyUid: string): Promise<void>;
  /** Deletes lapsed locks and emits `study-lock` (state `expired`) for each. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export function openLocks(
  archive: Archive,
  events: EventEmitter<ServerEventMap>,
  options: { ttlSec?: number; sweepMs?: number } = {},
): LockService {
  const ttl = options.ttlSec ?? LOCK_TTL_SEC;
  const sql = (text: string, values: unknown[] = []) =>
    archive.index.executeSql(text, values) as Promise<{ rows: LockRow[] }>;

  const displayName = async (principal: Principal): Promise<string> => {
    if (principal.kind !== 'user') return principal.name;
    const { rows } = (await archive.index.executeSql(`SELECT display_name FROM users WHERE pk::text = $1`, [
      principal.id,
    ])) as { rows: Array<{ display_name: string }> };
    const name = rows[0]?.display_name?.trim();
    return name ? name : principal.name;
  };

  const current = async (studyUid: string): Promise<StudyLock | undefined> => {
    const { rows } = await sql(
      `SELECT study_uid, user_id, user_name, acquired_at, heartbeat_at FROM study_locks
        WHERE study_uid = $1 AND heartbeat_at > now() - $2 * interval '1 second'`,
      [studyUid, ttl],
    );
    return rows[0] ? toLock(rows[0], ttl) : undefined;
  };

  const sweep = async (): Promise<number> => {
    const { rows } = await sql(
      `DELETE FROM study_locks WHERE heartbeat_at <= now() - $1 * interval '1 second'
       RETURNING study_uid, user_id, user_name, acquired_at, heartbeat_at`,
      [ttl],
    );
    for (const r of rows) {
      const lock = toLock(r, ttl);
      events.emit('study-lock', {
        studyInstanceUID: lock.studyInstanceUID,
        state: 'expired',
        userId: lock.userId,
        lockedBy: lock.lockedBy,
        since: lock.since,
      });
    }
    return rows.length;
  };

  const timer = setInterval(() => {
    void sweep().catch(() => undefined);
  }, options.sweepMs ?? 30_000);
  timer.unref();

  return {
    async acquire(principal, studyUid) {
      const study = await visibleStudy(archive, principal, studyUid);
      const name = await displayName(principal);
      const { rows } = await sql(
        `INSERT INTO study_locks AS l (study_pk, study_uid, user_id, user_name, acquired_at, heartbeat_at)
         VALUES ($1, $2, $3, $4, now(), now())
         ON CONFLICT (study_pk) DO UPDATE SET
           user_id = EXCLUDED.user_id,
           user_name = EXCLUDED.user_name,
           acquired_at = CASE WHEN l.user_id = EXCLUDED.user_id AND l.heartbeat_at > now() - $5 * interval '1 second'
                              THEN l.acquired_at ELSE now() END,
           heartbeat_at = now()
         WHERE l.user_id = EXCLUDED.user_id OR l.heartbeat_at <= now() - $5 * interval '1 second'
         RETURNING study_uid, user_id, user_name, acquired_at, heartbeat_at, (acquired_at = heartbeat_at) AS fresh`,
        [study.pk, studyUid, principal.id, name, ttl],
      );
      const row = rows[0];
      if (!row) {
        const held = await current(studyUid);
        if (held)
          throw new LingshuError('STUDY_LOCKED', undefined, {
            details: { lockedBy: held.lockedBy, since: held.since, expiresAt: held.expiresAt },
          });
        return this.acquire(principal, studyUid);
      }
      const lock = toLock(row, ttl);
      if (row.fresh)
        events.emit('study-lock', {
          studyInstanceUID: studyUid,
          state: 'acquired',
          userId: lock.userId,
          lockedBy: lock.lockedBy,
          since: lock.since,
        });
      return { mine: true, lock };
    },
    async release(principal, studyUid) {
      const { rows } = await sql(
        `DELETE FROM study_locks WHERE study_uid = $1 AND user_id = $2
         RETURNING study_uid, user_id, user_name, acquired_at, heartbeat_at`,
        [studyUid, principal.id],
      );
      const row = rows[0];
      if (!row) return false;
      const lock = toLock(row, ttl);
      events.emit('study-lock', {
        studyInstanceUID: studyUid,
        state: 'released',
        userId: lock.userId,
        lockedBy: lock.lockedBy,
        since: lock.since,
      });
      return true;
    },
    current,
    async assertNotLockedByOther(principal, studyUid) {
      const held = await current(studyUid);
      if (held && held.userId !== principal.id)
        throw new LingshuError('STUDY_LOCKED', undefined, {
          details: { lockedBy: held.lockedBy, since: held.since, expiresAt: held.expiresAt },
        });
    },
    sweep,
    async close() {
      clearInterval(timer);
    },
  };
}
