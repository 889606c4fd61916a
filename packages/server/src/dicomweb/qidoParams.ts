import type { AttributeMatch, QueryLevel, QueryRequest } from '@lingshu/archive';
import { keywordOf, LingshuError, parseTagHex, tagHex, tagOfKeyword } from '@lingshu/dicom';

/** A QIDO-RS request as the archive will run it, plus what the response must warn about. */
export interface QidoQuery {
  request: QueryRequest;
  /** Parameter names (keyword or tag as sent) per 8-hex tag, for naming them in messages. */
  names: Map<string, string>;
}

export function badParameter(parameter: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter: parameter.slice(0, 64) } });
}

/** `PatientID`, `00100020` (PS3.18 §8.3.4.1 attributeID) → `00100020`; nested paths are not supported. */
export function attributeTag(name: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(name)) {
    const t = parseTagHex(name);
    return t === undefined ? undefined : tagHex(t);
  }
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return undefined;
  const t = tagOfKeyword(name);
  return t === undefined ? undefined : tagHex(t);
}

function parseCount(name: string, raw: string, min: number): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min)
    throw badParameter(name, `${name} must be an integer of at least ${min}`);
  return Number(raw);
}

function parseBoolean(name: string, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw badParameter(name, `${name} must be true or false`);
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** Path UIDs are checked before they reach SQL or a URL we build. */
export function pathUid(name: string, value: string): string {
  if (value.length > 64 || !UID.test(value)) throw badParameter(name, `${name} in the path is not a UID`);
  return value;
}

/**
 * Parses the query string of a QIDO-RS request (PS3.18 §8.3.4 and §10.6.1.2): matching keys by
 * keyword or tag, `includefield`, `fuzzymatching`, `limit`, `offset`. Unknown parameters and
 * attributes are rejected (400) naming the parameter. `scope` holds the UIDs from the path.
 */
export function parseQido(level: QueryLevel, search: URLSearchParams, scope: AttributeMatch[]): QidoQuery {
  const matches: AttributeMatch[] = [...scope];
  const names = new Map<string, string>();
  const includes: string[] = [];
  let all = false;
  let fuzzy = false;
  let limit: number | undefined;
  let offset: number | undefined;
  const seen = new Set<string>();
  for (const [rawName, value] of search) {
    const name = rawName.trim();
    const lower = name.toLowerCase();
    if (lower === 'includefield') {
      for (const f of value.split(',').map((s) => s.trim())) {
        if (f === '') continue;
        if (f === 'all') {
          all = true;
          continue;
        }
        const tag = attributeTag(f);
        if (!tag) throw badParameter('includefield', `includefield names an unknown attribute`);
        includes.push(tag);
      }
      continue;
    }
    if (seen.has(lower)) throw badParameter(name, `${name} is given more than once`);
    seen.add(lower);
    if (lower === 'limit') limit = parseCount('limit', value, 1);
    else if (lower === 'offset') offset = parseCount('offset', value, 0);
    else if (lower === 'fuzzymatching') fuzzy = parseBoolean('fuzzymatching', value);
    else {
      const tag = attributeTag(name);
      if (!tag) throw badParameter(name, `${name} is not a query parameter or a known attribute`);
      names.set(tag, name);
      matches.push({ tag, value });
    }
  }
  const request: QueryRequest = {
    level,
    matches,
    fuzzyMatching: fuzzy,
    includeFields: all ? 'all' : includes,
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
  return { request, names };
}

/** The archive's value errors as 400s naming the parameter the client used. */
export function asParameterError(e: unknown, names: Map<string, string>): unknown {
  if (!(e instanceof LingshuError) || e.code !== 'DICOM_BAD_VALUE') return e;
  const tag = typeof e.details.tag === 'string' ? e.details.tag : undefined;
  const parameter =
    (tag && names.get(tag)) ??
    (tag === 'limit' || tag === 'offset' ? tag : undefined) ??
    (tag ? (keywordOf(Number.parseInt(tag, 16) >>> 0) ?? tag) : 'query');
  return new LingshuError('HTTP_BAD_PARAMETER', e.message, { details: { parameter }, cause: e });
}
