import type { EventEmitter } from 'node:events';
import type { Archive } from '@lingshu/archive';
import type { Principal } from '../auth/principal.js';
import type { ServerEventMap } from '../context.js';
import { mayReorder, visibleTo } from '../oversight/policy.js';
import type { OversightService } from '../oversight/service.js';
import { migratePlatform } from '../platform/migrate.js';
import { ageYears } from '../reports/study.js';
import { LOCK_TTL_SEC, type LockService, openLocks } from './locks.js';
import { WORKLIST_MIGRATIONS } from './migrations.js';
import { escapeLike, foldName, PLAIN, TONED, type WorklistQuery, type WorklistStatus } from './query.js';

/** One AI headline badge on a worklist row. */
export interface AiBadge {
  kind: 'critical' | 'nodule' | 'infection' | 'emphysema';
  label: string;
  labelEn: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
}

export interface WorklistRow {
  studyInstanceUID: string;
  patientName: { alphabetic: string; ideographic: string; phonetic: string };
  patientId: string;
  patientSex: string;
  patientBirthDate: string;
  ageYears: number | null;
  accessionNumber: string;
  studyDate: string;
  studyTime: string;
  description: string;
  modalities: string[];
  institution: { code: string; name: string; nameEn: string };
  /** The study belongs to another institution and is shared with the caller's. */
  shared: boolean;
  /** When the study arrived (first stored), ISO 8601. */
  arrivedAt: string;
  status: WorklistStatus;
  /** 0–100, higher first; 0 for signed studies and for AI results below triage (docs/worklist.md). */
  aiPriority: number;
  badges: AiBadge[];
  /** Set when a colleague has the study open. */
  lock: { userId: string; user: string; since: string } | null;
}

export interface WorklistPage {
  total: number;
  limit: number;
  offset: number;
  rows: WorklistRow[];
}

export interface WorklistService {
  query(principal: Principal, query: WorklistQuery): Promise<WorklistPage>;
  locks: LockService;
  close(): Promise<void>;
}

interface Row {
  pk: string;
  study_uid: string;
  institution_pk: string;
  study_date: string;
  study_time: string;
  accession_number: string;
  description: string;
  modalities: string[] | string;
  created_at: Date | string;
  patient_id: string;
  name_alphabetic: string;
  name_ideographic: string;
  name_phonetic: string;
  sex: string;
  birth_date: string;
  inst_code: string;
  inst_name: string;
  inst_name_en: string;
  ai_priority: number | string;
  status: WorklistStatus;
  lock_user_id: string | null;
  lock_user: string | null;
  lock_since: Date | string | null;
  total: number | string;
}

interface ResultRow {
  study_uid: string;
  analyzer_id: string;
  findings: unknown;
  critical: boolean;
}

interface AiFinding {
  type?: string;
  categories?: Array<{ system?: string; value?: string }>;
  measurements?: Array<{ key?: string; value?: number; region?: string }>;
}

function pgArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}

const LUNG_RADS_RANK = ['1', '2', '3', '4A', '4B', '4X'];

