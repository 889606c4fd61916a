import type { EventEmitter } from 'node:events';
import { ALL_STUDIES, type Archive, type InstanceMetadata } from '@lingshu/archive';
import { LOBE_NAMES, type Report, renderReportText } from '@lingshu/clinical';
import {
  type DicomJsonDataset,
  getString,
  isLingshuError,
  LingshuError,
  parseDicom,
  tagOf,
  toLingshuError,
  uidFromName,
  writeDicom,
  writeEncapsulatedPdf,
  writeReportSr,
} from '@lingshu/dicom';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/types.js';
import type { Principal } from '../auth/principal.js';
import type { ServerEventMap } from '../context.js';
import { scopeOf } from '../institutions/scope.js';
import type { JobService } from '../jobs/service.js';
import { migratePlatform } from '../platform/migrate.js';
import type { ReportService, StoredReport } from '../reports/service.js';
import { type FhirReportFacts, type FhirResource, type FhirStudyFacts, reportResources } from './fhir/resources.js';
import { type Hl7Destination, type MllpSendOptions, sendMllp } from './hl7/mllp.js';
import { buildOru, type OruMeasurement } from './hl7/oru.js';
import { OUTPUTS_MIGRATIONS, type OutputsTables } from './migrations.js';
import { DEFAULT_PDF_FONT_PATH, keyImagePng, type ReportPdfInput, renderReportPdf } from './pdf.js';

export interface OutputsConfig {
  pdfFontPath?: string;
  hl7Destinations?: readonly Hl7Destination[];
  hl7?: MllpSendOptions;
}

export interface OutputState {
  kind: 'pdf' | 'encapsulated-pdf' | 'sr' | 'fhir' | 'hl7';
  target: string;
  version: number;
  state: 'pending' | 'done' | 'failed';
  errorCode: string | null;
  attempts: number;
  sopInstanceUID: string | null;
  at: string;
}

export interface OutputService {
  /**
   * Produces every output of the report's current signed version. Idempotent per version: the
   * DICOM objects have deterministic UIDs, and an HL7 destination that already acknowledged this
   * version is not sent the message again unless `force` is set. Failed outputs are retried.
   */
  generate(reportPk: string, options?: { force?: boolean }): Promise<OutputState[]>;
  /** Output states of a report (all versions), oldest first. */
  states(reportPk: string): Promise<OutputState[]>;
  /** The PDF of the study's signed report, for a principal who may see the study. */
  pdf(principal: Principal, studyUid: string): Promise<{ pdf: Buffer; reportPk: string; version: number }>;
  /** FHIR read: every resource of the visible signed reports, by type and id. */
  fhirRead(principal: Principal, type: string, id: string): Promise<FhirResource>;
  /** FHIR search of DiagnosticReports by patient (resource id) and/or study UID. */
  fhirSearch(principal: Principal, query: { patient?: string; study?: string }): Promise<FhirResource[]>;
  /** Resolves when the work started by 'report-signed' events so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface OutputServiceDeps {
  archive: Archive;
  events: EventEmitter<ServerEventMap>;
  reports: Pick<ReportService, 'byPk'>;
  jobs: Pick<JobService, 'results'>;
  audit: AuditSink;
  log: Logger;
  config: OutputsConfig;
}

/** Deterministic UIDs per report version: re-signing or re-running never duplicates objects. */
export function outputUids(reportPk: string, version: number, kind: 'encapsulated-pdf' | 'sr') {
  return {
    seriesInstanceUID: uidFromName(`lingshu/report/${reportPk}/${kind}/series`),
    sopInstanceUID: uidFromName(`lingshu/report/${reportPk}/v${version}/${kind}`),
  };
}

const V = (m: DicomJsonDataset, tag: string): unknown => (m[tag] as { Value?: unknown[] } | undefined)?.Value?.[0];
const str = (m: DicomJsonDataset, tag: string): string | undefined => {
  const v = V(m, tag);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic);
  return undefined;
};
const num = (m: DicomJsonDataset, tag: string): number | undefined => {
  const v = Number(V(m, tag));
  return Number.isFinite(v) ? v : undefined;
};

