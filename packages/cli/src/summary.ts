import type { ArchiveCounts } from '@lingshu/archive';
import type { ErrorCode } from '@lingshu/dicom';
import type { Translate } from './i18n.js';

/** A file that was not imported, with a coded, PHI-free reason. */
export interface FileIssue {
  source: string;
  code: ErrorCode;
  message: string;
}

export interface InstanceOutcomes {
  stored: number;
  duplicates: number;
  overwritten: number;
  rejected: number;
}

/** ok: everything imported; partial: some files rejected; nothing: input but no instance; empty: no files. */
export type ImportOutcome = 'ok' | 'partial' | 'nothing' | 'empty';

export interface ImportSummary {
  outcome: ImportOutcome;
  /** Files considered (DICOM or not) and the bytes read. */
  files: number;
  bytes: number;
  /** What the archive gained (counts after minus counts before). */
  added: ArchiveCounts;
  /** Archive totals after the import. */
  totals: ArchiveCounts;
  instances: InstanceOutcomes;
  /** Files that are not DICOM. */
  skipped: FileIssue[];
  /** Files that could not be read or that the archive rejected. */
  rejected: FileIssue[];
  elapsedSeconds: number;
  instancesPerSecond: number;
  megabytesPerSecond: number;
}

export interface SummaryInput {
  files: number;
  bytes: number;
  before: ArchiveCounts;
  after: ArchiveCounts;
  instances: InstanceOutcomes;
  skipped: FileIssue[];
  rejected: FileIssue[];
  elapsedSeconds: number;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `rejected` counts every file not imported for a reason other than not being DICOM. */
export function importOutcome(files: number, instances: InstanceOutcomes, rejected: number): ImportOutcome {
  if (files === 0 && rejected === 0) return 'empty';
  const accepted = instances.stored + instances.duplicates + instances.overwritten;
  if (accepted === 0) return 'nothing';
  return rejected > 0 ? 'partial' : 'ok';
}

export function buildSummary(input: SummaryInput): ImportSummary {
  const { before, after } = input;
  const seconds = Math.max(input.elapsedSeconds, 1e-3);
  const processed = input.instances.stored + input.instances.duplicates + input.instances.overwritten;
  return {
    outcome: importOutcome(input.files, input.instances, input.rejected.length),
    files: input.files,
    bytes: input.bytes,
    added: {
      patients: after.patients - before.patients,
      studies: after.studies - before.studies,
      series: after.series - before.series,
      instances: after.instances - before.instances,
    },
    totals: after,
    instances: input.instances,
    skipped: input.skipped,
    rejected: input.rejected,
    elapsedSeconds: round(input.elapsedSeconds, 3),
    instancesPerSecond: round(processed / seconds, 1),
    megabytesPerSecond: round(input.bytes / 1e6 / seconds, 2),
  };
}

const LISTED = 50;

function issueLines(issues: readonly FileIssue[], t: Translate): string[] {
  const lines = issues.slice(0, LISTED).map((i) => `  ${i.source}: ${i.code} ${i.message}`);
  if (issues.length > LISTED) lines.push(`  ${t('summary.more', { count: issues.length - LISTED })}`);
  return lines;
}

/** The human-readable summary, one line per fact; issues listed by path, code and message. */
export function formatSummary(s: ImportSummary, t: Translate): string {
  const lines = [`${t('summary.title')}:`, t('summary.stored', { ...s.added })];
  lines.push(
    t('summary.outcomes', {
      stored: s.instances.stored,
      duplicates: s.instances.duplicates,
      overwritten: s.instances.overwritten,
      rejected: s.rejected.length,
    }),
  );
  if (s.skipped.length > 0) lines.push(t('summary.skipped', { count: s.skipped.length }), ...issueLines(s.skipped, t));
  if (s.rejected.length > 0)
    lines.push(t('summary.rejected', { count: s.rejected.length }), ...issueLines(s.rejected, t));
  lines.push(
    t('summary.speed', {
      seconds: s.elapsedSeconds.toFixed(1),
      instancesPerSec: s.instancesPerSecond,
      mbPerSec: s.megabytesPerSecond,
    }),
  );
  if (s.outcome === 'partial') lines.push(t('summary.someRejected'));
  if (s.outcome === 'nothing') lines.push(t('summary.nothing'));
  if (s.outcome === 'empty') lines.push(t('summary.empty'));
  return lines.join('\n');
}
