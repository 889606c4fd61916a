import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api.js';
import { useApp } from '../context.js';

interface Finding {
  id: string;
  type: string;
  code?: { meaning?: string };
  confidence?: number;
  categories?: { system: string; value: string }[];
  measurements?: { name?: string; value?: number; unit?: string }[];
  geometry?: { referencedSopInstanceUID?: string; centerVoxel?: [number, number, number] };
}

interface AiResult {
  resultPk: string;
  analyzerId: string;
  status: string;
  result: { findings?: Finding[] } | null;
}

/** AI findings of the study: click jumps to the slice; accept / reject go to the oversight review API. */
export function AiPanel({
  studyUid,
  onJump,
}: {
  studyUid: string;
  onJump: (sopUid: string | null, frameIndex: number | null) => void;
}) {
  const { t, user } = useApp();
  const [results, setResults] = useState<AiResult[] | null>(null);
  const [reviewed, setReviewed] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const allowed = user?.permissions.includes('ai:review') ?? false;

  const load = useCallback(async () => {
    if (!allowed) return;
    try {
      const body = await api<{ results: AiResult[] }>(`/api/studies/${encodeURIComponent(studyUid)}/ai-results`);
      setResults(body.results);
    } catch (e) {
      setError(e instanceof ApiError ? e.code : String(e));
    }
  }, [studyUid, allowed]);

  useEffect(() => {
    void load();
  }, [load]);

  const review = async (r: AiResult, f: Finding, action: 'accept' | 'reject') => {
    let reason: string | undefined;
    if (action === 'reject') {
      reason = window.prompt(t('ai.reason')) ?? undefined;
      if (!reason) return;
    }
    try {
      await api(`/api/ai-results/${r.resultPk}/findings/${encodeURIComponent(f.id)}/review`, {
        method: 'POST',
        body: JSON.stringify({ action, ...(reason ? { reason } : {}) }),
      });
      setReviewed((m) => ({ ...m, [`${r.resultPk}/${f.id}`]: action }));
    } catch (e) {
      setError(t('ai.failed', { code: e instanceof ApiError ? e.code : String(e) }));
    }
  };

  if (!allowed) return null;
  const findings = (results ?? []).flatMap((r) => (r.result?.findings ?? []).map((f) => ({ r, f })));
  return (
    <aside className="ai-panel" data-testid="ai-panel">
      <h2>{t('ai.title')}</h2>
      {error && <p className="error">{error}</p>}
      {results && findings.length === 0 && <p className="muted">{t('ai.none')}</p>}
      <ul>
        {findings.map(({ r, f }) => {
          const key = `${r.resultPk}/${f.id}`;
          const cat = f.categories?.[0];
          const size = f.measurements?.find((m) => m.unit === 'mm');
          return (
            <li key={key}>
              <button
                type="button"
                className="link"
                onClick={() =>
                  onJump(f.geometry?.referencedSopInstanceUID ?? null, f.geometry?.centerVoxel?.[2] ?? null)
                }
              >
                {f.code?.meaning ?? f.type}
                {size?.value !== undefined ? ` ${size.value.toFixed(1)} mm` : ''}
                {cat ? ` · ${cat.value}` : ''}
                {f.confidence !== undefined ? ` · ${Math.round(f.confidence * 100)} %` : ''}
              </button>
              {reviewed[key] ? (
                <small>{t('ai.reviewed', { decision: reviewed[key] ?? '' })}</small>
              ) : (
                <span className="actions">
                  <button type="button" onClick={() => void review(r, f, 'accept')}>
                    {t('ai.accept')}
                  </button>
                  <button type="button" onClick={() => void review(r, f, 'reject')}>
                    {t('ai.reject')}
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