const OWN_MODALITIES = new Set(['DOC', 'SR', 'SEG', 'KO', 'PR']);

interface Finding {
  id: string;
  type: string;
  geometry?: { referencedSopInstanceUID?: string; centerWorld?: number[] };
}

export async function openOutputs(deps: OutputServiceDeps): Promise<OutputService> {
  const { archive, events, reports, audit, log } = deps;
  await migratePlatform(archive.index.db, 'outputs', OUTPUTS_MIGRATIONS);
  const db = archive.index.db.withTables<OutputsTables>();
  const font = { path: deps.config.pdfFontPath ?? DEFAULT_PDF_FONT_PATH };
  const destinations = deps.config.hl7Destinations ?? [];
  let inFlight = new Set<Promise<unknown>>();
  let closed = false;

  async function record(
    report: StoredReport,
    kind: OutputState['kind'],
    target: string,
    state: OutputState['state'],
    extra: { errorCode?: string; attempts?: number; sop?: string } = {},
  ): Promise<void> {
    const values = {
      report_pk: report.pk,
      version: report.version,
      kind,
      target,
      state,
      error_code: extra.errorCode ?? null,
      attempts: extra.attempts ?? 1,
      sop_instance_uid: extra.sop ?? null,
      at: new Date(),
    };
    await db
      .insertInto('report_outputs')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['report_pk', 'version', 'kind', 'target']).doUpdateSet({
          state,
          error_code: values.error_code,
          attempts: values.attempts,
          sop_instance_uid: values.sop_instance_uid,
          at: values.at,
        }),
      )
      .execute();
  }

  async function studyMetadata(studyUid: string): Promise<InstanceMetadata[]> {
    return archive.findMetadata({ studyUid }, ALL_STUDIES);
  }

  async function studyFacts(report: StoredReport, metas: InstanceMetadata[]): Promise<FhirStudyFacts> {
    const inst = await archive.institutions.byPk(report.institutionPk);
    const first = metas[0]?.metadata ?? {};
    const series = new Map<string, FhirStudyFacts['series'][number]>();
    for (const m of metas) {
      let s = series.get(m.seriesUid);
      if (!s) {
        s = {
          uid: m.seriesUid,
          modality: str(m.metadata, '00080060') ?? 'OT',
          instances: [],
          ...(num(m.metadata, '00200011') !== undefined ? { number: num(m.metadata, '00200011') } : {}),
          ...(str(m.metadata, '0008103E') ? { description: str(m.metadata, '0008103E') } : {}),
        };
        series.set(m.seriesUid, s);
      }
      const n = num(m.metadata, '00200013');
      s.instances.push({
        uid: m.sopUid,
        sopClassUid: str(m.metadata, '00080016') ?? '',
        ...(n !== undefined ? { number: n } : {}),
      });
    }
    const opt = (k: string, v: string | undefined) => (v ? { [k]: v } : {});
    return {
      studyUid: report.studyInstanceUID,
      institutionCode: inst?.code ?? 'default',
      ...opt('studyDate', str(first, '00080020')),
      ...opt('studyTime', str(first, '00080030')),
      ...opt('description', str(first, '00081030')),
      ...opt('accession', str(first, '00080050')),
      patient: {
        ...opt('id', str(first, '00100020')),
        ...opt('name', str(first, '00100010')),
        ...opt('sex', str(first, '00100040')),
        ...opt('birthDate', str(first, '00100030')),
      },
      series: [...series.values()],
    };
  }

  /** The image a reader measured an added finding on (its `add` review's geometry), if any. */
  async function addedFindingSop(resultPk: string, findingId: string): Promise<string | undefined> {
    const { rows } = (await archive.index.executeSql(
      `SELECT changes FROM finding_reviews WHERE result_pk = $1 AND finding_id = $2 AND action = 'add'`,
      [resultPk, findingId],
    )) as { rows: Array<{ changes: unknown }> };
    const changes = rows[0]?.changes;
    const given = (typeof changes === 'string' ? JSON.parse(changes) : changes) as {
      geometry?: { referencedSopInstanceUID?: unknown };
    } | null;
    const sop = given?.geometry?.referencedSopInstanceUID;
    return typeof sop === 'string' ? sop : undefined;
  }

  /**
   * Key slices of the accepted AI findings (the measured slice, else the nearest to the centre)
   * and of the findings readers added from a measurement (the image they measured on).
   */
  async function keyImages(report: StoredReport, metas: InstanceMetadata[]): Promise<ReportPdfInput['keyImages']> {
    const accepted = report.prefill.filter(
      (p) => p.source === 'accepted' || p.source === 'edited' || p.source === 'added',
    );
    if (accepted.length === 0) return [];
    const results = await deps.jobs.results(report.studyInstanceUID, null);
    const out: ReportPdfInput['keyImages'][number][] = [];
    for (const p of accepted.slice(0, 6)) {
      const rf = report.report.structured.findings.find((x) => x.id === p.findingId);
      if (!rf || (rf.kind !== 'nodule' && rf.kind !== 'mass')) continue;
      const res = results.find((r) => r.resultPk === p.resultPk);
      const result = res?.result as { findings?: Finding[]; provenance?: { seriesInstanceUID?: string } } | undefined;
      const seriesUid = result?.provenance?.seriesInstanceUID;
      const f = result?.findings?.find((x) => x.id === p.findingId);
      if (!f && p.source !== 'added') continue;
      let sop =
        p.source === 'added' ? await addedFindingSop(p.resultPk, p.findingId) : f?.geometry?.referencedSopInstanceUID;
      const z = f?.geometry?.centerWorld?.[2];
      if (!sop && z !== undefined) {
        let best: { sop: string; d: number } | undefined;
        for (const m of metas) {
          if (m.seriesUid !== seriesUid) continue;
          const pos = (m.metadata['00200032'] as { Value?: number[] } | undefined)?.Value?.[2];
          if (pos === undefined) continue;
          const d = Math.abs(pos - z);
          if (!best || d < best.d) best = { sop: m.sopUid, d };
        }
        sop = best?.sop;
      }
      if (!sop) continue;
      try {
        const png = await keyImagePng(parseDicom(await archive.readInstance(sop, ALL_STUDIES)), 0);
        const size = rf.longAxisMm && rf.shortAxisMm ? `${rf.longAxisMm}×${rf.shortAxisMm} mm` : '';
        const window = report.report.language === 'zh-CN' ? '肺窗' : 'lung window';
        const where = rf.lobe ? LOBE_NAMES[rf.lobe][report.report.language] : '';
        out.push({ png, caption: [`#${out.length + 1}`, where, size, `(${window})`].filter(Boolean).join(' ') });
      } catch (e) {
        log.warn({ code: toLingshuError(e).code, reportPk: report.pk }, 'report outputs: key image skipped');
      }
    }
    return out;
  }

  function analyzersOf(report: StoredReport): ReportPdfInput['ai'] {
    const ids = new Set(report.prefill.map((p) => p.analyzerId));
    return [...ids].map((id) => ({ id, version: '' }));
  }

  async function buildPdf(report: StoredReport, metas: InstanceMetadata[], facts: FhirStudyFacts): Promise<Buffer> {
    const r: Report = report.report;
    const inst = await archive.institutions.byPk(report.institutionPk);
    const results = report.prefill.length > 0 ? await deps.jobs.results(report.studyInstanceUID, null) : [];
    const ai = analyzersOf(report).map((a) => ({
      id: a.id,
      version: results.find((x) => x.analyzerId === a.id)?.analyzerVersion ?? '',
    }));
    const first = metas.find((m) => !OWN_MODALITIES.has(str(m.metadata, '00080060') ?? ''))?.metadata ?? {};
    const age = str(first, '00101010');
    const input: ReportPdfInput = {
      language: r.language,
      institution: { nameZh: inst?.name ?? '', ...(inst?.nameEn ? { nameEn: inst.nameEn } : {}) },
      patient: {
        ...(facts.patient.name ? { name: facts.patient.name.split('=')[0]?.replace(/\^/g, ' ').trim() } : {}),
        ...(facts.patient.id ? { id: facts.patient.id } : {}),
        ...(facts.patient.sex ? { sex: facts.patient.sex } : {}),
        ...(age ? { age } : {}),
      },
      study: {
        ...(facts.accession ? { accession: facts.accession } : {}),
        ...(facts.studyDate ? { date: facts.studyDate.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3') } : {}),
        ...(facts.description ? { description: facts.description } : {}),
        ...(str(first, '00080060') ? { modality: str(first, '00080060') } : {}),
      },
      status: r.status === 'amended' ? 'amended' : 'signed',
      sections: r.sections,
      recommendation: r.recommendation,
      addenda: r.addenda.map((a) => ({ number: a.number, text: a.text, author: a.authorId, at: a.at })),
      signer: { name: report.signer?.name ?? '', at: report.signedAt ?? new Date(0).toISOString() },
      ai,
      keyImages: await keyImages(report, metas),
    };
    return renderReportPdf(input, font);
  }

  function reportFacts(report: StoredReport, pdf: Uint8Array | undefined): FhirReportFacts {
    const r = report.report;
    const last = r.versions[r.versions.length - 1];
    return {
      reportPk: report.pk,
      status: r.status === 'amended' ? 'amended' : 'signed',
      language: r.language,
      impression: r.sections.impression,
      text: renderReportText(r),
      signedAt: report.signedAt ?? report.updatedAt,
      issuedAt: last?.at ?? report.updatedAt,
      signer: report.signer ?? { id: '', name: '' },
      findings: r.structured.findings,
      ...(pdf ? { pdf } : {}),
    };
  }

  async function sourceDataset(metas: InstanceMetadata[]) {
    const m = metas.find((x) => !OWN_MODALITIES.has(str(x.metadata, '00080060') ?? ''));
    if (!m) throw new LingshuError('OUTPUT_FAILED', 'The study has no image instance to copy patient/study data from');
    return parseDicom(await archive.readInstance(m.sopUid, ALL_STUDIES)).dataset;
  }

  async function storeObject(bytes: Uint8Array, institutionPk: string): Promise<void> {
    const r = await archive.store({ bytes, source: 'report-output', institutionPk });
    if (r.status === 'rejected' && r.error?.code !== 'ARCHIVE_DUPLICATE_CONFLICT')
      throw new LingshuError(r.error?.code ?? 'ARCHIVE_STORAGE_FAILED', 'The report object could not be stored');
  }

  async function step<T>(
    report: StoredReport,
    kind: OutputState['kind'],
    target: string,
    fn: () => Promise<{ value: T; sop?: string; attempts?: number }>,
  ): Promise<T | undefined> {
    try {
      const { value, sop, attempts } = await fn();
      await record(report, kind, target, 'done', { ...(sop ? { sop } : {}), ...(attempts ? { attempts } : {}) });
      await audit.record({
        action: 'export',
        outcome: 'success',
        actorKind: 'system',
        actorName: 'report-outputs',
        institutionPk: report.institutionPk,
        resource: { type: 'report', id: report.pk, studyUids: [report.studyInstanceUID] },
        via: `report-output ${kind}`,
        detail: { kind, target, version: report.version },
      });
      return value;
    } catch (e) {
      const err = toLingshuError(e);
      const attempts = typeof err.details.attempts === 'number' ? err.details.attempts : 1;
      await record(report, kind, target, 'failed', { errorCode: err.code, attempts });
      await audit.record({
        action: 'export',
        outcome: 'failure',
        actorKind: 'system',
        actorName: 'report-outputs',
        institutionPk: report.institutionPk,
        resource: { type: 'report', id: report.pk, studyUids: [report.studyInstanceUID] },
        via: `report-output ${kind}`,
        detail: { kind, target, version: report.version, code: err.code },
      });
      log.warn({ code: err.code, kind, target, reportPk: report.pk }, 'report output failed');
      return undefined;
    }
  }

  async function signedReport(reportPk: string): Promise<StoredReport> {
    const report = await reports.byPk(reportPk);
    if (!report) throw new LingshuError('REPORT_NOT_FOUND');
    if (report.status === 'draft') throw new LingshuError('REPORT_NOT_SIGNED');
    return report;
  }

  const service: OutputService = {
    async generate(reportPk, options = {}) {
      const report = await signedReport(reportPk);
      const sent = new Set(
        (await service.states(reportPk))
          .filter((x) => x.kind === 'hl7' && x.version === report.version && x.state === 'done')
          .map((x) => x.target),
      );
      const metas = await studyMetadata(report.studyInstanceUID);
      const facts = await studyFacts(report, metas);
      const r = report.report;
      const pdf = await step(report, 'pdf', '', async () => ({ value: await buildPdf(report, metas, facts) }));
      if (pdf) {
        const uids = outputUids(report.pk, report.version, 'encapsulated-pdf');
        await step(report, 'encapsulated-pdf', '', async () => {
          const ds = writeEncapsulatedPdf({
            source: await sourceDataset(metas),
            pdf,
            documentTitle: r.language === 'zh-CN' ? '影像诊断报告' : 'Diagnostic Imaging Report',
            ...uids,
            instanceNumber: report.version,
            seriesDescription: r.language === 'zh-CN' ? '诊断报告 PDF' : 'Report PDF',
            at: new Date(report.report.versions[report.report.versions.length - 1]?.at ?? Date.now()),
          });
          await storeObject(writeDicom({ dataset: ds }), report.institutionPk);
          return { value: true, sop: uids.sopInstanceUID };
        });
      }
      const srUids = outputUids(report.pk, report.version, 'sr');
      await step(report, 'sr', '', async () => {
        const inst = await archive.institutions.byPk(report.institutionPk);
        const ds = writeReportSr({
          source: await sourceDataset(metas),
          language: r.language,
          method: r.sections.method,
          findings: r.sections.findings,
          impression: r.sections.impression,
          recommendation: r.recommendation,
          addenda: r.addenda.map((a) => a.text),
          verifier: { name: report.signer?.name ?? '', organization: inst?.name ?? '' },
          verifiedAt: new Date(report.signedAt ?? Date.now()),
          ...srUids,
          seriesDescription: r.language === 'zh-CN' ? '诊断报告 SR' : 'Report SR',
        });
        await storeObject(writeDicom({ dataset: ds }), report.institutionPk);
        return { value: true, sop: srUids.sopInstanceUID };
      });
      await step(report, 'fhir', '', async () => {
        const resources = reportResources(facts, reportFacts(report, pdf));
        await db.deleteFrom('fhir_resources').where('report_pk', '=', report.pk).execute();
        await db
          .insertInto('fhir_resources')
          .values(resources.map((x) => ({ resource_type: x.resourceType, resource_id: x.id, report_pk: report.pk })))
          .onConflict((oc) => oc.doNothing())
          .execute();
        return { value: true };
      });
      for (const dest of destinations) {
        if (sent.has(dest.name) && !options.force) continue;
        await step(report, 'hl7', dest.name, async () => {
          const msg = buildOru({
            messageControlId: `LS${report.pk}V${report.version}`,
            at: new Date(),
            sending: { application: 'LINGSHU', facility: facts.institutionCode },
            receiving: { application: dest.receivingApplication, facility: dest.receivingFacility },
            patient: facts.patient,
            order: {
              ...(facts.accession ? { accession: facts.accession, filler: facts.accession } : {}),
              ...(metas[0] ? { modality: str(metas[0].metadata, '00080060') } : {}),
              studyInstanceUid: report.studyInstanceUID,
            },
            resultStatus: r.status === 'amended' ? 'C' : 'F',
            sections: [
              { key: 'method', text: r.sections.method },
              { key: 'findings', text: r.sections.findings },
              { key: 'impression', text: r.sections.impression },
              { key: 'recommendation', text: r.recommendation },
              ...r.addenda.map((a) => ({ key: 'addendum' as const, text: a.text })),
            ],
            measurements: measurementsOf(r),
            signer: { id: report.signer?.id ?? '', name: report.signer?.name ?? '' },
          });
          const res = await sendMllp(dest, msg, deps.config.hl7 ?? {});
          return { value: true, attempts: res.attempts };
        });
      }
      return service.states(reportPk).then((all) => all.filter((s) => s.version === report.version));
    },

    async states(reportPk) {
      const rows = await db
        .selectFrom('report_outputs')
        .selectAll()
        .where('report_pk', '=', reportPk)
        .orderBy('pk')
        .execute();
      return rows.map((x) => ({
        kind: x.kind,
        target: x.target,
        version: Number(x.version),
        state: x.state,
        errorCode: x.error_code,
        attempts: Number(x.attempts),
        sopInstanceUID: x.sop_instance_uid,
        at: new Date(x.at).toISOString(),
      }));
    },

    async pdf(principal, studyUid) {
      const report = await visibleSigned(principal, studyUid);
      const uids = outputUids(report.pk, report.version, 'encapsulated-pdf');
      try {
        const bytes = await archive.readInstance(uids.sopInstanceUID, ALL_STUDIES);
        const ds = parseDicom(bytes).dataset;
        const doc = ds.get(tagOf('EncapsulatedDocument'))?.bytes;
        const len = Number(getString(ds, tagOf('EncapsulatedDocumentLength')) ?? doc?.length ?? 0);
        if (doc)
          return { pdf: Buffer.from(doc.subarray(0, len || doc.length)), reportPk: report.pk, version: report.version };
      } catch (e) {
        if (!isLingshuError(e, 'ARCHIVE_NOT_FOUND')) throw e;
      }
      // Not stored (yet, or its output failed): render it now.
      const metas = await studyMetadata(report.studyInstanceUID);
      const pdf = await buildPdf(report, metas, await studyFacts(report, metas));
      return { pdf, reportPk: report.pk, version: report.version };
    },

    async fhirRead(principal, type, id) {
      const pks = await reportsOf(type, id);
      if (pks.length === 0) throw new LingshuError('FHIR_NOT_FOUND');
      const all = await visibleResources(principal, { reportPks: pks });
      const hit = all.find((r) => r.resourceType === type && r.id === id);
      if (!hit) throw new LingshuError('FHIR_NOT_FOUND');
      return hit;
    },

    async fhirSearch(principal, query) {
      const patient = query.patient?.replace(/^Patient\//, '');
      const reportPks = patient ? await reportsOf('Patient', patient) : undefined;
      if (reportPks && reportPks.length === 0) return [];
      const all = await visibleResources(principal, {
        ...(query.study ? { study: query.study } : {}),
        ...(reportPks ? { reportPks } : {}),
      });
      return all.filter(
        (r) =>
          r.resourceType === 'DiagnosticReport' &&
          (!query.patient ||
            (r.subject as { reference?: string } | undefined)?.reference ===
              `Patient/${query.patient.replace(/^Patient\//, '')}`),
      );
    },

    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    async close() {
      closed = true;
      events.off('report-signed', onSigned);
      await service.idle();
    },
  };

  async function visibleSigned(principal: Principal, studyUid: string): Promise<StoredReport> {
    const scope = scopeOf(principal);
    const rows = (await archive.index.executeSql(
      `SELECT pk::text AS pk, institution_pk::text AS institution_pk FROM reports WHERE study_uid = $1 AND status <> 'draft'`,
      [studyUid],
    )) as { rows: { pk: string; institution_pk: string }[] };
    const row = rows.rows[0];
    if (!row) throw new LingshuError('REPORT_NOT_FOUND');
    // The study must be visible to the principal (own institution or shared with it).
    const visible = await archive.findMetadata({ studyUid }, scope);
    if (visible.length === 0) throw new LingshuError('REPORT_NOT_FOUND');
    return signedReport(row.pk);
  }

  /** The reports a FHIR resource comes from (fhir_resources, written by the fhir output). */
  async function reportsOf(type: string, id: string): Promise<string[]> {
    const rows = await db
      .selectFrom('fhir_resources')
      .select('report_pk')
      .where('resource_type', '=', type)
      .where('resource_id', '=', id)
      .execute();
    return rows.map((r) => String(r.report_pk));
  }

  /**
   * FHIR resources of the signed reports the principal may see, optionally of one study and/or
   * of given reports (at most 200 reports).
   */
  async function visibleResources(
    principal: Principal,
    filter: { study?: string; reportPks?: readonly string[] },
  ): Promise<FhirResource[]> {
    const scope = scopeOf(principal);
    const params: unknown[] = [];
    let where = `status <> 'draft'`;
    if (filter.reportPks) {
      params.push(`{${filter.reportPks.filter((p) => /^[0-9]+$/.test(p)).join(',')}}`);
      where += ` AND pk = ANY($${params.length}::bigint[])`;
    }
    if (filter.study) {
      params.push(filter.study);
      where += ` AND study_uid = $${params.length}`;
    }
    if (scope.kind === 'institutions') {
      params.push(`{${scope.institutionPks.join(',')}}`);
      where += ` AND (institution_pk = ANY($${params.length}::bigint[]) OR study_pk IN (SELECT study_pk FROM study_shares WHERE institution_pk = ANY($${params.length}::bigint[])))`;
    }
    const { rows } = (await archive.index.executeSql(
      `SELECT pk::text AS pk FROM reports WHERE ${where} ORDER BY pk LIMIT 200`,
      params,
    )) as { rows: { pk: string }[] };
    const out = new Map<string, FhirResource>();
    for (const { pk } of rows) {
      const report = await signedReport(pk);
      const metas = await studyMetadata(report.studyInstanceUID);
      const facts = await studyFacts(report, metas);
      let pdf: Uint8Array | undefined;
      try {
        const uids = outputUids(report.pk, report.version, 'encapsulated-pdf');
        const ds = parseDicom(await archive.readInstance(uids.sopInstanceUID, ALL_STUDIES)).dataset;
        const doc = ds.get(tagOf('EncapsulatedDocument'))?.bytes;
        const len = Number(getString(ds, tagOf('EncapsulatedDocumentLength')) ?? 0);
        if (doc) pdf = doc.subarray(0, len || doc.length);
      } catch {
        pdf = undefined;
      }
      for (const r of reportResources(facts, reportFacts(report, pdf))) out.set(`${r.resourceType}/${r.id}`, r);
    }
    return [...out.values()];
  }

  function onSigned(e: ServerEventMap['report-signed'][0]): void {
    if (closed) return;
    const p = service
      .generate(e.reportPk)
      .catch((err: unknown) =>
        log.warn({ code: toLingshuError(err).code, reportPk: e.reportPk }, 'report outputs failed'),
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  events.on('report-signed', onSigned);
  inFlight = new Set();
  return service;
}

/** NM OBX lines: the measured sizes of accepted findings (UCUM units). */
function measurementsOf(r: Report): OruMeasurement[] {
  const out: OruMeasurement[] = [];
  let i = 0;
  for (const f of r.structured.findings) {
    if (!f.accepted) continue;
    i++;
    const lr = f.categories.find((c) => c.system.toLowerCase().startsWith('lung-rads'));
    const add = (code: string, text: string, value: number | undefined, unit: string) => {
      if (value === undefined) return;
      out.push({
        findingIndex: i,
        code: { code, text, system: 'SCT' },
        value,
        unit,
        ...(lr ? { interpretation: `Lung-RADS ${lr.value}` } : {}),
      });
    };
    add('103339001', 'Long axis', f.longAxisMm, 'mm');
    add('103340004', 'Short axis', f.shortAxisMm, 'mm');
    add('81827009', 'Diameter', f.meanDiameterMm, 'mm');
    add('118565006', 'Volume', f.volumeMm3, 'mm3');
    add('87433001', 'Pulmonary emphysema LAA-950', f.laa950Percent, '%');
    add('233604007', 'Pneumonia extent', f.infectionPercent, '%');
  }
  return out;
}
