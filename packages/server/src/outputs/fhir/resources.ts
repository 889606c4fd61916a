import { createHash } from 'node:crypto';
import type { ReportFinding } from '@lingshu/clinical';

/**
 * FHIR R4 resources of a signed report, built as plain JSON from study and report facts:
 * Patient (minimal), ImagingStudy, Observation per measured finding, DiagnosticReport.
 * Resource ids are deterministic, so the same report always yields the same resources.
 */

export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;

export interface FhirInstanceFacts {
  uid: string;
  sopClassUid: string;
  number?: number;
}
export interface FhirSeriesFacts {
  uid: string;
  number?: number;
  modality: string;
  description?: string;
  instances: FhirInstanceFacts[];
}
export interface FhirStudyFacts {
  studyUid: string;
  /** DICOM DA (+ optional TM) of the study. */
  studyDate?: string;
  studyTime?: string;
  description?: string;
  accession?: string;
  /** The owning institution's code (namespaces the patient id). */
  institutionCode: string;
  patient: { id?: string; name?: string; sex?: string; birthDate?: string };
  series: FhirSeriesFacts[];
}
export interface FhirReportFacts {
  reportPk: string;
  status: 'signed' | 'amended';
  language: 'zh-CN' | 'en';
  impression: string;
  /** Plain text of the whole report (text.div). */
  text: string;
  signedAt: string;
  /** Time of the latest version (issued). */
  issuedAt: string;
  signer: { id: string; name: string };
  findings: readonly ReportFinding[];
  /** The report PDF (presentedForm). */
  pdf?: Uint8Array;
}

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const UCUM = 'http://unitsofmeasure.org';
export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const LUNG_RADS_SYSTEM = 'urn:lingshu:lung-rads-2022';

