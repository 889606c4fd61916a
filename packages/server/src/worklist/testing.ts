import type { Archive } from '@lingshu/archive';

/** Test seeding for the worklist and report tests: index rows written by SQL (no files). Synthetic names only. */

export interface SeedStudy {
  uid: string;
  patientKey: string;
  patientId: string;
  /** DICOM PN: alphabetic=ideographic=phonetic. */
  name: string;
  sex?: string;
  birthDate?: string;
  accession?: string;
  studyDate?: string;
  description?: string;
  modality?: string;
  bodyPart?: string;
  institutionPk?: string;
  /** ISO time of arrival (studies.created_at). */
  arrivedAt?: string;
}

export async function seedStudy(archive: Archive, s: SeedStudy): Promise<string> {
  const [alphabetic = '', ideographic = '', phonetic = ''] = s.name.split('=');
  const exec = (text: string, values: unknown[]) =>
    archive.index.executeSql(text, values) as Promise<{ rows: Array<{ pk: string }> }>;
  const patient = await exec(
    `INSERT INTO patients (patient_key, patient_id, name_alphabetic, name_ideographic, name_phonetic, birth_date, sex)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING pk::text AS pk`,
    [s.patientKey, s.patientId, alphabetic, ideographic, phonetic, s.birthDate ?? '', s.sex ?? ''],
  );
  const modality = s.modality ?? 'CT';
  const study = await exec(
    `INSERT INTO studies (study_uid, patient_pk, study_date, study_time, accession_number, description, modalities,
       num_series, num_instances, institution_pk, created_at)
     VALUES ($1, $2, $3, '080000', $4, $5, ARRAY[$6::text], 1, 1, $7, $8) RETURNING pk::text AS pk`,
    [
      s.uid,
      patient.rows[0]?.pk,
      s.studyDate ?? '20261120',
      s.accession ?? '',
      s.description ?? '',
      modality,
      s.institutionPk ?? '1',
      s.arrivedAt ?? new Date().toISOString(),
    ],
  );
  const series = await exec(
    `INSERT INTO series (series_uid, study_pk, modality, series_number, description, body_part, num_instances)
     VALUES ($1, $2, $3, 1, 'Series', $4, 1) RETURNING pk::text AS pk`,
    [`${s.uid}.1`, study.rows[0]?.pk, modality, s.bodyPart ?? ''],
  );
  await exec(
    `INSERT INTO instances (sop_uid, series_pk, sop_class_uid, instance_number, transfer_syntax_uid, rows, columns,
       size_bytes, sha256, storage_key, metadata)
     VALUES ($1, $2, '1.2.840.10008.5.1.4.1.1.2', 1, '1.2.840.10008.1.2.1', 512, 512, 1000, 'x', 'k', $3::jsonb)`,
    [
      `${s.uid}.1.1`,
      series.rows[0]?.pk,
      JSON.stringify({
        '00180050': { vr: 'DS', Value: [1.25] },
        '00181210': { vr: 'SH', Value: ['B70f'] },
      }),
    ],
  );
  return study.rows[0]?.pk ?? '';
}

/** A realistic chest CT AnalysisResult (shape of packages/ai/src/contract.ts), synthetic values. */
export function chestCtResult(
  studyUid: string,
  options: { lungRads?: string; infectionPercent?: number; laa950Percent?: number; mass?: boolean } = {},
): Record<string, unknown> {
  const code = (value: string, meaning: string) => ({ value, scheme: 'SCT', meaning });
  const findings: unknown[] = [
    {
      id: 'nodule-1',
      trackingUid: '2.25.1001',
      type: options.mass ? 'mass' : 'nodule',
      code: code('27925004', 'Nodule'),
      attributes: { noduleType: 'solid', side: 'right', lobe: 'RUL', zone: 'upper', juxtapleural: false },
      measurements: [
        { key: 'longAxisMm', value: options.mass ? 34 : 9.2, unit: 'mm' },
        { key: 'shortAxisMm', value: options.mass ? 28 : 7.4, unit: 'mm' },
        { key: 'meanDiameterMm', value: options.mass ? 31 : 8.3, unit: 'mm' },
        { key: 'volumeMm3', value: 280, unit: 'mm3' },
      ],
      categories: [{ system: 'lung-rads-2022', value: options.lungRads ?? '4A' }],
      confidence: 0.91,
    },
    {
      id: 'nodule-2',
      trackingUid: '2.25.1002',
      type: 'nodule',
      code: code('27925004', 'Nodule'),
      attributes: { noduleType: 'ground-glass', side: 'left', lobe: 'LLL', zone: 'lower' },
      measurements: [
        { key: 'longAxisMm', value: 7, unit: 'mm' },
        { key: 'shortAxisMm', value: 5, unit: 'mm' },
        { key: 'meanDiameterMm', value: 6, unit: 'mm' },
      ],
      categories: [{ system: 'lung-rads-2022', value: '2' }],
      confidence: 0.7,
    },
    {
      id: 'emphysema',
      trackingUid: '2.25.1003',
      type: 'emphysema',
      code: code('87433001', 'Emphysema'),
      attributes: { definition: 'LAA -950', predominantZone: 'right-upper' },
      measurements: [{ key: 'laa950Percent', value: options.laa950Percent ?? 12.3, unit: '%', region: 'whole' }],
      categories: [],
      confidence: 1,
    },
    {
      id: 'infection',
      trackingUid: '2.25.1004',
      type: 'infection',
      code: code('128601007', 'Infection'),
      attributes: { predominantPattern: 'ggo', severityScore: 9 },
      measurements: [
        { key: 'infectionPercent', value: options.infectionPercent ?? 18, unit: '%', region: 'whole' },
        { key: 'ctSeverityScore', value: 9, unit: '1', region: 'whole' },
      ],
      categories: [],
      confidence: 1,
    },
  ];
  return {
    status: 'ok',
    findings,
    measurements: [],
    warnings: [],
    provenance: {
      analyzerId: 'lingshu-chest-ct',
      analyzerVersion: '1.0.0',
      parameters: {},
      studyInstanceUID: studyUid,
      seriesInstanceUID: `${studyUid}.1`,
      inputSopInstanceUIDs: [`${studyUid}.1.1`],
      startedAt: '2026-11-20T08:10:00Z',
      finishedAt: '2026-11-20T08:11:00Z',
    },
  };
}

/** Inserts an ai_results row as the jobs area stores it; returns its pk. */
export async function seedAiResult(
  archive: Archive,
  studyUid: string,
  result: Record<string, unknown>,
  options: { analyzerId?: string; institutionPk?: string } = {},
): Promise<string> {
  const { rows } = (await archive.index.executeSql(
    `INSERT INTO ai_results (study_uid, study_pk, institution_pk, analyzer_id, analyzer_version, input_key, status, result,
       findings, started_at, finished_at, worker)
     SELECT $1, st.pk, st.institution_pk, $2, '1.0.0', 'k', 'ok', $3::jsonb, $4, now(), now(), 'test'
       FROM studies st WHERE st.study_uid = $1 RETURNING pk::text AS pk`,
    [
      studyUid,
      options.analyzerId ?? 'lingshu-chest-ct',
      JSON.stringify(result),
      Array.isArray(result.findings) ? result.findings.length : 0,
    ],
  )) as { rows: Array<{ pk: string }> };
  const pk = rows[0]?.pk;
  if (!pk) throw new Error('seedAiResult: study not found');
  return pk;
}
