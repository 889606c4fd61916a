import { LingshuError } from '@lingshu/dicom';
import type { Lang } from '../types.js';
import {
  type Addendum,
  DEFAULT_REPORT_OPTIONS,
  type Report,
  type ReportActor,
  type ReportInput,
  type ReportOptions,
  type ReportSections,
  type ReportVersion,
  type SignatureQc,
  type VersionKind,
} from './model.js';
import { runReportQc } from './qc.js';
import { reportTemplate } from './templates/index.js';

/**
 * Report lifecycle as pure state transitions: draft → signed → amended (addenda only). Every
 * call returns a new, deeply frozen Report with one more version; nothing is ever changed in
 * place, so earlier versions stay exactly as they were.
 */

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function invalid(message: string, field: string): LingshuError {
  return new LingshuError('REPORT_INVALID', message, { details: { field } });
}

function iso(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw invalid('The time is not a valid date', 'at');
  return at.toISOString();
}

function checkActor(actor: ReportActor): void {
  if (typeof actor?.id !== 'string' || actor.id === '' || typeof actor.role !== 'string')
    throw invalid('The author needs an id and a role', 'author');
}

function resolveOptions(partial: Partial<ReportOptions> | undefined): ReportOptions {
  const o: ReportOptions = { ...DEFAULT_REPORT_OPTIONS, ...partial };
  if (o.followUpGuideline !== 'lung-rads' && o.followUpGuideline !== 'fleischner')
    throw invalid('followUpGuideline must be lung-rads or fleischner', 'followUpGuideline');
  if (!(Number.isFinite(o.impressionMinNoduleMm) && o.impressionMinNoduleMm >= 0))
    throw invalid('impressionMinNoduleMm must be a number ≥ 0', 'impressionMinNoduleMm');
  if (!['low', 'high', 'unknown'].includes(o.fleischnerRisk))
    throw invalid('fleischnerRisk must be low, high or unknown', 'fleischnerRisk');
  return o;
}

function version(
  report: Pick<Report, 'sections' | 'recommendation' | 'addenda' | 'versions'>,
  kind: VersionKind,
  actor: ReportActor,
  at: string,
  qc?: SignatureQc,
): ReportVersion {
  return {
    number: report.versions.length + 1,
    kind,
    sections: { ...report.sections },
    recommendation: report.recommendation,
    addenda: [...report.addenda],
    authorId: actor.id,
    role: actor.role,
    at,
    ...(qc ? { qc } : {}),
  };
}

export interface CreateReportArgs {
  /** Assigned by the caller (the server), e.g. a UUID. */
  id: string;
  templateId: string;
  language: Lang;
  input: ReportInput;
  options?: Partial<ReportOptions>;
  author: ReportActor;
  at: Date;
}

/** A new draft, prefilled by the template from the accepted findings (version 1). */
export function createReport(args: CreateReportArgs): Report {
  if (typeof args.id !== 'string' || args.id === '') throw invalid('The report needs an id', 'id');
  if (args.language !== 'zh-CN' && args.language !== 'en') throw invalid('language must be zh-CN or en', 'language');
  checkActor(args.author);
  const at = iso(args.at);
  const template = reportTemplate(args.templateId);
  const options = resolveOptions(args.options);
  const draft = template.draft(args.input, args.language, options);
  const base = {
    sections: draft.sections,
    recommendation: draft.recommendation,
    addenda: [] as Addendum[],
    versions: [] as ReportVersion[],
  };
  const report: Report = {
    id: args.id,
    templateId: template.id,
    language: args.language,
    status: 'draft',
    sections: draft.sections,
    recommendation: draft.recommendation,
    structured: {
      findings: args.input.findings.filter((f) => f.accepted).map((f) => structuredClone(f)),
      series: structuredClone(args.input.series),
      patient: structuredClone(args.input.patient),
      nodulesAssessed: args.input.nodulesAssessed ?? true,
      impressionItems: draft.impressionItems,
      ...(draft.lungRads ? { lungRads: draft.lungRads } : {}),
    },
    options,
    versions: [version(base, 'draft', args.author, at)],
    addenda: [],
  };
  return deepFreeze(report);
}

export interface DraftEdit {
  sections?: Partial<ReportSections>;
  recommendation?: string;
}

/** Saves the radiologist's text edits as a new draft version (drafts only). */
export function saveDraft(report: Report, edit: DraftEdit, author: ReportActor, at: Date): Report {
  if (report.status !== 'draft') throw new LingshuError('REPORT_ALREADY_SIGNED');
  checkActor(author);
  const when = iso(at);
  const sections: ReportSections = { ...report.sections };
  for (const key of ['method', 'findings', 'impression'] as const) {
    const v = edit.sections?.[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw invalid('Section text must be a string', key);
    sections[key] = v;
  }
  if (edit.recommendation !== undefined && typeof edit.recommendation !== 'string')
    throw invalid('The recommendation must be a string', 'recommendation');
  const next = { ...report, sections, recommendation: edit.recommendation ?? report.recommendation };
  return deepFreeze({ ...next, versions: [...report.versions, version(next, 'draft', author, when)] });
}

/**
 * Signs a draft. The signer must hold the sign permission (`canSign`, checked by the caller's
 * access layer). QC runs here on the current text: a blocking issue stops the signature unless
 * `overrideReason` is given; the issue codes and the reason are kept in the signature version.
 */
export function signReport(report: Report, signer: ReportActor, at: Date, overrideReason?: string): Report {
  if (report.status !== 'draft') throw new LingshuError('REPORT_ALREADY_SIGNED');
  checkActor(signer);
  if (!signer.canSign) throw new LingshuError('AUTH_FORBIDDEN', 'Signing a report needs the sign permission');
  const when = iso(at);
  const qc = runReportQc(report);
  const reason = overrideReason?.trim();
  if (!qc.passed && !reason) {
    const codes = [...new Set(qc.issues.filter((i) => i.severity === 'block').map((i) => i.code))];
    throw new LingshuError('REPORT_QC_BLOCKED', undefined, { details: { issues: codes.join(',') } });
  }
  const record: SignatureQc = {
    issueCodes: qc.issues.map((i) => i.code),
    blocked: !qc.passed,
    ...(!qc.passed && reason ? { overrideReason: reason } : {}),
  };
  return deepFreeze({
    ...report,
    status: 'signed' as const,
    versions: [...report.versions, version(report, 'signature', signer, when, record)],
  });
}

/** Appends an addendum to a signed report; the signed text never changes. */
export function addAddendum(report: Report, text: string, author: ReportActor, at: Date): Report {
  if (report.status === 'draft') throw new LingshuError('REPORT_NOT_SIGNED');
  checkActor(author);
  if (!author.canSign) throw new LingshuError('AUTH_FORBIDDEN', 'Adding an addendum needs the sign permission');
  if (typeof text !== 'string' || text.trim() === '') throw invalid('The addendum text is empty', 'text');
  const when = iso(at);
  const addendum: Addendum = {
    number: report.addenda.length + 1,
    text: text.trim(),
    authorId: author.id,
    role: author.role,
    at: when,
  };
  const next = { ...report, status: 'amended' as const, addenda: [...report.addenda, addendum] };
  return deepFreeze({ ...next, versions: [...report.versions, version(next, 'addendum', author, when)] });
}
