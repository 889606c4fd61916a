import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';

export interface MonitoringQuery {
  analyzerId?: string;
  /** Institution code. */
  institution?: string;
  /** ISO date-time bounds on when the result was stored / the job was enqueued. */
  from?: string;
  to?: string;
}

/** Post-market figures for one analyzer at one institution over the period. */
export interface MonitoringRow {
  analyzerId: string;
  institutionPk: string | null;
  institutionCode: string | null;
  /** Results stored (any status). */
  results: number;
  ok: number;
  notApplicable: number;
  /** Results stored as failed (the analyzer threw). */
  failed: number;
  /** Jobs that exhausted their retries (dead letters). */
  deadLetters: number;
  /** Findings the AI proposed in ok results. */
  findings: number;
  /** Findings with a reader's verdict (latest verdict per finding counts). */
  reviewed: number;
  accepted: number;
  edited: number;
  rejected: number;
  /** Findings readers added (the AI missed them). */
  added: number;
  /** Shares of reviewed findings (null when none was reviewed). */
  acceptRate: number | null;
  editRate: number | null;
  rejectRate: number | null;
  /** Analyzer processing time (started → finished), milliseconds. */
  processingMs: { median: number | null; p95: number | null };
  /** Queue latency (enqueued → started), milliseconds. */
  queueMs: { median: number | null; p95: number | null };
}

function bound(value: string | undefined, name: string): string | null {
  if (value === undefined || value === '') return null;
  const t = Date.parse(value);
  if (!Number.isFinite(t))
    throw new LingshuError('HTTP_BAD_PARAMETER', `${name} must be an ISO date or date-time`, {
      details: { parameter: name },
    });
  return new Date(t).toISOString();
}

async function tableExists(archive: Archive, name: string): Promise<boolean> {
  const { rows } = (await archive.index.executeSql('SELECT to_regclass($1) IS NOT NULL AS ok', [name])) as {
    rows: Array<{ ok: boolean }>;
  };
  return rows[0]?.ok === true;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v)));
const rate = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);

/**
 * Per analyzer × institution: results by status, dead letters, reviewers' verdicts and rates,
 * processing and queue times — what a post-market surveillance report asks for. Reads the jobs
 * area's `ai_results` / `ai_job_runs` and this area's `finding_reviews`.
 */
