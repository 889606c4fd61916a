import type { Finding } from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';

/** An AI result as oversight needs it (read from the jobs area's `ai_results`). */
export interface StoredResult {
  pk: string;
  studyInstanceUID: string;
  analyzerId: string;
  status: string;
  findings: Finding[];
}

interface ResultRow {
  pk: string;
  study_uid: string;
  analyzer_id: string;
  status: string;
  result: unknown;
}

function findingsOf(result: unknown): Finding[] {
  const parsed = typeof result === 'string' ? (JSON.parse(result) as unknown) : result;
  if (typeof parsed !== 'object' || parsed === null) return [];
  const findings = (parsed as { findings?: unknown }).findings;
  return Array.isArray(findings) ? (findings as Finding[]) : [];
}

/** One stored AI result by pk, or undefined (also when the jobs area's table does not exist yet). */
export async function loadResult(archive: Archive, resultPk: string): Promise<StoredResult | undefined> {
  if (!/^\d{1,18}$/.test(resultPk)) return undefined;
  const exists = (await archive.index.executeSql(`SELECT to_regclass('ai_results') IS NOT NULL AS ok`)) as {
    rows: Array<{ ok: boolean }>;
  };
  if (!exists.rows[0]?.ok) return undefined;
  const { rows } = (await archive.index.executeSql(
    `SELECT pk::text AS pk, study_uid, analyzer_id, status, result FROM ai_results WHERE pk = $1`,
    [resultPk],
  )) as { rows: ResultRow[] };
  const row = rows[0];
  if (!row) return undefined;
  return {
    pk: row.pk,
    studyInstanceUID: row.study_uid,
    analyzerId: row.analyzer_id,
    status: row.status,
    findings: findingsOf(row.result),
  };
}
