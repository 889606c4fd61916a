import { LingshuError } from '@lingshu/dicom';
import { type RawBuilder, sql } from 'kysely';
import type { IndexedAttribute } from './queryAttributes.js';

function bad(attribute: IndexedAttribute, message: string): LingshuError {
  return new LingshuError('DICOM_BAD_VALUE', `${attribute.keyword}: ${message}`, {
    details: { attribute: attribute.keyword, tag: attribute.tag },
  });
}

/** Escapes LIKE metacharacters, then turns DICOM wildcards `*` and `?` into `%` and `_`. */
export function likePattern(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

function hasWildcard(value: string): boolean {
  return /[*?]/.test(value);
}

/** Pinyin tone marks folded away so `zhang` finds `zhāng` (fuzzy matching only). */
const TONED = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü';
const PLAIN = 'aaaaeeeeiiiioooouuuuvvvvv';

function foldQuery(value: string): string {
  let out = '';
  for (const ch of value.toLowerCase()) {
    const i = TONED.indexOf(ch);
    out += i >= 0 ? PLAIN[i] : ch;
  }
  return out;
}

function column(a: IndexedAttribute): RawBuilder<unknown> {
  return sql.raw(a.column);
}

/** PS3.4 C.2.2.2.1 single value / C.2.2.2.4 wildcard matching on a text column. */
function textMatch(a: IndexedAttribute, value: string): RawBuilder<unknown> {
  if (hasWildcard(value)) return sql`${column(a)} LIKE ${likePattern(value)} ESCAPE '\\'`;
  return sql`${column(a)} = ${value}`;
}

/**
 * Person names match group by group (alphabetic, ideographic, phonetic), case-insensitively.
 * Fuzzy matching (PS3.18 §10.6.1.2.4 `fuzzymatching=true`) matches the query as a prefix of
 * any name component in any group, tone marks folded.
 */
function personNameMatch(a: IndexedAttribute, value: string, fuzzy: boolean): RawBuilder<unknown> {
  if (value.includes('=')) {
    return sql`lower(${column(a)}) LIKE ${likePattern(value.toLowerCase())} ESCAPE '\\'`;
  }
  const groupColumns = a.groups ?? [1, 2, 3].map((n) => `split_part(${a.column}, '=', ${n})`);
  const groups = groupColumns.map((g) => sql`lower(${sql.raw(g)})`);
  if (!fuzzy) {
    const pattern = likePattern(value.toLowerCase());
    return sql`(${sql.join(
      groups.map((g) => sql`${g} LIKE ${pattern} ESCAPE '\\'`),
      sql` OR `,
    )})`;
  }
  // Components are compared after a space: the query must start a component of some group.
  const words = foldQuery(value)
    .replace(/[*]+$/, '')
    .replace(/[\^=,]/g, ' ');
  const pattern = `% ${likePattern(words)}%`;
  if (a.fuzzy) return sql`${sql.raw(a.fuzzy)} LIKE ${pattern} ESCAPE '\\'`;
  const spaced = sql`(' ' || translate(lower(${column(a)}), ${`^=,${TONED}`}, ${`   ${PLAIN}`}))`;
  return sql`${spaced} LIKE ${pattern} ESCAPE '\\'`;
}

const DATE = /^\d{8}$/;
const TIME = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;

/** The last instant a partial time covers, so `-12` includes 12:59:59.999999. */
function timeUpperBound(t: string): string {
  const [hms = '', frac] = t.split('.');
  const padded = hms + '5959'.slice(0, Math.max(0, 6 - hms.length));
  return `${padded}.${(frac ?? '').padEnd(6, '9')}`;
}

/** PS3.4 C.2.2.2.5 range matching for DA and TM; a single value is an exact match. */
function rangeMatch(a: IndexedAttribute, value: string, kind: 'date' | 'time'): RawBuilder<unknown> {
  const pattern = kind === 'date' ? DATE : TIME;
  const what = kind === 'date' ? 'a date YYYYMMDD or a range YYYYMMDD-YYYYMMDD' : 'a time HHMMSS or a time range';
  const c = column(a);
  if (!value.includes('-')) {
    if (hasWildcard(value) || !pattern.test(value)) throw bad(a, `must be ${what}`);
    return kind === 'date' ? sql`${c} = ${value}` : sql`${c} LIKE ${`${value}%`}`;
  }
  const parts = value.split('-');
  if (parts.length !== 2) throw bad(a, `must be ${what}`);
  const [from = '', to = ''] = parts;
  if ((from === '' && to === '') || (from !== '' && !pattern.test(from)) || (to !== '' && !pattern.test(to)))
    throw bad(a, `must be ${what}`);
  if (from !== '' && to !== '' && from > to) throw bad(a, 'the range starts after it ends');
  const upper = kind === 'time' && to !== '' ? timeUpperBound(to) : to;
  const conds: RawBuilder<unknown>[] = [sql`${c} <> ''`];
  if (from !== '') conds.push(sql`${c} >= ${from}`);
  if (upper !== '') conds.push(sql`${c} <= ${upper}`);
  return sql`(${sql.join(conds, sql` AND `)})`;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** PS3.4 C.2.2.2.2 list of UID matching; QIDO also allows commas (PS3.18 §8.3.4.1). */
function uidMatch(a: IndexedAttribute, value: string): RawBuilder<unknown> {
  const uids = value
    .split(/[\\,]/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (uids.length === 0 || uids.some((u) => u.length > 64 || !UID.test(u)))
    throw bad(a, 'must be a UID or a list of UIDs');
  if (uids.length === 1) return sql`${column(a)} = ${uids[0]}`;
  return sql`${column(a)} IN (${sql.join(uids)})`;
}

function intMatch(a: IndexedAttribute, value: string): RawBuilder<unknown> {
  const values = value.split(/[\\,]/).map((v) => v.trim());
  if (values.some((v) => !/^[+-]?\d{1,10}$/.test(v))) throw bad(a, 'must be an integer');
  const numbers = values.map((v) => Number.parseInt(v, 10));
  if (numbers.length === 1) return sql`${column(a)} = ${numbers[0]}`;
  return sql`${column(a)} IN (${sql.join(numbers)})`;
}

/** A study matches when any of its modalities matches any listed value (PS3.4 C.6.1.1.2 note). */
function modalitiesMatch(a: IndexedAttribute, value: string): RawBuilder<unknown> {
  const values = value
    .split(/[\\,]/)
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0) throw bad(a, 'must name at least one modality');
  if (values.some(hasWildcard)) {
    return sql`EXISTS (SELECT 1 FROM unnest(${column(a)}) AS m WHERE ${sql.join(
      values.map((v) => sql`m LIKE ${likePattern(v)} ESCAPE '\\'`),
      sql` OR `,
    )})`;
  }
  return sql`${column(a)} && ${values}::text[]`;
}

/**
 * The SQL condition for one matching key, or undefined for universal matching (empty value or
 * `*`). Throws DICOM_BAD_VALUE (with the attribute in details) for values that cannot match.
 */
export function matchCondition(a: IndexedAttribute, value: string, fuzzy: boolean): RawBuilder<unknown> | undefined {
  if (value === '' || value === '*') return undefined;
  switch (a.match) {
    case 'text':
      return textMatch(a, value);
    case 'pn':
      return personNameMatch(a, value, fuzzy);
    case 'date':
      return rangeMatch(a, value, 'date');
    case 'time':
      return rangeMatch(a, value, 'time');
    case 'uid':
      return uidMatch(a, value);
    case 'int':
      return intMatch(a, value);
    case 'modalities':
      return modalitiesMatch(a, value);
    case 'none':
      throw bad(a, 'is a return key only and cannot be matched');
  }
}
