import type { Archive } from '@lingshu/archive';
import type { Principal } from '../auth/principal.js';

/** Where a study lives for tenancy: its owner and the institutions it is shared with. */
export interface StudyTenancy {
  institutionPk: string;
  sharedWith: string[];
}

/**
 * The owning institution and shares of a study, or undefined when the study is unknown. The
 * event stream filters with this (one lookup per study, checked for every client) instead of one
 * scoped query per client; `tenancyVisible` follows institutions/scope.ts `scopeOf`.
 */
export async function studyTenancy(archive: Archive, studyInstanceUID: string): Promise<StudyTenancy | undefined> {
  const rows = (await archive.index.executeSql(
    `SELECT s.institution_pk::text AS owner, sh.institution_pk::text AS shared
       FROM studies s LEFT JOIN study_shares sh ON sh.study_pk = s.pk
      WHERE s.study_uid = $1`,
    [studyInstanceUID],
  )) as { rows: Array<{ owner: string; shared: string | null }> };
  const first = rows.rows[0];
  if (!first) return undefined;
  return {
    institutionPk: first.owner,
    sharedWith: rows.rows.map((r) => r.shared).filter((s): s is string => s !== null),
  };
}

/** As `scopeOf`: network-wide principals (institution null) see every study; others their own and shared ones. */
export function tenancyVisible(principal: Principal, tenancy: StudyTenancy): boolean {
  if (principal.institutionPk === null) return true;
  return tenancy.institutionPk === principal.institutionPk || tenancy.sharedWith.includes(principal.institutionPk);
}
