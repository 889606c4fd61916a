import { can, type Principal } from '../auth/principal.js';

/**
 * How far an analyzer's output may go, per analyzer and institution (least to most):
 * off → not run; shadow → run and stored, shown only to monitoring (admin, QC);
 * assist → shown to readers as proposals; triage → may also reorder the worklist and notify;
 * draft → may also prefill the report (a person still signs).
 */
export const AUTONOMY_MODES = ['off', 'shadow', 'assist', 'triage', 'draft'] as const;
export type AutonomyMode = (typeof AUTONOMY_MODES)[number];

/** The network-wide default for every analyzer (the migration seeds it as analyzer `*`). */
export const DEFAULT_MODE: AutonomyMode = 'assist';
/** Analyzer id of the row that applies to every analyzer. */
export const ANY_ANALYZER = '*';

/** One autonomy row: `institutionPk` null = every institution (the network default). */
export interface AutonomySetting {
  analyzerId: string;
  institutionPk: string | null;
  mode: AutonomyMode;
}

export function isAutonomyMode(value: unknown): value is AutonomyMode {
  return typeof value === 'string' && (AUTONOMY_MODES as readonly string[]).includes(value);
}

/** `a` is at least as autonomous as `b`. */
export function atLeast(a: AutonomyMode, b: AutonomyMode): boolean {
  return AUTONOMY_MODES.indexOf(a) >= AUTONOMY_MODES.indexOf(b);
}

/**
 * The mode in force for an analyzer at an institution. Most specific first: this analyzer at
 * this institution, this analyzer network-wide, every analyzer at this institution, every
 * analyzer network-wide, then DEFAULT_MODE.
 */
export function effectiveMode(
  settings: readonly AutonomySetting[],
  analyzerId: string,
  institutionPk: string | null,
): AutonomyMode {
  const find = (analyzer: string, inst: string | null): AutonomySetting | undefined =>
    settings.find((s) => s.analyzerId === analyzer && s.institutionPk === inst);
  const hit =
    (institutionPk !== null ? find(analyzerId, institutionPk) : undefined) ??
    find(analyzerId, null) ??
    (institutionPk !== null ? find(ANY_ANALYZER, institutionPk) : undefined) ??
    find(ANY_ANALYZER, null);
  return hit?.mode ?? DEFAULT_MODE;
}

/** Whether the job system should run the analyzer at all (everything but `off`). */
export function shouldRun(mode: AutonomyMode): boolean {
  return mode !== 'off';
}

/**
 * Whether `principal` may see results produced under `mode`. Shadow results exist for
 * monitoring only: admins and QC (`qc:read`). From assist on, anyone who reviews AI results
 * (`ai:review`). Off: nobody (nothing should have been produced).
 */
export function visibleTo(mode: AutonomyMode, principal: Principal | undefined): boolean {
  if (mode === 'off') return false;
  if (mode === 'shadow') return can(principal, 'qc:read');
  return can(principal, 'ai:review') || can(principal, 'qc:read');
}

/** Triage and draft may reorder the worklist and notify readers. */
export function mayReorder(mode: AutonomyMode): boolean {
  return atLeast(mode, 'triage');
}

/** Only draft may prefill the report (which still needs a signature). */
export function mayPrefill(mode: AutonomyMode): boolean {
  return mode === 'draft';
}

/** Critical-finding notifications go out from triage on (never from shadow or assist). */
export function mayNotify(mode: AutonomyMode): boolean {
  return atLeast(mode, 'triage');
}
