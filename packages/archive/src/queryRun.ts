import {
  type DicomJsonAttribute,
  type DicomJsonDataset,
  LingshuError,
  lookupVR,
  type PersonNameJson,
  parseTagHex,
} from '@lingshu/dicom';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { type AccessScope, patientVisible, studyVisible } from './access.js';
import type { ArchiveSchema } from './db/schema.js';
import { MAX_QUERY_RESULTS, type QueryLevel, type QueryRequest, type QueryResponse } from './query.js';
import { defaultReturnAttributes, type IndexedAttribute, indexedAttribute, levelIncludes } from './queryAttributes.js';
import { matchCondition } from './queryMatch.js';

const FROM: Record<QueryLevel, string> = {
  PATIENT: 'patients p',
  STUDY: 'studies st JOIN patients p ON p.pk = st.patient_pk',
  SERIES: 'series se JOIN studies st ON st.pk = se.study_pk JOIN patients p ON p.pk = st.patient_pk',
  IMAGE:
    'instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk ' +
    'JOIN patients p ON p.pk = st.patient_pk',
};

// Newest studies first; within a study, series and instances in their acquisition order.
const ORDER: Record<QueryLevel, string> = {
  PATIENT: 'p.pk DESC',
  STUDY: 'st.study_date DESC, st.study_time DESC, st.pk DESC',
  SERIES: 'st.pk DESC, se.series_number NULLS LAST, se.pk',
  IMAGE: 'st.pk DESC, se.pk, i.instance_number NULLS LAST, i.pk',
};

/** One instance's stored metadata stands in for its study or series when more fields are asked for. */
const REPRESENTATIVE: Record<QueryLevel, string | undefined> = {
  PATIENT: undefined,
  STUDY:
    '(SELECT i2.metadata FROM series se2 JOIN instances i2 ON i2.series_pk = se2.pk ' +
    'WHERE se2.study_pk = st.pk ORDER BY se2.pk, i2.pk LIMIT 1)',
  SERIES: '(SELECT i2.metadata FROM instances i2 WHERE i2.series_pk = se.pk ORDER BY i2.pk LIMIT 1)',
  IMAGE: 'i.metadata',
};

function badKey(tag: string, message: string): LingshuError {
  return new LingshuError('DICOM_BAD_VALUE', message, { details: { tag } });
}

function personName(value: string): PersonNameJson | undefined {
  if (value.replace(/=/g, '') === '') return undefined;
  const [a = '', i = '', p = ''] = value.split('=');
  const out: PersonNameJson = {};
  if (a) out.Alphabetic = a;
  if (i) out.Ideographic = i;
  if (p) out.Phonetic = p;
  return out;
}

/** A column value in the DICOM JSON model (PS3.18 F.2): numbers for IS/US, PN objects, arrays. */
function toAttribute(a: IndexedAttribute, raw: unknown): DicomJsonAttribute {
  if (raw === null || raw === undefined || raw === '') return { vr: a.vr };
  if (a.vr === 'PN') {
    const pn = personName(String(raw));
    return pn ? { vr: 'PN', Value: [pn] } : { vr: 'PN' };
  }
  if (Array.isArray(raw)) return raw.length > 0 ? { vr: a.vr, Value: raw.map(String) } : { vr: a.vr };
  if (a.vr === 'IS' || a.vr === 'US') {
    const n = Number(raw);
    return Number.isFinite(n) ? { vr: a.vr, Value: [n] } : { vr: a.vr };
  }
  return { vr: a.vr, Value: [String(raw)] };
}

interface Plan {
  conditions: RawBuilder<unknown>[];
  ignored: string[];
  returned: IndexedAttribute[];
  extra: string[] | 'all';
}

function plan(req: QueryRequest): Plan {
  const conditions: RawBuilder<unknown>[] = [];
  const ignored: string[] = [];
  const returned = defaultReturnAttributes(req.level);
  const extra: string[] = [];
  const addReturn = (tag: string): void => {
    const a = indexedAttribute(tag);
    if (a && levelIncludes(req.level, a.level)) {
      if (!returned.includes(a)) returned.push(a);
    } else if (!extra.includes(tag)) extra.push(tag);
  };
  for (const m of req.matches) {
    const tag = m.tag.toUpperCase();
    if (parseTagHex(tag) === undefined) throw badKey(m.tag, 'A matching key is not a tag');
    const a = indexedAttribute(tag);
    if (a && !levelIncludes(req.level, a.level)) {
      throw new LingshuError('DICOM_BAD_VALUE', `${a.keyword} is not an attribute of the ${req.level} level or above`, {
        details: { attribute: a.keyword, tag },
      });
    }
    addReturn(tag);
    if (!a) {
      if (m.value !== '' && m.value !== '*') ignored.push(tag);
      continue;
    }
    const c = matchCondition(a, m.value, req.fuzzyMatching ?? false);
    if (c) conditions.push(c);
  }
  if (req.includeFields !== 'all') {
    for (const f of req.includeFields ?? []) {
      const tag = f.toUpperCase();
      if (parseTagHex(tag) === undefined) throw badKey(f, 'An include field is not a tag');
      addReturn(tag);
    }
  }
  return { conditions, ignored, returned, extra: req.includeFields === 'all' ? 'all' : extra };
}

