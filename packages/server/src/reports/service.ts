import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { AnalysisResult, Finding } from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';
import {
  addAddendum,
  createReport,
  type DraftEdit,
  type Lang,
  LUNG_RADS_SYSTEM,
  lungRadsOf,
  type PatientSex,
  type Report,
  type ReportActor,
  type ReportFinding,
  type ReportNoduleGrowth,
  type ReportTemplateId,
  runReportQc,
  type SeriesFacts,
  saveDraft,
  signReport,
} from '@lingshu/clinical';
import { LingshuError } from '@lingshu/dicom';
import { CompiledQuery, type Transaction } from 'kysely';
import type { MatchedNoduleGrowth, StudyGrowth } from '../aiviews/growth.js';
import { can, type Principal } from '../auth/principal.js';
import type { ServerEventMap } from '../context.js';
import type { JobService } from '../jobs/service.js';
import { atLeast, mayPrefill, visibleTo } from '../oversight/policy.js';
import type { OversightService } from '../oversight/service.js';
import { migratePlatform } from '../platform/migrate.js';
import type { LockService } from '../worklist/locks.js';
import { addedFinding, applyEdit, toReportFinding } from './mapping.js';
import { REPORTS_MIGRATIONS, type ReportsTables } from './migrations.js';
import { ageYears, type StudyRecord, visibleStudy } from './study.js';

/** Where a prefilled finding came from. */
export interface PrefillSource {
  resultPk: string;
  analyzerId: string;
  findingId: string;
  /** accepted / edited / added: a reader's verdict; draft-mode: unreviewed, the analyzer runs in `draft`. */
  source: 'accepted' | 'edited' | 'added' | 'draft-mode';
}

/** A stored report as the API returns it. */
export interface StoredReport {
  pk: string;
  studyInstanceUID: string;
  institutionPk: string;
  status: Report['status'];
  /** The latest version number; send it back with PUT …/report/draft (optimistic concurrency). */
  version: number;
  templateId: string;
  language: Lang;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  signedAt: string | null;
  signer: { id: string; name: string } | null;
  prefill: PrefillSource[];
  /** The clinical report (sections, recommendation, structured items, versions, addenda). */
  report: Report;
}

export interface StoredVersion {
  number: number;
  kind: 'draft' | 'signature' | 'addendum';
  authorId: string;
  role: string;
  at: string;
  content: unknown;
}

export interface CreateDraftInput {
  language?: Lang;
  templateId?: ReportTemplateId;
  /** The study's nodules against the prior (aiviews studyGrowth): matched nodules carry it into the draft. */
  growth?: StudyGrowth;
}

export interface SaveDraftInput extends DraftEdit {
  /** The version the editor loaded; a different current version → 409 REPORT_VERSION_CONFLICT. */
  version: number;
}

/** `platform.reports`: persistence and permissions around the pure clinical report lifecycle. */
export interface ReportService {
  get(principal: Principal, studyUid: string): Promise<StoredReport>;
  /** By report pk, without a principal (outputs triggered by `report-signed`). */
  byPk(reportPk: string): Promise<StoredReport | undefined>;
  createDraft(principal: Principal, studyUid: string, input?: CreateDraftInput): Promise<StoredReport>;
  saveDraft(principal: Principal, studyUid: string, input: SaveDraftInput): Promise<StoredReport>;
  qc(principal: Principal, studyUid: string): Promise<ReturnType<typeof runReportQc>>;
  /** Runs QC; blocking issues need `overrideReason`. The route checks re-authentication. */
  sign(principal: Principal, studyUid: string, input?: { overrideReason?: string }): Promise<StoredReport>;
  addAddendum(principal: Principal, studyUid: string, text: string): Promise<StoredReport>;
  versions(principal: Principal, studyUid: string): Promise<StoredVersion[]>;
}

