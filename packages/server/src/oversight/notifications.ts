import type { Archive } from '@lingshu/archive';
import type { CriticalMatch } from './critical.js';
import { type AutonomyMode, mayNotify } from './policy.js';
import type { StoredResult } from './results.js';

/** A notification as the API and the event stream show it. */
export interface Notification {
  pk: string;
  /** The reader it is for; null = everyone reading for the institution. */
  userPk: string | null;
  institutionPk: string;
  kind: 'critical-finding' | 'triage';
  studyInstanceUID: string;
  resultPk: string | null;
  /** i18n key of the message (the UI renders it in zh-CN or en with `payload`). */
  messageKey: string;
  /** Analyzer, finding ids, labels and sizes: no PHI. */
  payload: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationRow {
  pk: string;
  user_pk: string | null;
  institution_pk: string;
  kind: Notification['kind'];
  study_uid: string;
  result_pk: string | null;
  message_key: string;
  payload: Record<string, unknown> | string;
  created_at: Date | string;
  read_at: Date | string | null;
}

export function toNotification(r: NotificationRow): Notification {
  return {
    pk: String(r.pk),
    userPk: r.user_pk,
    institutionPk: String(r.institution_pk),
    kind: r.kind,
    studyInstanceUID: r.study_uid,
    resultPk: r.result_pk === null ? null : String(r.result_pk),
    messageKey: r.message_key,
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
    createdAt: new Date(r.created_at).toISOString(),
    readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  };
}

/**
 * The readers responsible for a study of `institutionPk`: its active radiologists when the
 * identity area's `users` table exists, else nobody by name (one notification for the
 * institution, user_pk NULL).
 */
async function responsibleReaders(archive: Archive, institutionPk: string): Promise<string[]> {
  const { rows } = (await archive.index.executeSql(`SELECT to_regclass('users') IS NOT NULL AS ok`)) as {
    rows: Array<{ ok: boolean }>;
  };
  if (!rows[0]?.ok) return [];
  const users = (await archive.index.executeSql(
    `SELECT pk::text AS pk FROM users WHERE role = 'radiologist' AND institution_pk = $1 AND NOT disabled ORDER BY pk`,
    [institutionPk],
  )) as { rows: Array<{ pk: string }> };
  return users.rows.map((u) => u.pk);
}

/**
 * Creates the critical-finding notifications of one result when its mode allows notifying
 * (triage, draft) — one per responsible reader, or one for the institution. Idempotent: a
 * result that already has notifications gets no more.
 */
export async function notifyCritical(
  archive: Archive,
  input: { result: StoredResult; institutionPk: string; mode: AutonomyMode; critical: CriticalMatch[] },
): Promise<Notification[]> {
  const { result, institutionPk, mode, critical } = input;
  if (!mayNotify(mode) || critical.length === 0) return [];
  const readers = await responsibleReaders(archive, institutionPk);
  const recipients: Array<string | null> = readers.length > 0 ? readers : [null];
  const payload = JSON.stringify({
    analyzerId: result.analyzerId,
    mode,
    findings: critical.map((c) => ({ findingId: c.findingId, type: c.findingType, sizeMm: c.sizeMm, label: c.label })),
  });
  const values: unknown[] = [];
  const tuples = recipients.map((user, i) => {
    values.push(user);
    const n = recipients.length;
    return `($${i + 1}::text, $${n + 1}::bigint, 'critical-finding', $${n + 2}::text, $${n + 3}::bigint, 'notification.criticalFinding', $${n + 4}::jsonb)`;
  });
  values.push(institutionPk, result.studyInstanceUID, result.pk, payload);
  const { rows } = (await archive.index.executeSql(
    `INSERT INTO notifications (user_pk, institution_pk, kind, study_uid, result_pk, message_key, payload)
     SELECT * FROM (VALUES ${tuples.join(', ')}) AS v (user_pk, institution_pk, kind, study_uid, result_pk, message_key, payload)
      WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.result_pk = $${recipients.length + 3}::bigint AND n.kind = 'critical-finding')
     RETURNING pk::text AS pk, user_pk, institution_pk::text AS institution_pk, kind, study_uid, result_pk::text AS result_pk, message_key, payload, created_at, read_at`,
    values,
  )) as { rows: NotificationRow[] };
  return rows.map(toNotification);
}