function checkPaging(req: QueryRequest): { limit: number; offset: number } {
  const limit = req.limit ?? MAX_QUERY_RESULTS;
  const offset = req.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 1) throw badKey('limit', 'The limit must be a positive integer');
  if (!Number.isSafeInteger(offset) || offset < 0) throw badKey('offset', 'The offset must be a non-negative integer');
  return { limit: Math.min(limit, MAX_QUERY_RESULTS), offset };
}

function parseMetadata(raw: unknown): DicomJsonDataset {
  if (raw === null || raw === undefined) return {};
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as DicomJsonDataset;
}

/**
 * Adds the attributes not kept in columns from the representative instance's metadata. At the
 * study and series levels, `all` leaves out bulk data (it belongs to one instance, not to them).
 */
function addExtra(out: DicomJsonDataset, level: QueryLevel, meta: DicomJsonDataset, extra: string[] | 'all'): void {
  const tags = extra === 'all' ? Object.keys(meta) : extra;
  for (const tag of tags) {
    if (out[tag]) continue;
    const value = meta[tag];
    if (value === undefined) {
      const t = parseTagHex(tag);
      if (extra !== 'all' && t !== undefined) out[tag] = { vr: lookupVR(t) };
      continue;
    }
    if (extra === 'all' && level !== 'IMAGE' && value.BulkDataURI !== undefined) continue;
    out[tag] = value;
  }
}

/** NumberOfPatientRelatedStudies counts only the studies the reader may see. */
const PATIENT_STUDIES = '00201200';

function columnOf(a: IndexedAttribute, access: AccessScope): RawBuilder<unknown> {
  const visible = a.tag === PATIENT_STUDIES ? studyVisible('s2', access) : undefined;
  if (visible) return sql`(SELECT count(*) FROM studies s2 WHERE s2.patient_pk = p.pk AND ${visible})`;
  return sql.raw(a.column);
}

/**
 * Runs a query against the index (no file reads), over the studies `access` may see: the
 * visibility condition is part of the SQL, so other institutions' studies never match.
 */
export async function runQuery(
  db: Kysely<ArchiveSchema>,
  req: QueryRequest,
  access: AccessScope,
): Promise<QueryResponse> {
  const p = plan(req);
  const { limit, offset } = checkPaging(req);
  const visible = req.level === 'PATIENT' ? patientVisible('p', access) : studyVisible('st', access);
  if (visible) p.conditions.push(visible);
  const columns = p.returned.map((a, n) => sql`${columnOf(a, access)} AS ${sql.ref(`c${n}`)}`);
  const representative = REPRESENTATIVE[req.level];
  const needMeta = representative !== undefined && (p.extra === 'all' || p.extra.length > 0);
  if (needMeta) columns.push(sql`${sql.raw(representative)} AS rep`);
  const where = p.conditions.length > 0 ? sql`WHERE ${sql.join(p.conditions, sql` AND `)}` : sql``;
  const query = sql<Record<string, unknown>>`SELECT ${sql.join(columns)} FROM ${sql.raw(FROM[req.level])} ${where}
    ORDER BY ${sql.raw(ORDER[req.level])} LIMIT ${limit + 1} OFFSET ${offset}`;
  const rows = (await query.execute(db)).rows;
  const results = rows.slice(0, limit).map((row) => {
    const out: DicomJsonDataset = {};
    out['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
    for (const [n, a] of p.returned.entries()) out[a.tag] = toAttribute(a, row[`c${n}`]);
    if (needMeta) addExtra(out, req.level, parseMetadata(row.rep), p.extra);
    else if (p.extra !== 'all') addExtra(out, req.level, {}, p.extra);
    return sortByTag(out);
  });
  return { results, truncated: rows.length > limit, ignoredMatches: p.ignored };
}

function sortByTag(ds: DicomJsonDataset): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const k of Object.keys(ds).sort()) out[k] = ds[k]!;
  return out;
}
