import { LingshuError } from '@lingshu/dicom';
import { type Kysely, sql } from 'kysely';
import { type AccessScope, studyVisible } from './access.js';
import type { ArchiveSchema, InstitutionsTable } from './db/schema.js';

export type InstitutionKind = 'hub' | 'primary';

/** A member of the hospital network (医联体): the hub hospital or a primary-care site. */
export interface Institution {
  pk: string;
  /** Stable short code ('default', 'HUB', 'SITE-A'); unique. */
  code: string;
  name: string;
  nameEn: string;
  kind: InstitutionKind;
  /** The hub a primary site reads with (institutions.pk), if any. */
  hubPk: string | null;
  /** Calling AE titles of this institution's modalities and PACS (case-sensitive, unique network-wide). */
  aeTitles: string[];
  createdAt: Date;
}

export interface NewInstitution {
  code: string;
  name: string;
  nameEn?: string;
  kind?: InstitutionKind;
  hubPk?: string | null;
  aeTitles?: readonly string[];
}

export type InstitutionChanges = Partial<Omit<NewInstitution, 'code'>>;

/** One study's share with another institution. */
export interface StudyShare {
  institutionPk: string;
  institutionCode: string;
  sharedBy: string;
  purpose: string;
  createdAt: Date;
}

/** The institution every study belongs to unless something else says so (migration 3). */
export const DEFAULT_INSTITUTION_PK = '1';
export const DEFAULT_INSTITUTION_CODE = 'default';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const PK = /^[1-9][0-9]{0,18}$/;

function bad(parameter: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter } });
}

/** AE titles as DICOM defines them (PS3.5 AE: 1–16 characters, no backslash or control characters). */
export function normaliseAeTitles(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of values) {
    const ae = raw.trim();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: AE titles must not contain them
    if (ae.length === 0 || ae.length > 16 || /[\\\u0000-\u001f\u007f]/.test(ae))
      throw bad('aeTitles', 'An AE title must have 1 to 16 characters and no backslash or control characters');
    if (!out.includes(ae)) out.push(ae);
  }
  return out;
}

function checkName(name: string, parameter: string, required: boolean): string {
  const v = name.trim();
  if ((required && v.length === 0) || v.length > 128)
    throw bad(parameter, `The ${parameter} must have 1 to 128 characters`);
  return v;
}

