import { ApiError, api, type DicomJson, dcmString, personName } from './api.js';

export type StudyStatus = 'unread' | 'ai-done' | 'in-progress' | 'signed';

/** One worklist row, whichever source it came from. */
export interface WorklistRow {
  studyUid: string;
  patientIdeographic: string;
  patientAlphabetic: string;
  patientId: string;
  sex: string;
  age: string;
  accession: string;
  /** YYYYMMDD */
  date: string;
  modalities: string[];
  description: string;
  institution: string;
  institutionEn: string;
  status: StudyStatus;
  aiBadges: { text: string; textEn: string; critical: boolean }[];
  /** ISO time the study arrived, when known. */
  arrivedAt: string | null;
  lockedBy: string | null;
  lockedByUserId: string | null;
  /** Higher first. */
  priority: number;
}

export interface WorklistFilter {
  status: StudyStatus | '';
  modality: string;
  from: string;
  to: string;
  text: string;
  /** Institution code (GET /api/worklist `site`). */
  site: string;
}

export const EMPTY_FILTER: WorklistFilter = { status: '', modality: '', from: '', to: '', text: '', site: '' };

const QIDO_FIELDS = ['00081030', '00080061', '00080080', '00100040', '00101010', '00080030', '00201208'];

function dateRange(f: WorklistFilter): string {
  const d = (s: string) => s.replace(/-/g, '');
  if (!f.from && !f.to) return '';
  return `${d(f.from)}-${d(f.to)}`;
}

function fromQido(ds: DicomJson): WorklistRow {
  const name = personName(ds, '00100010');
  const modalities = (ds['00080061']?.Value ?? []).map(String);
  return {
    studyUid: dcmString(ds, '0020000D'),
    patientIdeographic: name.ideographic,
    patientAlphabetic: name.alphabetic,
    patientId: dcmString(ds, '00100020'),
    sex: dcmString(ds, '00100040'),
    age: dcmString(ds, '00101010'),
    accession: dcmString(ds, '00080050'),
    date: dcmString(ds, '00080020'),
    modalities,
    description: dcmString(ds, '00081030'),
    institution: dcmString(ds, '00080080'),
    institutionEn: dcmString(ds, '00080080'),
    status: 'unread',
    aiBadges: [],
    arrivedAt: null,
    lockedBy: null,
    lockedByUserId: null,
    priority: 0,
  };
}

async function qido(params: URLSearchParams): Promise<WorklistRow[]> {
  const rows: WorklistRow[] = [];
  for (let offset = 0; offset < MAX_ROWS; offset += 1000) {
    const p = new URLSearchParams(params);
    p.set('limit', '1000');
    p.set('offset', String(offset));
    for (const f of QIDO_FIELDS) p.append('includefield', f);
    const page =
      (await api<DicomJson[] | undefined>(`/dicomweb/studies?${p}`, {
        headers: { accept: 'application/dicom+json' },
      })) ?? [];
    rows.push(...page.map(fromQido));
    if (page.length < 1000) break;
  }
  return rows;
}

/** Studies through QIDO-RS (used until the server has /api/worklist). */
export async function qidoWorklist(f: WorklistFilter): Promise<WorklistRow[]> {
  const base = new URLSearchParams();
  const range = dateRange(f);
  if (range) base.set('StudyDate', range);
  if (f.modality) base.set('ModalitiesInStudy', f.modality);
  const text = f.text.trim();
  let rows: WorklistRow[];
  if (!text) rows = await qido(base);
  else {
    const byName = new URLSearchParams(base);
    byName.set('PatientName', text);
    byName.set('fuzzymatching', 'true');
    const byId = new URLSearchParams(base);
    byId.set('PatientID', `${text}*`);
    const byAcc = new URLSearchParams(base);
    byAcc.set('AccessionNumber', `${text}*`);
    const parts = await Promise.all([qido(byName), qido(byId), qido(byAcc)]);
    const seen = new Map<string, WorklistRow>();
    for (const r of parts.flat()) seen.set(r.studyUid, r);
    rows = [...seen.values()];
  }
  return f.status ? rows.filter((r) => r.status === f.status) : rows;
}