export async function monitoring(archive: Archive, query: MonitoringQuery): Promise<MonitoringRow[]> {
  const from = bound(query.from, 'from');
  const to = bound(query.to, 'to');
  if (!(await tableExists(archive, 'ai_results'))) return [];
  const runs = await tableExists(archive, 'ai_job_runs');
  const params = [query.analyzerId ?? null, query.institution ?? null, from, to];
  const where = (alias: string, time: string): string =>
    `($1::text IS NULL OR ${alias}.analyzer_id = $1) AND ($2::text IS NULL OR i.code = $2)
     AND ($3::timestamptz IS NULL OR ${alias}.${time} >= $3) AND ($4::timestamptz IS NULL OR ${alias}.${time} < $4)`;
  const deadLetters = runs
    ? `dead AS (
         SELECT j.analyzer_id, COALESCE(r.institution_pk, s.institution_pk) AS institution_pk, count(*) AS dead
           FROM ai_job_runs j
           LEFT JOIN ai_results r ON r.pk = j.result_pk
           LEFT JOIN studies s ON s.study_uid = j.study_uid
           LEFT JOIN institutions i ON i.pk = COALESCE(r.institution_pk, s.institution_pk)
          WHERE j.state = 'dead' AND ${where('j', 'enqueued_at')}
          GROUP BY 1, 2),
       queue AS (
         SELECT j.analyzer_id, COALESCE(r.institution_pk, s.institution_pk) AS institution_pk,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM j.started_at - j.enqueued_at) * 1000) AS q50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM j.started_at - j.enqueued_at) * 1000) AS q95
           FROM ai_job_runs j
           LEFT JOIN ai_results r ON r.pk = j.result_pk
           LEFT JOIN studies s ON s.study_uid = j.study_uid
           LEFT JOIN institutions i ON i.pk = COALESCE(r.institution_pk, s.institution_pk)
          WHERE j.started_at IS NOT NULL AND ${where('j', 'enqueued_at')}
          GROUP BY 1, 2)`
    : `dead AS (SELECT NULL::text AS analyzer_id, NULL::bigint AS institution_pk, 0::bigint AS dead WHERE false),
       queue AS (SELECT NULL::text AS analyzer_id, NULL::bigint AS institution_pk, NULL::float8 AS q50, NULL::float8 AS q95 WHERE false)`;
  const text = `
    WITH res AS (
      SELECT r.analyzer_id, r.institution_pk, count(*) AS results,
             count(*) FILTER (WHERE r.status = 'ok') AS ok,
             count(*) FILTER (WHERE r.status = 'not-applicable') AS not_applicable,
             count(*) FILTER (WHERE r.status = 'failed') AS failed,
             COALESCE(sum(r.findings) FILTER (WHERE r.status = 'ok'), 0) AS findings,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.finished_at - r.started_at) * 1000)
               FILTER (WHERE r.status <> 'failed') AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.finished_at - r.started_at) * 1000)
               FILTER (WHERE r.status <> 'failed') AS p95
        FROM ai_results r LEFT JOIN institutions i ON i.pk = r.institution_pk
       WHERE ${where('r', 'finished_at')}
       GROUP BY 1, 2),
    latest AS (
      SELECT DISTINCT ON (v.result_pk, v.finding_id) v.analyzer_id, v.institution_pk, v.action
        FROM finding_reviews v JOIN ai_results r ON r.pk = v.result_pk LEFT JOIN institutions i ON i.pk = v.institution_pk
       WHERE v.action NOT IN ('add', 'withdraw') AND ${where('r', 'finished_at')}
       ORDER BY v.result_pk, v.finding_id, v.at DESC, v.pk DESC),
    verdicts AS (
      SELECT analyzer_id, institution_pk, count(*) AS reviewed,
             count(*) FILTER (WHERE action = 'accept') AS accepted,
             count(*) FILTER (WHERE action = 'edit') AS edited,
             count(*) FILTER (WHERE action = 'reject') AS rejected
        FROM latest GROUP BY 1, 2),
    adds AS (
      SELECT v.analyzer_id, v.institution_pk, count(*) AS added
        FROM finding_reviews v JOIN ai_results r ON r.pk = v.result_pk LEFT JOIN institutions i ON i.pk = v.institution_pk
       WHERE v.action = 'add' AND ${where('r', 'finished_at')}
         AND NOT EXISTS (SELECT 1 FROM finding_reviews w
                          WHERE w.result_pk = v.result_pk AND w.finding_id = v.finding_id AND w.action = 'withdraw')
       GROUP BY 1, 2),
    ${deadLetters},
    keys AS (
      SELECT analyzer_id, institution_pk FROM res UNION SELECT analyzer_id, institution_pk FROM dead)
    SELECT k.analyzer_id, k.institution_pk::text AS institution_pk, inst.code,
           res.results, res.ok, res.not_applicable, res.failed, res.findings, res.p50, res.p95,
           verdicts.reviewed, verdicts.accepted, verdicts.edited, verdicts.rejected, adds.added,
           dead.dead, queue.q50, queue.q95
      FROM keys k
      LEFT JOIN res ON res.analyzer_id = k.analyzer_id AND res.institution_pk IS NOT DISTINCT FROM k.institution_pk
      LEFT JOIN verdicts ON verdicts.analyzer_id = k.analyzer_id AND verdicts.institution_pk IS NOT DISTINCT FROM k.institution_pk
      LEFT JOIN adds ON adds.analyzer_id = k.analyzer_id AND adds.institution_pk IS NOT DISTINCT FROM k.institution_pk
      LEFT JOIN dead ON dead.analyzer_id = k.analyzer_id AND dead.institution_pk IS NOT DISTINCT FROM k.institution_pk
      LEFT JOIN queue ON queue.analyzer_id = k.analyzer_id AND queue.institution_pk IS NOT DISTINCT FROM k.institution_pk
      LEFT JOIN institutions inst ON inst.pk = k.institution_pk
     ORDER BY k.analyzer_id, k.institution_pk NULLS FIRST`;
  const { rows } = (await archive.index.executeSql(text, params)) as { rows: Array<Record<string, unknown>> };
  return rows.map((r) => {
    const reviewed = num(r.reviewed);
    return {
      analyzerId: String(r.analyzer_id),
      institutionPk: r.institution_pk === null ? null : String(r.institution_pk),
      institutionCode: r.code === null ? null : String(r.code),
      results: num(r.results),
      ok: num(r.ok),
      notApplicable: num(r.not_applicable),
      failed: num(r.failed),
      deadLetters: num(r.dead),
      findings: num(r.findings),
      reviewed,
      accepted: num(r.accepted),
      edited: num(r.edited),
      rejected: num(r.rejected),
      added: num(r.added),
      acceptRate: rate(num(r.accepted), reviewed),
      editRate: rate(num(r.edited), reviewed),
      rejectRate: rate(num(r.rejected), reviewed),
      processingMs: { median: numOrNull(r.p50), p95: numOrNull(r.p95) },
      queueMs: { median: numOrNull(r.q50), p95: numOrNull(r.q95) },
    };
  });
}
