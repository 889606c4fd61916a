import type { DicomJsonDataset } from '@lingshu/dicom';
import type { RequestAudit } from './hook.js';

const STUDY_UID = '0020000D';
const PATIENT_ID = '00100020';

function first(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return typeof v === 'string' ? v : undefined;
}

/** QIDO-RS: the studies the answer disclosed, the patient when it is one, level and count. */
export function qidoAudit(level: string, results: readonly DicomJsonDataset[]): RequestAudit {
  const studies = new Set<string>();
  const patients = new Set<string>();
  for (const ds of results) {
    const study = first(ds, STUDY_UID);
    if (study) studies.add(study);
    const patient = first(ds, PATIENT_ID);
    if (patient !== undefined) patients.add(patient);
  }
  const [patient] = patients;
  return {
    resource: {
      type: 'study',
      studyUids: [...studies],
      ...(patients.size === 1 && patient ? { patientId: patient } : {}),
    },
    detail: { level, results: results.length },
  };
}

/** STOW-RS: the studies that received instances, and the counts (no per-instance events). */
export function stowAudit(
  outcomes: ReadonlyArray<{ ok: boolean; studyInstanceUID?: string | undefined } | undefined>,
): RequestAudit {
  const studies = new Set<string>();
  let stored = 0;
  let failed = 0;
  for (const o of outcomes) {
    if (!o) continue;
    if (o.ok) {
      stored++;
      if (o.studyInstanceUID) studies.add(o.studyInstanceUID);
    } else failed++;
  }
  return { resource: { type: 'study', studyUids: [...studies] }, detail: { stored, failed } };
}
