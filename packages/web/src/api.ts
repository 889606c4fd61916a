/** The server API as the web app uses it: same origin, the session cookie goes along. */

export interface ApiErrorBody {
  error?: { code?: string; message?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      credentials: 'same-origin',
      ...init,
      headers: {
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (body as ApiErrorBody | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText);
  }
  return body as T;
}

export interface Me {
  kind: string;
  user: { id?: string; username?: string; displayName?: string | null } | null;
  role: string;
  institution: { id?: string; code?: string; name?: string } | null;
  permissions: string[];
}

export const login = (username: string, password: string) =>
  api<Me>('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) });
export const logout = () => api<void>('/api/auth/logout', { method: 'POST' });
export const me = () => api<Me>('/api/auth/me');

/** A DICOM JSON dataset (PS3.18 F.2). */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export function dcmString(ds: DicomJson, tag: string): string {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    const pn = v as { Alphabetic?: string; Ideographic?: string; Phonetic?: string };
    return pn.Alphabetic ?? pn.Ideographic ?? '';
  }
  return String(v);
}

export function dcmNumber(ds: DicomJson, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Person name for display: the ideographic group (e.g. 张三) first, the alphabetic one after it. */
export function personName(ds: DicomJson, tag: string): { ideographic: string; alphabetic: string } {
  const v = ds[tag]?.Value?.[0] as { Alphabetic?: string; Ideographic?: string } | undefined;
  return {
    ideographic: (v?.Ideographic ?? '').replace(/\^/g, ''),
    alphabetic: (v?.Alphabetic ?? '').replace(/\^/g, ' ').trim(),
  };
}