function wholeMeasurement(f: AiFinding, key: string): number | undefined {
  const m = f.measurements?.find((x) => x.key === key && (x.region === undefined || x.region === 'whole'));
  return typeof m?.value === 'number' ? m.value : undefined;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Headline badges of one study from its visible AI results (latest per analyzer). */
export function badgesOf(results: ReadonlyArray<{ findings: AiFinding[]; critical: boolean }>): AiBadge[] {
  const badges: AiBadge[] = [];
  if (results.some((r) => r.critical))
    badges.push({ kind: 'critical', label: '危急值', labelEn: 'Critical', severity: 'critical' });
  const findings = results.flatMap((r) => r.findings);
  const nodules = findings.filter((f) => f.type === 'nodule' || f.type === 'mass');
  let best = -1;
  for (const f of nodules)
    for (const c of f.categories ?? [])
      if (c.system === 'lung-rads-2022') best = Math.max(best, LUNG_RADS_RANK.indexOf(String(c.value).toUpperCase()));
  if (best >= 0) {
    const cat = LUNG_RADS_RANK[best] ?? '';
    badges.push({
      kind: 'nodule',
      label: `肺结节 ${cat}`,
      labelEn: `Nodule ${cat}`,
      severity: best >= 3 ? 'high' : best === 2 ? 'medium' : 'low',
    });
  } else if (nodules.length > 0) {
    badges.push({
      kind: 'nodule',
      label: `肺结节 ${nodules.length}枚`,
      labelEn: `Nodules ${nodules.length}`,
      severity: 'low',
    });
  }
  const infection = findings
    .filter((f) => f.type === 'infection')
    .map((f) => wholeMeasurement(f, 'infectionPercent'))
    .find((v) => v !== undefined);
  if (infection !== undefined && infection > 0)
    badges.push({
      kind: 'infection',
      label: `感染 ${fmt(infection)} %`,
      labelEn: `Infection ${fmt(infection)} %`,
      severity: infection >= 25 ? 'high' : infection >= 10 ? 'medium' : 'low',
    });
  const laa = findings
    .filter((f) => f.type === 'emphysema')
    .map((f) => wholeMeasurement(f, 'laa950Percent'))
    .find((v) => v !== undefined);
  if (laa !== undefined && laa >= 5)
    badges.push({
      kind: 'emphysema',
      label: `肺气肿 ${fmt(laa)} %`,
      labelEn: `Emphysema ${fmt(laa)} %`,
      severity: laa >= 15 ? 'medium' : 'low',
    });
  return badges;
}

export async function openWorklist(deps: {
  archive: Archive;
  events: EventEmitter<ServerEventMap>;
  oversight: Pick<OversightService, 'modeFor'>;
  lockSweepMs?: number;
}): Promise<WorklistService> {
  const { archive, events, oversight } = deps;
  await migratePlatform(archive.index.db, 'worklist', WORKLIST_MIGRATIONS);
  const locks = openLocks(archive, events, deps.lockSweepMs !== undefined ? { sweepMs: deps.lockSweepMs } : {});
  const exec = <T>(text: string, values: unknown[] = []) =>
    archive.index.executeSql(text, values) as Promise<{ rows: T[] }>;

  /**
   * Derives the priority facts of AI results not seen yet (results are stored once and never
   * change). Lung-RADS 4X/4B/4A/3 → 90/80/70/50; infection ≥ 25 % → 60, ≥ 10 % → 40.
   */
  const syncFacts = async (): Promise<void> => {
    await exec(
      `INSERT INTO worklist_ai_facts (result_pk, study_uid, analyzer_id, finished_at, category_priority, infection_priority)
       SELECT r.pk, r.study_uid, r.analyzer_id, r.finished_at,
         COALESCE((SELECT max(CASE upper(c->>'value') WHEN '4X' THEN 90 WHEN '4B' THEN 80 WHEN '4A' THEN 70 WHEN '3' THEN 50 ELSE 0 END)
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.result->'findings') = 'array' THEN r.result->'findings' ELSE '[]'::jsonb END) f,
                 jsonb_array_elements(CASE WHEN jsonb_typeof(f->'categories') = 'array' THEN f->'categories' ELSE '[]'::jsonb END) c
           WHERE c->>'system' = 'lung-rads-2022' AND f->>'type' IN ('nodule', 'mass')), 0),
         COALESCE((SELECT max(CASE WHEN (mm->>'value')::float8 >= 25 THEN 60 WHEN (mm->>'value')::float8 >= 10 THEN 40 ELSE 0 END)
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.result->'findings') = 'array' THEN r.result->'findings' ELSE '[]'::jsonb END) f,
                 jsonb_array_elements(CASE WHEN jsonb_typeof(f->'measurements') = 'array' THEN f->'measurements' ELSE '[]'::jsonb END) mm
           WHERE f->>'type' = 'infection' AND mm->>'key' = 'infectionPercent' AND jsonb_typeof(mm->'value') = 'number'
             AND COALESCE(mm->>'region', 'whole') = 'whole'), 0)
         FROM ai_results r
        WHERE r.status = 'ok' AND NOT EXISTS (SELECT 1 FROM worklist_ai_facts x WHERE x.result_pk = r.pk)
       ON CONFLICT (result_pk) DO NOTHING`,
    );
  };

  /** Autonomy per (analyzer, study institution) pair present in ai_results, for the caller. */
  const modeTable = async (principal: Principal) => {
    const { rows } = await exec<{ analyzer_id: string; institution_pk: string }>(
      `SELECT DISTINCT r.analyzer_id, s.institution_pk::text AS institution_pk
         FROM ai_results r JOIN studies s ON s.study_uid = r.study_uid`,
    );
    const out: Array<{ analyzerId: string; institutionPk: string; visible: boolean; reorder: boolean }> = [];
    for (const r of rows) {
      const mode = await oversight.modeFor(r.analyzer_id, r.institution_pk);
      const visible = mode !== 'off' && visibleTo(mode, principal);
      out.push({
        analyzerId: r.analyzer_id,
        institutionPk: r.institution_pk,
        visible,
        reorder: visible && mayReorder(mode),
      });
    }
    return out;
  };

  const query = async (principal: Principal, q: WorklistQuery): Promise<WorklistPage> => {
    const values: unknown[] = [];
    const p = (v: unknown): string => {
      values.push(v);
      return `$${values.length}`;
    };
    await syncFacts();
    const modes = await modeTable(principal);
    const modesSql =
      modes.length === 0
        ? `SELECT NULL::text AS analyzer_id, NULL::text AS institution_pk, false AS visible, false AS reorder WHERE false`
        : `VALUES ${modes
            .map(
              (m) =>
                `(${p(m.analyzerId)}::text, ${p(m.institutionPk)}::text, ${p(m.visible)}::boolean, ${p(m.reorder)}::boolean)`,
            )
            .join(', ')}`;
    const conds: string[] = [];
    const me = principal.institutionPk;
    if (me !== null) {
      const mine = p(me);
      conds.push(
        `(st.institution_pk = ${mine}::bigint OR EXISTS (SELECT 1 FROM study_shares sh WHERE sh.study_pk = st.pk AND sh.institution_pk = ${mine}::bigint))`,
      );
    }
    if (q.modality) conds.push(`st.modalities && ${p(q.modality)}::text[]`);
    if (q.from) conds.push(`st.study_date >= ${p(q.from)} AND st.study_date <> ''`);
    if (q.to) conds.push(`st.study_date <= ${p(q.to)} AND st.study_date <> ''`);
    if (q.site) conds.push(`i.code = ANY(${p(q.site)}::text[])`);
    if (q.q) {
      const folded = foldName(q.q)
        .replace(/[\^=,]/g, ' ')
        .trim();
      const compact = escapeLike(folded.replace(/\s+/g, ''));
      const component = p(`% ${escapeLike(folded)}%`);
      const prefix = p(`${compact}%`);
      const ids = p(`${escapeLike(q.q.toLowerCase())}%`);
      const groupCompact = (col: string) =>
        `replace(translate(lower(${col}), '^=,${TONED}', '   ${PLAIN}'), ' ', '') LIKE ${prefix} ESCAPE '\\'`;
      const cjk = /[\u3400-\u9fff]/.test(q.q)
        ? ` OR replace(p.name_ideographic, '^', '') LIKE ${p(`%${compact}%`)} ESCAPE '\\'`
        : '';
      conds.push(`(p.name_fuzzy LIKE ${component} ESCAPE '\\'
        OR ${groupCompact('p.name_alphabetic')} OR ${groupCompact('p.name_ideographic')} OR ${groupCompact('p.name_phonetic')}${cjk}
        OR lower(p.patient_id) LIKE ${ids} ESCAPE '\\' OR lower(st.accession_number) LIKE ${ids} ESCAPE '\\')`);
    }
    const where = conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
    const statusFilter = q.status ? `WHERE status = ANY(${p(q.status)}::text[])` : '';
    const shared = me === null ? 'false' : `(b.institution_pk::text <> ${p(me)})`;
    const text = `
      WITH modes (analyzer_id, institution_pk, visible, reorder) AS (${modesSql}),
      base AS (
        SELECT st.pk, st.study_uid, st.institution_pk, st.study_date, st.study_time, st.accession_number, st.description,
               st.modalities, st.created_at, p.patient_id, p.name_alphabetic, p.name_ideographic, p.name_phonetic,
               p.sex, p.birth_date, i.code AS inst_code, i.name AS inst_name, i.name_en AS inst_name_en
          FROM studies st JOIN patients p ON p.pk = st.patient_pk JOIN institutions i ON i.pk = st.institution_pk
        ${where}
      ),
      rows AS (
        SELECT b.*, ${shared} AS shared,
               CASE WHEN rep.status IN ('signed', 'amended') THEN 'signed' WHEN rep.status = 'draft' THEN 'in-progress'
                    WHEN pr.results > 0 THEN 'ai-done' ELSE 'unread' END AS status,
               l.user_id AS lock_user_id, l.user_name AS lock_user, l.acquired_at AS lock_since,
               COALESCE(pr.priority, 0) AS raw_priority
          FROM base b
          LEFT JOIN LATERAL (
            SELECT count(*) AS results, max(CASE WHEN NOT m.reorder THEN 0 ELSE GREATEST(
                     CASE WHEN EXISTS (SELECT 1 FROM notifications n
                                        WHERE n.result_pk = v.result_pk AND n.kind = 'critical-finding') THEN 100 ELSE 0 END,
                     v.category_priority, v.infection_priority) END) AS priority
              FROM (SELECT DISTINCT ON (f.analyzer_id) f.result_pk, f.analyzer_id, f.category_priority, f.infection_priority
                      FROM worklist_ai_facts f WHERE f.study_uid = b.study_uid
                     ORDER BY f.analyzer_id, f.finished_at DESC, f.result_pk DESC) v
              JOIN modes m ON m.analyzer_id = v.analyzer_id AND m.institution_pk = b.institution_pk::text
             WHERE m.visible
          ) pr ON true
          LEFT JOIN reports rep ON rep.study_uid = b.study_uid
          LEFT JOIN study_locks l ON l.study_pk = b.pk AND l.heartbeat_at > now() - ${p(LOCK_TTL_SEC)} * interval '1 second'
      )
      SELECT pk::text AS pk, study_uid, institution_pk::text AS institution_pk, study_date, study_time, accession_number,
             description, modalities, created_at, patient_id, name_alphabetic, name_ideographic, name_phonetic, sex,
             birth_date, inst_code, inst_name, inst_name_en, shared, status, lock_user_id, lock_user, lock_since,
             CASE WHEN status = 'signed' THEN 0 ELSE raw_priority END AS ai_priority,
             count(*) OVER () AS total
        FROM rows ${statusFilter}
       ORDER BY (status = 'signed'), CASE WHEN status = 'signed' THEN 0 ELSE raw_priority END DESC,
                CASE WHEN status <> 'signed' THEN created_at END ASC, created_at DESC, pk
       LIMIT ${p(q.limit)} OFFSET ${p(q.offset)}`;
    const { rows } = await exec<Row & { shared: boolean }>(text, values);
    const badges = await badgesFor(
      rows.map((r) => ({ uid: r.study_uid, institutionPk: r.institution_pk })),
      modes,
    );
    return {
      total: rows[0] ? Number(rows[0].total) : 0,
      limit: q.limit,
      offset: q.offset,
      rows: rows.map((r) => ({
        studyInstanceUID: r.study_uid,
        patientName: { alphabetic: r.name_alphabetic, ideographic: r.name_ideographic, phonetic: r.name_phonetic },
        patientId: r.patient_id,
        patientSex: r.sex,
        patientBirthDate: r.birth_date,
        ageYears: ageYears(r.birth_date, r.study_date) ?? null,
        accessionNumber: r.accession_number,
        studyDate: r.study_date,
        studyTime: r.study_time,
        description: r.description,
        modalities: pgArray(r.modalities),
        institution: { code: r.inst_code, name: r.inst_name, nameEn: r.inst_name_en },
        shared: Boolean(r.shared),
        arrivedAt: new Date(r.created_at).toISOString(),
        status: r.status,
        aiPriority: Number(r.ai_priority),
        badges: badges.get(r.study_uid) ?? [],
        lock:
          r.lock_user_id && r.lock_user_id !== principal.id && r.lock_since
            ? { userId: r.lock_user_id, user: r.lock_user ?? '', since: new Date(r.lock_since).toISOString() }
            : null,
      })),
    };
  };

  const badgesFor = async (
    studies: Array<{ uid: string; institutionPk: string }>,
    modes: Array<{ analyzerId: string; institutionPk: string; visible: boolean }>,
  ): Promise<Map<string, AiBadge[]>> => {
    const out = new Map<string, AiBadge[]>();
    if (studies.length === 0) return out;
    const { rows } = await exec<ResultRow>(
      `SELECT DISTINCT ON (r.study_uid, r.analyzer_id) r.study_uid, r.analyzer_id, r.result->'findings' AS findings,
              EXISTS (SELECT 1 FROM notifications n WHERE n.result_pk = r.pk AND n.kind = 'critical-finding') AS critical
         FROM ai_results r WHERE r.study_uid = ANY($1::text[]) AND r.status = 'ok'
        ORDER BY r.study_uid, r.analyzer_id, r.finished_at DESC, r.pk DESC`,
      [studies.map((s) => s.uid)],
    );
    const inst = new Map(studies.map((s) => [s.uid, s.institutionPk]));
    const visible = new Set(modes.filter((m) => m.visible).map((m) => `${m.analyzerId}\u0000${m.institutionPk}`));
    const byStudy = new Map<string, Array<{ findings: AiFinding[]; critical: boolean }>>();
    for (const r of rows) {
      if (!visible.has(`${r.analyzer_id}\u0000${inst.get(r.study_uid)}`)) continue;
      const findings = typeof r.findings === 'string' ? JSON.parse(r.findings) : r.findings;
      const list = byStudy.get(r.study_uid) ?? [];
      list.push({ findings: Array.isArray(findings) ? (findings as AiFinding[]) : [], critical: Boolean(r.critical) });
      byStudy.set(r.study_uid, list);
    }
    for (const [uid, list] of byStudy) out.set(uid, badgesOf(list));
    return out;
  };

  return { query, locks, close: () => locks.close() };
}