function toInstitution(r: {
  pk: string;
  code: string;
  name: string;
  name_en: string;
  kind: InstitutionKind;
  hub_pk: string | null;
  ae_titles: string[];
  created_at: Date | string;
}): Institution {
  return {
    pk: String(r.pk),
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    kind: r.kind,
    hubPk: r.hub_pk === null ? null : String(r.hub_pk),
    aeTitles: r.ae_titles ?? [],
    createdAt: new Date(r.created_at),
  };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

/** Institutions and study shares in the index (archive.institutions). */
export class InstitutionStore {
  /** The 'default' hub's pk, looked up once: codes never change and institutions are never deleted. */
  private defaultHub: Promise<string> | undefined;

  constructor(private readonly db: Kysely<ArchiveSchema>) {}

  /** pk of the 'default' hub (the owner of studies stored by network-wide senders). */
  defaultHubPk(): Promise<string> {
    this.defaultHub ??= this.requireCode(DEFAULT_INSTITUTION_CODE).then((hub) => hub.pk);
    this.defaultHub.catch(() => {
      this.defaultHub = undefined;
    });
    return this.defaultHub;
  }

  async list(): Promise<Institution[]> {
    const rows = await this.db.selectFrom('institutions').selectAll().orderBy('pk').execute();
    return rows.map(toInstitution);
  }

  async byPk(pk: string): Promise<Institution | undefined> {
    if (!PK.test(pk)) return undefined;
    const r = await this.db.selectFrom('institutions').selectAll().where('pk', '=', pk).executeTakeFirst();
    return r ? toInstitution(r) : undefined;
  }

  async byCode(code: string): Promise<Institution | undefined> {
    const r = await this.db.selectFrom('institutions').selectAll().where('code', '=', code).executeTakeFirst();
    return r ? toInstitution(r) : undefined;
  }

  /** The institution by code; INSTITUTION_NOT_FOUND when none has it. */
  async requireCode(code: string): Promise<Institution> {
    const found = await this.byCode(code);
    if (!found) throw new LingshuError('INSTITUTION_NOT_FOUND', undefined, { details: { parameter: 'institution' } });
    return found;
  }

  /** The institution whose ae_titles holds this calling AE title (exact, case-sensitive, trimmed). */
  async byAeTitle(aeTitle: string): Promise<Institution | undefined> {
    const ae = aeTitle.trim();
    if (ae === '') return undefined;
    const r = await this.db
      .selectFrom('institutions')
      .selectAll()
      .where(sql<boolean>`${ae} = ANY(ae_titles)`)
      .orderBy('pk')
      .executeTakeFirst();
    return r ? toInstitution(r) : undefined;
  }

  async create(input: NewInstitution): Promise<Institution> {
    if (!CODE.test(input.code))
      throw bad('code', 'The code must be 1 to 32 letters, digits, dots, dashes or underscores');
    const values = {
      code: input.code,
      name: checkName(input.name, 'name', true),
      name_en: checkName(input.nameEn ?? '', 'nameEn', false),
      kind: input.kind ?? 'primary',
      hub_pk: input.hubPk ?? null,
      ae_titles: normaliseAeTitles(input.aeTitles ?? []),
    };
    await this.checkRelations(values, undefined);
    try {
      const r = await this.db.insertInto('institutions').values(values).returningAll().executeTakeFirstOrThrow();
      return toInstitution(r);
    } catch (e) {
      if (isUniqueViolation(e))
        throw new LingshuError('INSTITUTION_CONFLICT', undefined, { details: { parameter: 'code' } });
      throw e;
    }
  }

  async update(pk: string, changes: InstitutionChanges): Promise<Institution> {
    const current = await this.byPk(pk);
    if (!current) throw new LingshuError('INSTITUTION_NOT_FOUND');
    const set: Partial<Pick<InstitutionsTable, 'name' | 'hub_pk'>> & {
      name_en?: string;
      kind?: InstitutionKind;
      ae_titles?: string[];
    } = {};
    if (changes.name !== undefined) set.name = checkName(changes.name, 'name', true);
    if (changes.nameEn !== undefined) set.name_en = checkName(changes.nameEn, 'nameEn', false);
    if (changes.kind !== undefined) set.kind = changes.kind;
    if (changes.hubPk !== undefined) set.hub_pk = changes.hubPk;
    if (changes.aeTitles !== undefined) set.ae_titles = normaliseAeTitles(changes.aeTitles);
    await this.checkRelations(
      {
        kind: set.kind ?? current.kind,
        hub_pk: set.hub_pk !== undefined ? set.hub_pk : current.hubPk,
        ae_titles: set.ae_titles ?? current.aeTitles,
      },
      pk,
    );
    if (Object.keys(set).length === 0) return current;
    const r = await this.db
      .updateTable('institutions')
      .set(set)
      .where('pk', '=', pk)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInstitution(r);
  }

  /** Kind and hub consistent, AE titles not mapped to another institution. */
  private async checkRelations(
    v: { kind: string; hub_pk: string | null; ae_titles: string[] },
    self: string | undefined,
  ): Promise<void> {
    if (v.kind !== 'hub' && v.kind !== 'primary') throw bad('kind', "The kind must be 'hub' or 'primary'");
    if (v.hub_pk !== null) {
      const hub = await this.byPk(v.hub_pk);
      if (hub?.kind !== 'hub' || hub.pk === self) throw bad('hub', 'The hub must be another institution of kind hub');
    }
    if (v.ae_titles.length > 0) {
      const taken = await this.db
        .selectFrom('institutions')
        .select('pk')
        .where(sql<boolean>`ae_titles && ${v.ae_titles}::text[]`)
        .$if(self !== undefined, (q) => q.where('pk', '<>', self!))
        .executeTakeFirst();
      if (taken) throw new LingshuError('INSTITUTION_CONFLICT', undefined, { details: { parameter: 'aeTitles' } });
    }
  }

  /** The pk of a study visible in `access`; undefined when unknown or invisible (indistinguishable). */
  private async visibleStudyPk(studyUid: string, access: AccessScope): Promise<string | undefined> {
    const visible = studyVisible('studies', access);
    const r = await this.db
      .selectFrom('studies')
      .select('pk')
      .where('study_uid', '=', studyUid)
      .$if(visible !== undefined, (q) => q.where(visible!))
      .executeTakeFirst();
    return r ? String(r.pk) : undefined;
  }

  /**
   * Shares a study the sharer can see (`access`) with another institution; sharing again updates
   * the purpose. ARCHIVE_NOT_FOUND when the study is unknown or invisible to the sharer.
   */
  async share(
    studyUid: string,
    institutionPk: string,
    by: { sharedBy: string; purpose?: string },
    access: AccessScope,
  ): Promise<StudyShare> {
    const studyPk = await this.visibleStudyPk(studyUid, access);
    if (!studyPk) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Study not found');
    const target = await this.byPk(institutionPk);
    if (!target) throw new LingshuError('INSTITUTION_NOT_FOUND');
    const purpose = (by.purpose ?? '').trim().slice(0, 256);
    const r = await this.db
      .insertInto('study_shares')
      .values({ study_pk: studyPk, institution_pk: target.pk, shared_by: by.sharedBy.slice(0, 128), purpose })
      .onConflict((oc) =>
        oc.columns(['study_pk', 'institution_pk']).doUpdateSet({ purpose, shared_by: by.sharedBy.slice(0, 128) }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return {
      institutionPk: target.pk,
      institutionCode: target.code,
      sharedBy: r.shared_by,
      purpose: r.purpose,
      createdAt: new Date(r.created_at),
    };
  }

  /** Ends a share; false when there was none. ARCHIVE_NOT_FOUND when the study is invisible in `access`. */
  async unshare(studyUid: string, institutionPk: string, access: AccessScope): Promise<boolean> {
    const studyPk = await this.visibleStudyPk(studyUid, access);
    if (!studyPk) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Study not found');
    if (!PK.test(institutionPk)) return false;
    const r = await this.db
      .deleteFrom('study_shares')
      .where('study_pk', '=', studyPk)
      .where('institution_pk', '=', institutionPk)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Shares of a study visible in `access`. */
  async listShares(studyUid: string, access: AccessScope): Promise<StudyShare[]> {
    const studyPk = await this.visibleStudyPk(studyUid, access);
    if (!studyPk) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Study not found');
    const rows = await this.db
      .selectFrom('study_shares')
      .innerJoin('institutions', 'institutions.pk', 'study_shares.institution_pk')
      .select([
        'study_shares.institution_pk',
        'institutions.code',
        'study_shares.shared_by',
        'study_shares.purpose',
        'study_shares.created_at',
      ])
      .where('study_shares.study_pk', '=', studyPk)
      .orderBy('institutions.code')
      .execute();
    return rows.map((r) => ({
      institutionPk: String(r.institution_pk),
      institutionCode: r.code,
      sharedBy: r.shared_by,
      purpose: r.purpose,
      createdAt: new Date(r.created_at),
    }));
  }

  /** The owning institution of a study visible in `access` (undefined otherwise). */
  async ownerOf(studyUid: string, access: AccessScope): Promise<string | undefined> {
    const visible = studyVisible('studies', access);
    const r = await this.db
      .selectFrom('studies')
      .select('institution_pk')
      .where('study_uid', '=', studyUid)
      .$if(visible !== undefined, (q) => q.where(visible!))
      .executeTakeFirst();
    return r ? String(r.institution_pk) : undefined;
  }
}
