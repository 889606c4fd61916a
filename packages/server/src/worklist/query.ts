import { LingshuError } from '@lingshu/dicom';

/** Reading status of a study (derived from reports and AI results; see docs/worklist.md). */
export const WORKLIST_STATUSES = ['unread', 'ai-done', 'in-progress', 'signed'] as const;
export type WorklistStatus = (typeof WORKLIST_STATUSES)[number];

export interface WorklistQuery {
  status?: WorklistStatus[];
  modality?: string[];
  /** YYYYMMDD, inclusive. */
  from?: string;
  to?: string;
  /** Institution codes. */
  site?: string[];
  /** Patient name (any group, Chinese or pinyin), patient ID or accession number. */
  q?: string;
  limit: number;
  offset: number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const KEYS = new Set(['status', 'modality', 'from', 'to', 'site', 'q', 'limit', 'offset']);

function bad(parameter: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', `${parameter}: ${message}`, { details: { parameter } });
}

function list(value: string, parameter: string, re: RegExp, what: string): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (items.length === 0 || items.length > 20 || items.some((v) => !re.test(v))) throw bad(parameter, what);
  return [...new Set(items)];
}

function validDate(v: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Parses GET /api/worklist query parameters; anything malformed or unknown → 400 naming it. */
export function parseWorklistQuery(raw: unknown): WorklistQuery {
  const q = (raw ?? {}) as Record<string, unknown>;
  const out: WorklistQuery = { limit: DEFAULT_LIMIT, offset: 0 };
  for (const [key, value] of Object.entries(q)) {
    const name = key.slice(0, 40);
    if (!KEYS.has(key)) throw bad(name, 'unknown parameter');
    if (typeof value !== 'string') throw bad(name, 'given more than once');
    if (value.length > 200) throw bad(name, 'too long');
    switch (key) {
      case 'status':
        out.status = list(
          value,
          key,
          /^(unread|ai-done|in-progress|signed)$/,
          'unread, ai-done, in-progress or signed',
        ) as WorklistStatus[];
        break;
      case 'modality':
        out.modality = list(value.toUpperCase(), key, /^[A-Z0-9]{1,16}$/, 'modality codes such as CT,MR');
        break;
      case 'site':
        out.site = list(value, key, /^[A-Za-z0-9._-]{1,64}$/, 'institution codes');
        break;
      case 'from':
      case 'to':
        if (!validDate(value)) throw bad(key, 'a date YYYYMMDD');
        out[key] = value;
        break;
      case 'q': {
        const text = value.trim();
        if (text.length > 64) throw bad(key, 'at most 64 characters');
        if (text !== '') out.q = text;
        break;
      }
      case 'limit':
        if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT)
          throw bad(key, `1 to ${MAX_LIMIT}`);
        out.limit = Number(value);
        break;
      case 'offset':
        if (!/^\d{1,6}$/.test(value)) throw bad(key, '0 to 999999');
        out.offset = Number(value);
        break;
    }
  }
  if (out.from && out.to && out.from > out.to) throw bad('from', 'after to');
  return out;
}

/** Pinyin tone marks folded away (as the archive's fuzzy person-name matching does). */
export const TONED = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü';
export const PLAIN = 'aaaaeeeeiiiioooouuuuvvvvv';

export function foldName(value: string): string {
  let out = '';
  for (const ch of value.toLowerCase()) {
    const i = TONED.indexOf(ch);
    out += i >= 0 ? PLAIN[i] : ch;
  }
  return out;
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
