import { LingshuError } from '@lingshu/dicom';
import { type RawBuilder, sql } from 'kysely';

/**
 * Which studies a reader may see (医联体 tenancy, enforced in every read query of the archive):
 * all of them (network-wide administrators, the platform itself), or the studies owned by one of
 * `institutionPks` plus the studies explicitly shared with one of them (study_shares).
 * Every archive read that can reveal patient data takes one; there is no default.
 */
export type AccessScope = { kind: 'all' } | { kind: 'institutions'; institutionPks: readonly string[] };

/** Every study (network-wide administrators, AI workers, integrity checks). */
export const ALL_STUDIES: AccessScope = Object.freeze({ kind: 'all' });

/** The studies of one institution (plus those shared with it). */
export function institutionScope(institutionPk: string): AccessScope {
  return { kind: 'institutions', institutionPks: [institutionPk] };
}

function pksOf(scope: Extract<AccessScope, { kind: 'institutions' }>): string[] {
  for (const pk of scope.institutionPks) {
    if (!/^[1-9][0-9]{0,18}$/.test(pk))
      throw new LingshuError('INTERNAL', 'An access scope holds an invalid institution');
  }
  return [...scope.institutionPks];
}

/**
 * SQL condition that the study row `alias` is visible in `scope` (owned by, or shared with, one of
 * its institutions); undefined when everything is visible. `alias` is a trusted table alias.
 */
export function studyVisible(alias: string, scope: AccessScope): RawBuilder<boolean> | undefined {
  if (scope.kind === 'all') return undefined;
  const pks = pksOf(scope);
  const st = sql.raw(alias);
  return sql<boolean>`(${st}.institution_pk = ANY(${pks}::bigint[]) OR EXISTS (SELECT 1 FROM study_shares vis_sh
    WHERE vis_sh.study_pk = ${st}.pk AND vis_sh.institution_pk = ANY(${pks}::bigint[])))`;
}

/** Condition that the patient row `alias` has at least one study visible in `scope`. */
export function patientVisible(alias: string, scope: AccessScope): RawBuilder<boolean> | undefined {
  const visible = studyVisible('vis_st', scope);
  if (!visible) return undefined;
  return sql<boolean>`EXISTS (SELECT 1 FROM studies vis_st WHERE vis_st.patient_pk = ${sql.raw(alias)}.pk AND ${visible})`;
}