const hashId = (prefix: string, ...parts: string[]): string =>
  `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;

/** Patient resource id: a hash of institution code and patient ID (no PHI in URLs). */
export function patientResourceId(institutionCode: string, patientId: string | undefined, studyUid: string): string {
  return patientId ? hashId('pat', institutionCode, patientId) : hashId('pat', 'study', studyUid);
}
/** ImagingStudy id: the Study Instance UID (a valid FHIR id: digits and dots, ≤ 64). */
export const imagingStudyId = (studyUid: string): string => studyUid;
export const diagnosticReportId = (reportPk: string): string => `report-${reportPk}`;
export const observationId = (reportPk: string, findingId: string): string => hashId('obs', reportPk, findingId);

function fhirDate(da: string | undefined): string | undefined {
  const m = da ? /^(\d{4})(\d{2})(\d{2})$/.exec(da) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}
function fhirDateTime(da: string | undefined, tm: string | undefined): string | undefined {
  const d = fhirDate(da);
  if (!d) return undefined;
  const t = tm ? /^(\d{2})(\d{2})?(\d{2})?/.exec(tm) : null;
  if (!t) return d;
  return `${d}T${t[1]}:${t[2] ?? '00'}:${t[3] ?? '00'}Z`;
}
const GENDER: Record<string, string> = { M: 'male', F: 'female', O: 'other' };

export function patientResource(study: FhirStudyFacts): FhirResource {
  const p = study.patient;
  const r: FhirResource = {
    resourceType: 'Patient',
    id: patientResourceId(study.institutionCode, p.id, study.studyUid),
  };
  if (p.id) r.identifier = [{ system: `urn:lingshu:institution:${study.institutionCode}:patient-id`, value: p.id }];
  if (p.name) {
    const [family, given] = (p.name.split('=')[0] ?? '').split('^');
    const name: Record<string, unknown> = {
      text: [family, given].filter(Boolean).join(given && /[\u3000-\u9fff]/.test(family ?? '') ? '' : ' '),
    };
    if (family) name.family = family;
    if (given) name.given = [given];
    r.name = [name];
  }
  r.gender = p.sex ? (GENDER[p.sex] ?? 'unknown') : 'unknown';
  const bd = fhirDate(p.birthDate);
  if (bd) r.birthDate = bd;
  return r;
}

export function imagingStudyResource(study: FhirStudyFacts): FhirResource {
  const modalities = [...new Set(study.series.map((s) => s.modality).filter(Boolean))];
  const r: FhirResource = {
    resourceType: 'ImagingStudy',
    id: imagingStudyId(study.studyUid),
    identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${study.studyUid}` }],
    status: 'available',
    subject: { reference: `Patient/${patientResourceId(study.institutionCode, study.patient.id, study.studyUid)}` },
    numberOfSeries: study.series.length,
    numberOfInstances: study.series.reduce((n, s) => n + s.instances.length, 0),
  };
  if (study.accession)
    (r.identifier as unknown[]).push({
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] },
      value: study.accession,
    });
  if (modalities.length > 0) r.modality = modalities.map((m) => ({ system: DCM, code: m }));
  const started = fhirDateTime(study.studyDate, study.studyTime);
  if (started) r.started = started;
  if (study.description) r.description = study.description;
  r.series = study.series.map((s) => {
    const se: Record<string, unknown> = {
      uid: s.uid,
      modality: { system: DCM, code: s.modality || 'OT' },
      numberOfInstances: s.instances.length,
    };
    if (s.number !== undefined) se.number = s.number;
    if (s.description) se.description = s.description;
    se.instance = s.instances.map((i) => {
      const inst: Record<string, unknown> = {
        uid: i.uid,
        sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${i.sopClassUid}` },
      };
      if (i.number !== undefined) inst.number = i.number;
      return inst;
    });
    return se;
  });
  return r;
}

/** SNOMED CT lobe structures. */
const LOBE_SITES: Record<string, { code: string; display: string }> = {
  RUL: { code: '266005', display: 'Structure of right upper lobe of lung' },
  RML: { code: '72481006', display: 'Structure of right middle lobe of lung' },
  RLL: { code: '266004', display: 'Structure of right lower lobe of lung' },
  LUL: { code: '44714003', display: 'Structure of left upper lobe of lung' },
  LLL: { code: '41224006', display: 'Structure of left lower lobe of lung' },
};
const LUNG_SITE = { code: '39607008', display: 'Lung structure' };
const KIND_CODES: Record<ReportFinding['kind'], { code: string; display: string }> = {
  nodule: { code: '27925004', display: 'Nodule' },
  mass: { code: '4147007', display: 'Mass' },
  emphysema: { code: '87433001', display: 'Pulmonary emphysema' },
  infection: { code: '233604007', display: 'Pneumonia' },
  other: { code: '404684003', display: 'Clinical finding' },
};

const qty = (value: number, unit: string): Record<string, unknown> => ({
  value: Math.round(value * 100) / 100,
  unit,
  system: UCUM,
  code: unit,
});

/** The main measured value of a finding (undefined: nothing measured → no Observation). */
function mainValue(f: ReportFinding): Record<string, unknown> | undefined {
  if (f.meanDiameterMm !== undefined) return qty(f.meanDiameterMm, 'mm');
  if (f.longAxisMm !== undefined) return qty(f.longAxisMm, 'mm');
  if (f.volumeMm3 !== undefined) return qty(f.volumeMm3, 'mm3');
  if (f.laa950Percent !== undefined) return qty(f.laa950Percent, '%');
  if (f.infectionPercent !== undefined) return qty(f.infectionPercent, '%');
  return undefined;
}

export function observationResources(study: FhirStudyFacts, report: FhirReportFacts): FhirResource[] {
  const out: FhirResource[] = [];
  const status = report.status === 'amended' ? 'amended' : 'final';
  for (const f of report.findings) {
    if (!f.accepted) continue;
    const value = mainValue(f);
    if (!value) continue;
    const kind = KIND_CODES[f.kind];
    const site = f.lobe ? LOBE_SITES[f.lobe] : f.kind === 'nodule' || f.kind === 'mass' ? undefined : LUNG_SITE;
    const r: FhirResource = {
      resourceType: 'Observation',
      id: observationId(report.reportPk, f.id),
      status,
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/observation-category',
              code: 'imaging',
              display: 'Imaging',
            },
          ],
        },
      ],
      code: { coding: [{ system: SNOMED, code: kind.code, display: kind.display }], text: kind.display },
      subject: { reference: `Patient/${patientResourceId(study.institutionCode, study.patient.id, study.studyUid)}` },
      derivedFrom: [{ reference: `ImagingStudy/${imagingStudyId(study.studyUid)}` }],
      issued: report.signedAt,
      valueQuantity: value,
    };
    const effective = fhirDateTime(study.studyDate, study.studyTime);
    if (effective) r.effectiveDateTime = effective;
    if (site) r.bodySite = { coding: [{ system: SNOMED, ...site }] };
    const lr = f.categories.find((c) => c.system.toLowerCase().startsWith('lung-rads'));
    if (lr)
      r.interpretation = [
        {
          coding: [{ system: LUNG_RADS_SYSTEM, code: lr.value, display: `Lung-RADS ${lr.value}` }],
          text: `Lung-RADS ${lr.value}`,
        },
      ];
    const comps: Record<string, unknown>[] = [];
    const comp = (code: string, display: string, v: number | undefined, unit: string): void => {
      if (v !== undefined)
        comps.push({
          code: { coding: [{ system: SNOMED, code, display }], text: display },
          valueQuantity: qty(v, unit),
        });
    };
    comp('103339001', 'Long axis', f.longAxisMm, 'mm');
    comp('103340004', 'Short axis', f.shortAxisMm, 'mm');
    comp('118565006', 'Volume', f.volumeMm3, 'mm3');
    if (comps.length > 0) r.component = comps;
    out.push(r);
  }
  return out;
}

function escapeXhtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

export function diagnosticReportResource(
  study: FhirStudyFacts,
  report: FhirReportFacts,
  observations: readonly FhirResource[],
): FhirResource {
  const r: FhirResource = {
    resourceType: 'DiagnosticReport',
    id: diagnosticReportId(report.reportPk),
    text: {
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml"><pre>${escapeXhtml(report.text)}</pre></div>`,
    },
    identifier: [{ system: 'urn:lingshu:report', value: report.reportPk }],
    status: report.status === 'amended' ? 'amended' : 'final',
    category: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' }],
      },
    ],
    code: { coding: [{ system: LOINC, code: '18748-4', display: 'Diagnostic imaging study' }] },
    subject: { reference: `Patient/${patientResourceId(study.institutionCode, study.patient.id, study.studyUid)}` },
    issued: report.issuedAt,
    resultsInterpreter: [{ display: report.signer.name }],
    imagingStudy: [{ reference: `ImagingStudy/${imagingStudyId(study.studyUid)}` }],
    conclusion: report.impression,
  };
  const effective = fhirDateTime(study.studyDate, study.studyTime);
  if (effective) r.effectiveDateTime = effective;
  if (observations.length > 0) r.result = observations.map((o) => ({ reference: `Observation/${o.id}` }));
  if (report.pdf)
    r.presentedForm = [
      {
        contentType: 'application/pdf',
        language: report.language,
        data: Buffer.from(report.pdf).toString('base64'),
        title: report.language === 'zh-CN' ? '影像诊断报告' : 'Diagnostic Imaging Report',
      },
    ];
  return r;
}

/** All resources of a report. */
export function reportResources(study: FhirStudyFacts, report: FhirReportFacts): FhirResource[] {
  const obs = observationResources(study, report);
  return [patientResource(study), imagingStudyResource(study), ...obs, diagnosticReportResource(study, report, obs)];
}

/** A searchset Bundle. */
export function searchBundle(resources: readonly FhirResource[], selfUrl: string, baseUrl: string): FhirResource {
  return {
    resourceType: 'Bundle',
    id: hashId('search', selfUrl, String(resources.length)),
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: selfUrl }],
    entry: resources.map((r) => ({
      fullUrl: `${baseUrl}/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: 'match' },
    })),
  };
}