/** A row of GET /api/worklist (packages/server/src/worklist/service.ts WorklistRow). */
interface ApiRow {
  studyInstanceUID: string;
  patientName: { alphabetic: string; ideographic: string; phonetic: string };
  patientId: string;
  patientSex: string;
  ageYears: number | null;
  accessionNumber: string;
  studyDate: string;
  description: string;
  modalities: string[];
  institution: { code: string; name: string; nameEn: string };
  shared: boolean;
  arrivedAt: string;
  status: StudyStatus;
  aiPriority: number;
  badges: { kind: string; label: string; labelEn: string; severity: string }[];
  lock: { userId: string; user: string; since: string } | null;
}

interface ApiPage {
  total: number;
  limit: number;
  offset: number;
  rows: ApiRow[];
}

function fromApi(r: ApiRow): WorklistRow {
  return {
    studyUid: r.studyInstanceUID,
    patientIdeographic: (r.patientName?.ideographic ?? '').replace(/\^/g, ''),
    patientAlphabetic: (r.patientName?.alphabetic ?? '').replace(/\^/g, ' ').trim(),
    patientId: r.patientId ?? '',
    sex: r.patientSex ?? '',
    age: r.ageYears === null || r.ageYears === undefined ? '' : String(r.ageYears),
    accession: r.accessionNumber ?? '',
    date: r.studyDate ?? '',
    modalities: r.modalities ?? [],
    description: r.description ?? '',
    institution: r.institution?.name ?? r.institution?.code ?? '',
    institutionEn: r.institution?.nameEn || r.institution?.code || '',
    status: r.status ?? 'unread',
    aiBadges: (r.badges ?? []).map((b) => ({ text: b.label, textEn: b.labelEn, critical: b.severity === 'critical' })),
    arrivedAt: r.arrivedAt ?? null,
    lockedBy: r.lock?.user ?? null,
    lockedByUserId: r.lock?.userId ?? null,
    priority: r.aiPriority ?? 0,
  };
}

/** Most rows the worklist loads (the table is virtualised; the server pages by 500). */
export const MAX_ROWS = 10_000;
const PAGE = 500;

let worklistRoute: boolean | null = null;

/**
 * The worklist: /api/worklist when the server has it (sorted there), QIDO-RS otherwise. With the
 * API, `onFirstPage` gets the first page and the total at once, while the other pages load.
 */
export async function loadWorklist(
  f: WorklistFilter,
  onFirstPage?: (first: { rows: WorklistRow[]; total: number }) => void,
): Promise<{ rows: WorklistRow[]; source: 'api' | 'qido' }> {
  if (worklistRoute !== false) {
    const p = new URLSearchParams();
    if (f.status) p.set('status', f.status);
    if (f.modality) p.set('modality', f.modality);
    if (f.from) p.set('from', f.from.replace(/-/g, ''));
    if (f.to) p.set('to', f.to.replace(/-/g, ''));
    if (f.text.trim()) p.set('q', f.text.trim().slice(0, 64));
    const site = f.site.trim();
    if (/^[A-Za-z0-9._-]{1,64}$/.test(site)) p.set('site', site);
    p.set('limit', String(PAGE));
    const page = (offset: number) => {
      const q = new URLSearchParams(p);
      q.set('offset', String(offset));
      return api<ApiPage>(`/api/worklist?${q}`);
    };
    try {
      const first = await page(0);
      worklistRoute = true;
      const total = Math.min(first.total, MAX_ROWS);
      if (total > first.rows.length) onFirstPage?.({ rows: first.rows.map(fromApi), total });
      const rest: Promise<ApiPage>[] = [];
      for (let offset = PAGE; offset < total; offset += PAGE) rest.push(page(offset));
      const pages = [first, ...(await Promise.all(rest))];
      return { rows: pages.flatMap((pg) => pg.rows.map(fromApi)), source: 'api' };
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      worklistRoute = false;
    }
  }
  const rows = await qidoWorklist(f);
  rows.sort((a, b) => b.priority - a.priority || a.date.localeCompare(b.date) || a.studyUid.localeCompare(b.studyUid));
  return { rows, source: 'qido' };
}

/** "12 min ago" etc. (key and number). */
export function sinceArrival(
  iso: string | null,
  now: number,
): { key: 'ago.now' | 'ago.minutes' | 'ago.hours' | 'ago.days'; n: number } | null {
  if (!iso) return null;
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const min = Math.floor(ms / 60000);
  if (min < 1) return { key: 'ago.now', n: 0 };
  if (min < 60) return { key: 'ago.minutes', n: min };
  if (min < 48 * 60) return { key: 'ago.hours', n: Math.floor(min / 60) };
  return { key: 'ago.days', n: Math.floor(min / 1440) };
}