interface ReportRow {
  pk: string;
  study_uid: string;
  institution_pk: string;
  status: Report['status'];
  version: number;
  template_id: string;
  language: string;
  report: unknown;
  prefill: unknown;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  signed_at: Date | string | null;
  signed_by: string | null;
  signed_by_name: string | null;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const iso = (v: Date | string): string => new Date(v).toISOString();

function toStored(r: ReportRow): StoredReport {
  return {
    pk: String(r.pk),
    studyInstanceUID: r.study_uid,
    institutionPk: String(r.institution_pk),
    status: r.status,
    version: Number(r.version),
    templateId: r.template_id,
    language: r.language as Lang,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    signedAt: r.signed_at ? iso(r.signed_at) : null,
    signer: r.signed_by ? { id: r.signed_by, name: r.signed_by_name ?? r.signed_by } : null,
    prefill: json(r.prefill) as PrefillSource[],
    report: json(r.report) as Report,
  };
}

function actorOf(principal: Principal): ReportActor {
  return { id: principal.id, role: principal.role, canSign: can(principal, 'report:sign') };
}

const CHEST = /胸|chest|lung|肺|thorax/i;
const CHEST_PARTS = new Set(['CHEST', 'LUNG', 'THORAX']);
const REGIONS: Record<string, { 'zh-CN': string; en: string }> = {
  CHEST: { 'zh-CN': '胸部', en: 'chest' },
  LUNG: { 'zh-CN': '胸部', en: 'chest' },
  THORAX: { 'zh-CN': '胸部', en: 'chest' },
  HEAD: { 'zh-CN': '头颅', en: 'head' },
  BRAIN: { 'zh-CN': '头颅', en: 'head' },
  NECK: { 'zh-CN': '颈部', en: 'neck' },
  ABDOMEN: { 'zh-CN': '腹部', en: 'abdomen' },
  PELVIS: { 'zh-CN': '盆腔', en: 'pelvis' },
  SPINE: { 'zh-CN': '脊柱', en: 'spine' },
  KNEE: { 'zh-CN': '膝关节', en: 'knee' },
};

interface SeriesRow {
  series_uid: string;
  modality: string;
  body_part: string;
  description: string;
  metadata: unknown;
}

function firstValue(metadata: unknown, tag: string): unknown {
  const m = json(metadata) as Record<string, { Value?: unknown[] }> | null;
  return m?.[tag]?.Value?.[0];
}

/** The reader set a category in an edit (`categories`, or `lungRads`: mapping.ts applyEdit). */
function hasCategories(changes: unknown): boolean {
  return typeof changes === 'object' && changes !== null && ('categories' in changes || 'lungRads' in changes);
}

/** `YYYYMMDD` → `YYYY-MM-DD` (anything else unchanged). */
function isoDate(dicomDate: string): string {
  return /^\d{8}$/.test(dicomDate)
    ? `${dicomDate.slice(0, 4)}-${dicomDate.slice(4, 6)}-${dicomDate.slice(6)}`
    : dicomDate;
}

/**
 * A drafted nodule with its comparison to the prior. When it grew by the Lung-RADS rule and the
 * reader did not set its category, the category is the growing one (v2022: growing solid < 8 mm
 * 4A, ≥ 8 mm 4B), in place of the analyzer's baseline category.
 */
export function withGrowth(
  finding: ReportFinding,
  g: MatchedNoduleGrowth,
  priorStudyDate: string,
  recategorise: boolean,
): ReportFinding {
  const growth: ReportNoduleGrowth = {
    priorStudyDate: isoDate(priorStudyDate),
    intervalDays: g.intervalDays,
    ...(g.priorMeanDiameterMm !== null ? { priorMeanDiameterMm: g.priorMeanDiameterMm } : {}),
    ...(g.priorVolumeMm3 !== null ? { priorVolumeMm3: g.priorVolumeMm3 } : {}),
    ...(g.volumeChangePercent !== null ? { volumeChangePercent: g.volumeChangePercent } : {}),
    ...(g.volumeDoublingTimeDays !== null ? { volumeDoublingTimeDays: g.volumeDoublingTimeDays } : {}),
    growingLungRads: g.growingLungRads,
    growingFleischner: g.growingFleischner,
    growingVolume: g.growingVolume,
  };
  const out: ReportFinding = { ...finding, growth };
  if (recategorise && g.growingLungRads) {
    const others = finding.categories.filter((c) => c.system !== LUNG_RADS_SYSTEM);
    const growing = lungRadsOf({ ...out, categories: others });
    if (growing) out.categories = [...others, { system: LUNG_RADS_SYSTEM, value: growing }];
  }
  return out;
}

export interface ReportServiceDeps {
  archive: Archive;
  events: EventEmitter<ServerEventMap>;
  jobs: Pick<JobService, 'results'>;
  oversight: Pick<OversightService, 'modeFor'>;
  locks: Pick<LockService, 'assertNotLockedByOther'>;
}

export async function openReports(deps: ReportServiceDeps): Promise<ReportService> {
  const { archive, events, jobs, oversight, locks } = deps;
  await migratePlatform(archive.index.db, 'reports', REPORTS_MIGRATIONS);
  const db = archive.index.db.withTables<ReportsTables>();
  const exec = <T>(text: string, values: unknown[] = []) =>
    archive.index.executeSql(text, values) as Promise<{ rows: T[] }>;

  const SELECT = `SELECT pk::text AS pk, study_uid, institution_pk::text AS institution_pk, status, version, template_id,
      language, report, prefill, created_by, created_at, updated_at, signed_at, signed_by, signed_by_name FROM reports`;

  const rowOf = async (studyUid: string): Promise<ReportRow | undefined> =>
    (await exec<ReportRow>(`${SELECT} WHERE study_uid = $1`, [studyUid])).rows[0];

  const load = async (principal: Principal, studyUid: string): Promise<{ study: StudyRecord; row: ReportRow }> => {
    const study = await visibleStudy(archive, principal, studyUid);
    const row = await rowOf(studyUid);
    // Drafts are work in progress: only those who write or sign reports see them.
    if (!row || (row.status === 'draft' && !can(principal, 'report:write') && !can(principal, 'report:sign')))
      throw new LingshuError('REPORT_NOT_FOUND');
    return { study, row };
  };

  /** Stores the next state: conditional on the version the change started from (one writer wins). */
  const persist = async (
    row: ReportRow,
    next: Report,
    extra: { signedBy?: Principal; signedByName?: string } = {},
  ): Promise<StoredReport> => {
    const newest = next.versions[next.versions.length - 1];
    if (!newest) throw new LingshuError('INTERNAL', 'A report without versions');
    const signing = extra.signedBy !== undefined;
    return db.transaction().execute(async (trx) => {
      const { rows } = await trx.executeQuery<ReportRow>(
        CompiledQuery.raw(
          `UPDATE reports SET report = $1::jsonb, status = $2, version = $3, updated_at = now()
         ${signing ? ', signed_at = now(), signed_by = $6, signed_by_name = $7' : ''}
        WHERE pk = $4 AND version = $5
        RETURNING pk::text AS pk, study_uid, institution_pk::text AS institution_pk, status, version, template_id,
          language, report, prefill, created_by, created_at, updated_at, signed_at, signed_by, signed_by_name`,
          [
            JSON.stringify(next),
            next.status,
            newest.number,
            row.pk,
            row.version,
            ...(signing ? [extra.signedBy?.id ?? '', extra.signedByName ?? ''] : []),
          ],
        ),
      );
      const updated = rows[0];
      if (!updated)
        throw new LingshuError('REPORT_VERSION_CONFLICT', undefined, { details: { version: Number(row.version) } });
      for (const v of next.versions.slice(Number(row.version))) await insertVersion(trx, updated.pk, v);
      return toStored(updated);
    });
  };

  /** One version row, in the transaction that changes the report (both or neither are stored). */
  const insertVersion = async (
    trx: Pick<Transaction<ReportsTables>, 'executeQuery'>,
    reportPk: string,
    v: Report['versions'][number],
  ): Promise<void> => {
    await trx.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO report_versions (report_pk, number, kind, author, role, at, content) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [reportPk, v.number, v.kind, v.authorId, v.role, v.at, JSON.stringify(v)],
      ),
    );
  };

  const displayName = async (principal: Principal): Promise<string> => {
    const { rows } = await exec<{ display_name: string }>(`SELECT display_name FROM users WHERE pk::text = $1`, [
      principal.id,
    ]);
    return rows[0]?.display_name?.trim() || principal.name;
  };

  /** Findings for the draft, from the visible AI results and the readers' verdicts. */
  const prefillFindings = async (
    principal: Principal,
    study: StudyRecord,
    growth?: StudyGrowth,
  ): Promise<{ findings: ReportFinding[]; sources: PrefillSource[]; nodulesAssessed: boolean; seriesUid?: string }> => {
    const results = (await jobs.results(study.studyInstanceUID, null)).filter((r) => r.status === 'ok');
    const latest = new Map<string, (typeof results)[number]>();
    for (const r of results) if (!latest.has(r.analyzerId)) latest.set(r.analyzerId, r); // newest first
    const findings: ReportFinding[] = [];
    const sources: PrefillSource[] = [];
    let nodulesAssessed = false;
    let seriesUid: string | undefined;
    for (const r of latest.values()) {
      const mode = await oversight.modeFor(r.analyzerId, study.institutionPk);
      if (!atLeast(mode, 'assist') || !visibleTo(mode, principal)) continue;
      const result = r.result as AnalysisResult;
      const aiFindings: Finding[] = Array.isArray(result?.findings) ? result.findings : [];
      seriesUid ??= result?.provenance?.seriesInstanceUID;
      const { rows: reviews } = await exec<{ finding_id: string; action: string; changes: unknown }>(
        `SELECT finding_id, action, changes FROM finding_reviews WHERE result_pk = $1 ORDER BY at, pk`,
        [r.resultPk],
      );
      const verdict = new Map<string, { action: string; changes: unknown }>();
      const withdrawn = new Set(reviews.filter((rv) => rv.action === 'withdraw').map((rv) => rv.finding_id));
      for (const rv of reviews) {
        if (rv.action === 'withdraw' || withdrawn.has(rv.finding_id)) continue; // added, then taken back
        if (rv.action === 'add') {
          findings.push(addedFinding(rv.finding_id, json(rv.changes)));
          sources.push({ resultPk: r.resultPk, analyzerId: r.analyzerId, findingId: rv.finding_id, source: 'added' });
        } else verdict.set(rv.finding_id, { action: rv.action, changes: json(rv.changes) });
      }
      let allNodulesDecided = true;
      for (const f of aiFindings) {
        const v = verdict.get(f.id);
        const isNodule = f.type === 'nodule' || f.type === 'mass';
        let mapped: ReportFinding | undefined;
        let source: PrefillSource['source'] | undefined;
        if (v?.action === 'accept') {
          mapped = toReportFinding(f, true);
          source = 'accepted';
        } else if (v?.action === 'edit') {
          mapped = applyEdit(toReportFinding(f, true), v.changes);
          source = 'edited';
        } else if (!v && mayPrefill(mode)) {
          mapped = toReportFinding(f, true);
          source = 'draft-mode';
        } else if (!v && isNodule) allNodulesDecided = false;
        if (mapped && isNodule && growth?.prior && growth.resultPk === r.resultPk) {
          const g = growth.nodules.find((n) => n.findingId === f.id);
          const categoryEdited = v?.action === 'edit' && hasCategories(v.changes);
          if (g) mapped = withGrowth(mapped, g, growth.prior.studyDate, !categoryEdited);
        }
        if (mapped && source) {
          findings.push(mapped);
          sources.push({ resultPk: r.resultPk, analyzerId: r.analyzerId, findingId: f.id, source });
        }
      }
      const warned = (result?.warnings ?? []).some((w) => w.code === 'nodules-not-analysed');
      // "No definite nodules" is only drafted when nodule detection ran and every AI nodule has a
      // verdict (or draft mode prefilled them): never while AI proposals are still pending.
      if (!warned && allNodulesDecided && r.analyzerId === 'lingshu-chest-ct') nodulesAssessed = true;
    }
    return { findings, sources, nodulesAssessed, ...(seriesUid ? { seriesUid } : {}) };
  };

  const seriesFacts = async (study: StudyRecord, seriesUid: string | undefined): Promise<SeriesFacts> => {
    const { rows } = await exec<SeriesRow>(
      `SELECT se.series_uid, se.modality, se.body_part, se.description,
              (SELECT i.metadata FROM instances i WHERE i.series_pk = se.pk ORDER BY i.pk LIMIT 1) AS metadata
         FROM series se WHERE se.study_pk = $1 ORDER BY (se.series_uid = $2) DESC, se.num_instances DESC, se.pk LIMIT 1`,
      [study.pk, seriesUid ?? ''],
    );
    const s = rows[0];
    const facts: SeriesFacts = {};
    const modality = s?.modality || study.modalities[0];
    if (modality) facts.modality = modality;
    if (!s) return facts;
    const region = REGIONS[s.body_part.toUpperCase()];
    if (region) facts.region = region;
    const thickness = Number(firstValue(s.metadata, '00180050'));
    if (Number.isFinite(thickness) && thickness > 0) facts.sliceThicknessMm = thickness;
    const kernel = firstValue(s.metadata, '00181210');
    if (typeof kernel === 'string' && kernel.trim()) facts.kernel = kernel.trim();
    const meta = json(s.metadata) as Record<string, unknown> | null;
    if (meta && modality === 'CT') facts.contrast = firstValue(meta, '00180010') !== undefined;
    return facts;
  };

  const templateFor = async (study: StudyRecord): Promise<ReportTemplateId> => {
    if (!study.modalities.includes('CT')) return 'generic';
    if (CHEST.test(study.description)) return 'chest-ct';
    const { rows } = await exec<{ body_part: string; description: string }>(
      `SELECT body_part, description FROM series WHERE study_pk = $1`,
      [study.pk],
    );
    return rows.some((r) => CHEST_PARTS.has(r.body_part.toUpperCase()) || CHEST.test(r.description))
      ? 'chest-ct'
      : 'generic';
  };

  return {
    async get(principal, studyUid) {
      return toStored((await load(principal, studyUid)).row);
    },

    async byPk(reportPk) {
      if (!/^\d{1,18}$/.test(reportPk)) return undefined;
      const row = (await exec<ReportRow>(`${SELECT} WHERE pk = $1`, [reportPk])).rows[0];
      return row ? toStored(row) : undefined;
    },

    async createDraft(principal, studyUid, input = {}) {
      const study = await visibleStudy(archive, principal, studyUid);
      if (!can(principal, 'report:write')) throw new LingshuError('AUTH_FORBIDDEN');
      const language = input.language ?? 'zh-CN';
      if (language !== 'zh-CN' && language !== 'en')
        throw new LingshuError('HTTP_BAD_PARAMETER', 'language must be zh-CN or en', {
          details: { parameter: 'language' },
        });
      if (input.templateId !== undefined && input.templateId !== 'chest-ct' && input.templateId !== 'generic')
        throw new LingshuError('HTTP_BAD_PARAMETER', 'templateId must be chest-ct or generic', {
          details: { parameter: 'templateId' },
        });
      await locks.assertNotLockedByOther(principal, studyUid);
      if (await rowOf(studyUid)) throw new LingshuError('REPORT_EXISTS');
      const templateId = input.templateId ?? (await templateFor(study));
      const prefill = await prefillFindings(principal, study, input.growth);
      const sex = ['F', 'M', 'O'].includes(study.patientSex) ? (study.patientSex as PatientSex) : undefined;
      const age = ageYears(study.patientBirthDate, study.studyDate);
      const report = createReport({
        id: randomUUID(),
        templateId,
        language,
        input: {
          findings: prefill.findings,
          series: await seriesFacts(study, prefill.seriesUid),
          patient: { ...(sex ? { sex } : {}), ...(age !== undefined ? { ageYears: age } : {}) },
          nodulesAssessed: prefill.nodulesAssessed,
        },
        author: actorOf(principal),
        at: new Date(),
      });
      const inserted = await db.transaction().execute(async (trx) => {
        const pk = await trx
          .insertInto('reports')
          .values({
            report_id: report.id,
            study_uid: studyUid,
            study_pk: study.pk,
            institution_pk: study.institutionPk,
            template_id: report.templateId,
            language: report.language,
            status: report.status,
            version: 1,
            report: JSON.stringify(report),
            prefill: JSON.stringify(prefill.sources),
            created_by: principal.id,
          })
          .onConflict((oc) => oc.column('study_uid').doNothing())
          .returning('pk')
          .executeTakeFirst();
        const first = report.versions[0];
        if (pk && first) await insertVersion(trx, String(pk.pk), first);
        return pk;
      });
      if (!inserted) throw new LingshuError('REPORT_EXISTS');
      const row = await rowOf(studyUid);
      if (!row) throw new LingshuError('INTERNAL', 'The report vanished after insert');
      return toStored(row);
    },

    async saveDraft(principal, studyUid, input) {
      const { row } = await load(principal, studyUid);
      if (!Number.isInteger(input.version))
        throw new LingshuError('HTTP_BAD_PARAMETER', 'version must be the version number the editor loaded', {
          details: { parameter: 'version' },
        });
      if (row.status !== 'draft') throw new LingshuError('REPORT_ALREADY_SIGNED');
      if (Number(row.version) !== input.version)
        throw new LingshuError('REPORT_VERSION_CONFLICT', undefined, { details: { version: Number(row.version) } });
      await locks.assertNotLockedByOther(principal, studyUid);
      const edit: DraftEdit = {
        ...(input.sections !== undefined ? { sections: input.sections } : {}),
        ...(input.recommendation !== undefined ? { recommendation: input.recommendation } : {}),
      };
      const next = saveDraft(json(row.report) as Report, edit, actorOf(principal), new Date());
      return persist(row, next);
    },

    async qc(principal, studyUid) {
      const { row } = await load(principal, studyUid);
      return runReportQc(json(row.report) as Report);
    },

    async sign(principal, studyUid, input = {}) {
      const { row } = await load(principal, studyUid);
      await locks.assertNotLockedByOther(principal, studyUid);
      const next = signReport(json(row.report) as Report, actorOf(principal), new Date(), input.overrideReason);
      const stored = await persist(row, next, { signedBy: principal, signedByName: await displayName(principal) });
      events.emit('report-signed', {
        studyInstanceUID: studyUid,
        reportPk: stored.pk,
        institutionPk: stored.institutionPk,
      });
      return stored;
    },

    async addAddendum(principal, studyUid, text) {
      const { row } = await load(principal, studyUid);
      const next = addAddendum(json(row.report) as Report, text, actorOf(principal), new Date());
      const stored = await persist(row, next);
      // An addendum is a signed amendment: the outputs are produced again for the new version.
      events.emit('report-signed', {
        studyInstanceUID: studyUid,
        reportPk: stored.pk,
        institutionPk: stored.institutionPk,
      });
      return stored;
    },

    async versions(principal, studyUid) {
      const { row } = await load(principal, studyUid);
      const { rows } = await exec<{
        number: number;
        kind: StoredVersion['kind'];
        author: string;
        role: string;
        at: Date | string;
        content: unknown;
      }>(`SELECT number, kind, author, role, at, content FROM report_versions WHERE report_pk = $1 ORDER BY number`, [
        row.pk,
      ]);
      return rows.map((v) => ({
        number: Number(v.number),
        kind: v.kind,
        authorId: v.author,
        role: v.role,
        at: iso(v.at),
        content: json(v.content),
      }));
    },
  };
}
