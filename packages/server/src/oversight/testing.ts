import type { Finding } from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';

/** A minimal AI finding for tests (`longAxisMm` as its size). */
export function testFinding(id: string, type: string, longAxisMm: number): Finding {
  return {
    id,
    trackingUid: `2.25.${id.length}${Math.round(longAxisMm)}`,
    type,
    code: { value: type === 'mass' ? '4147007' : '427359005', scheme: 'SCT', meaning: type },
    attributes: {},
    measurements: [{ key: 'longAxisMm', value: longAxisMm, unit: 'mm' }],
    categories: [],
    confidence: 0.9,
  };
}

/**
 * Writes one row of the jobs area's `ai_results` directly, as a worker would after a run (the
 * tests of this area do not run the analyzer). Returns its pk.
 */
export async function insertTestResult(
  archive: Archive,
  input: {
    studyInstanceUID: string;
    analyzerId: string;
    institutionPk: string;
    status?: 'ok' | 'not-applicable' | 'failed';
    findings?: Finding[];
    runMs?: number;
    finishedAt?: Date;
  },
): Promise<string> {
  const findings = input.findings ?? [];
  const finished = input.finishedAt ?? new Date();
  const started = new Date(finished.getTime() - (input.runMs ?? 1000));
  const { rows } = (await archive.index.executeSql(
    `INSERT INTO ai_results (study_uid, institution_pk, analyzer_id, analyzer_version, input_key, status, result, findings,
                             started_at, finished_at, worker)
     VALUES ($1, $2, $3, '0.1.0', $4, $5, $6::jsonb, $7, $8, $9, 'test') RETURNING pk::text AS pk`,
    [
      input.studyInstanceUID,
      input.institutionPk,
      input.analyzerId,
      `k${Math.random()}`,
      input.status ?? 'ok',
      JSON.stringify({ status: input.status ?? 'ok', findings }),
      findings.length,
      started.toISOString(),
      finished.toISOString(),
    ],
  )) as { rows: Array<{ pk: string }> };
  const pk = rows[0]?.pk;
  if (!pk) throw new Error('no result row');
  return pk;
}
