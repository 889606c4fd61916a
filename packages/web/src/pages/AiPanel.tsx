import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  addedPlace,
  addedReviews,
  addedValues,
  addFindingBody,
  aiValues,
  currentValues,
  describeQuantities,
  describeRejectReason,
  describeValues,
  editChanges,
  emptyForm,
  type FindingFormValues,
  type FindingReview,
  findingLabel,
  formOf,
  isEditable,
  latestDecisions,
  type OverlayRef,
  overlayRefs,
  quantityFields,
  quantityValues,
} from '../aiReview.js';
import { ApiError, api } from '../api.js';
import { useApp } from '../context.js';
import type { MeasuredFinding } from '../measurementRead.js';
import { FindingForm } from './FindingForm.js';
import { FindingGrowth } from './FindingGrowth.js';
import { QuantityForm } from './QuantityForm.js';
import { RejectForm } from './RejectForm.js';

interface Finding {
  id: string;
  type: string;
  code?: { meaning?: string };
  confidence?: number;
  categories?: { system: string; value: string }[];
  attributes?: Record<string, unknown>;
  measurements?: { key?: string; name?: string; value?: number; unit?: string; region?: string }[];
  geometry?: { referencedSopInstanceUID?: string; centerVoxel?: [number, number, number] };
  segmentNumber?: number;
}

interface AiResult {
  resultPk: string;
  analyzerId: string;
  status: string;
  result: { findings?: Finding[] } | null;
}

/** The analyzer whose result a reader-added finding is recorded against. */
const CHEST_CT = 'lingshu-chest-ct';

/**
 * AI findings of the study: click jumps to the slice (and selects the finding: Enter / Y accept,
 * N reject); accept, edit, reject and add a missed finding go to the oversight review API, and the
 * decisions are loaded back from it when the panel opens. A finding is added from the Length /
 * Ellipse measurement on the image shown (`measure`), sizes and position included; the findings
 * the viewer outlines (not rejected or withdrawn) are reported through `onOverlay`.
 */
export function AiPanel({
  studyUid,
  onJump,
  measure,
  onOverlay,
}: {
  studyUid: string;
  onJump: (sopUid: string | null, frameIndex: number | null, finding?: OverlayRef) => void;
  measure?: () => MeasuredFinding | null;
  onOverlay?: (refs: OverlayRef[]) => void;
}) {
  const { t, lang, user } = useApp();
  const [results, setResults] = useState<AiResult[] | null>(null);
  const [decisions, setDecisions] = useState<Record<string, FindingReview>>({});
  const [added, setAdded] = useState<{ resultPk: string; review: FindingReview }[]>([]);
  const [open, setOpen] = useState<{ key: string; form: 'edit' | 'reject' } | null>(null);
  const [adding, setAdding] = useState(false);
  const [measured, setMeasured] = useState<MeasuredFinding | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const panelRef = useRef<HTMLElement>(null);
  const allowed = user?.permissions.includes('ai:review') ?? false;
  const listed = useMemo(
    () => (results ?? []).flatMap((r) => (r.result?.findings ?? []).map((f) => ({ r, f }))),
    [results],
  );
  const chestResult = results?.find((r) => r.analyzerId === CHEST_CT && r.status === 'ok');
  const fail = useCallback(
    (e: unknown) => setError(t('ai.failed', { code: e instanceof ApiError ? e.code : String(e) })),
    [t],
  );

  const load = useCallback(async () => {
    if (!allowed) return;
    try {
      const body = await api<{ results: AiResult[] }>(`/api/studies/${encodeURIComponent(studyUid)}/ai-results`);
      setResults(body.results);
      // The decisions already made (this reader's or a colleague's), so a reload does not forget them.
      const lists = await Promise.all(
        body.results
          .filter((r) => r.status === 'ok')
          .map(async (r) => ({
            r,
            reviews: (await api<{ reviews: FindingReview[] }>(`/api/ai-results/${r.resultPk}/reviews`)).reviews,
          })),
      );
      const latest: Record<string, FindingReview> = {};
      const readerAdded: { resultPk: string; review: FindingReview }[] = [];
      for (const { r, reviews } of lists) {
        for (const [id, rv] of latestDecisions(reviews)) latest[`${r.resultPk}/${id}`] = rv;
        for (const rv of addedReviews(reviews)) readerAdded.push({ resultPk: r.resultPk, review: rv });
      }
      setDecisions(latest);
      setAdded(readerAdded);
    } catch (e) {
      setError(e instanceof ApiError ? e.code : String(e));
    }
  }, [studyUid, allowed]);

  useEffect(() => {
    void load();
  }, [load]);

  const post = useCallback(
    async (
      r: AiResult,
      f: Finding,
      body: { action: 'accept' | 'edit' | 'reject'; reason?: string; changes?: Record<string, unknown> },
    ): Promise<void> => {
      try {
        const rv = await api<FindingReview>(
          `/api/ai-results/${r.resultPk}/findings/${encodeURIComponent(f.id)}/review`,
          { method: 'POST', body: JSON.stringify(body) },
        );
        setDecisions((m) => ({ ...m, [`${r.resultPk}/${f.id}`]: rv }));
        setOpen(null);
        setError(null);
      } catch (e) {
        fail(e);
      }
    },
    [fail],
  );

  /** Accept at once; reject opens the reason form. */
  const review = useCallback(
    (r: AiResult, f: Finding, action: 'accept' | 'reject') => {
      if (action === 'accept') void post(r, f, { action: 'accept' });
      else setOpen({ key: `${r.resultPk}/${f.id}`, form: 'reject' });
    },
    [post],
  );

  // The findings the viewer outlines, recomputed when the results or the reviews change.
  useEffect(() => {
    onOverlay?.(
      overlayRefs(
        listed.map(({ r, f }) => ({ resultPk: r.resultPk, finding: f })),
        decisions,
        added,
      ),
    );
  }, [listed, decisions, added, onOverlay]);

  const startAdding = (): void => {
    setMeasured(measure?.() ?? null);
    setAdding(true);
  };

  const addFinding = async (r: AiResult, form: FindingFormValues): Promise<void> => {
    try {
      const rv = await api<FindingReview>(`/api/ai-results/${r.resultPk}/findings`, {
        method: 'POST',
        body: JSON.stringify(addFindingBody(form, measured?.geometry)),
      });
      setAdded((list) => [...list, { resultPk: r.resultPk, review: rv }]);
      setAdding(false);
      setError(null);
    } catch (e) {
      fail(e);
    }
  };

  /** Takes back a finding this panel's reader (or a colleague) added by mistake. */
  const withdraw = async (resultPk: string, rv: FindingReview): Promise<void> => {
    try {
      await api<FindingReview>(`/api/ai-results/${resultPk}/findings/${encodeURIComponent(rv.findingId)}`, {
        method: 'DELETE',
      });
      setAdded((list) => list.filter((a) => a.review.findingId !== rv.findingId));
      setError(null);
    } catch (e) {
      fail(e);
    }
  };

  // Enter / Y accept and N rejects the selected finding: while the AI tab shows, no form is open
  // and the reader is not typing (Enter on the panel's own buttons keeps its usual meaning).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!selected || open || adding || e.ctrlKey || e.metaKey || e.altKey) return;
      const panel = panelRef.current;
      if (!panel || panel.offsetParent === null) return;
      const target = e.target as HTMLElement | null;
      if (target && (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable)) return;
      const k = e.key.toLowerCase();
      if (k === 'enter') {
        const inPanel = target === document.body || (target !== null && panel.contains(target));
        if (!inPanel || target?.closest('.actions, form')) return;
      } else if (k !== 'y' && k !== 'n') return;
      const at = listed.findIndex(({ r, f }) => `${r.resultPk}/${f.id}` === selected);
      const item = listed[at];
      if (!item) return;
      e.preventDefault();
      review(item.r, item.f, k === 'n' ? 'reject' : 'accept');
      const next = listed[at + 1];
      if (k !== 'n' && next) setSelected(`${next.r.resultPk}/${next.f.id}`);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, open, adding, listed, review]);

  if (!allowed) return null;
  const findings = listed;
  return (
    <aside className="ai-panel" data-testid="ai-panel" ref={panelRef}>
      <h2>{t('ai.title')}</h2>
      {error && <p className="error">{error}</p>}
      {results && findings.length === 0 && <p className="muted">{t('ai.none')}</p>}
      <ul>
        {findings.map(({ r, f }) => {
          const key = `${r.resultPk}/${f.id}`;
          const cat = f.categories?.[0];
          const size = f.measurements?.find((m) => m.unit === 'mm');
          const decision = decisions[key];
          const quantities = quantityFields(f);
          return (
            <li
              key={key}
              className={selected === key ? 'selected' : undefined}
              aria-current={selected === key ? 'true' : undefined}
              onFocus={() => setSelected(key)}
            >
              <button
                type="button"
                className="link"
                onClick={() =>
                  onJump(f.geometry?.referencedSopInstanceUID ?? null, f.geometry?.centerVoxel?.[2] ?? null, {
                    resultPk: r.resultPk,
                    findingId: f.id,
                  })
                }
              >
                {findingLabel(f, t)}
                {size?.value !== undefined ? ` ${size.value.toFixed(1)} mm` : ''}
                {cat ? ` · ${cat.value}` : ''}
                {f.confidence !== undefined ? ` · ${Math.round(f.confidence * 100)} %` : ''}
              </button>
              <FindingGrowth studyUid={studyUid} resultPk={r.resultPk} finding={f} />
              {(decision?.action === 'accept' || decision?.action === 'reject') && (
                <small className="decision">
                  {t('ai.reviewed', { decision: t(`ai.decision.${decision.action}`) })}
                  {decision.action === 'reject' && decision.reason
                    ? ` · ${describeRejectReason(decision.reason, t, lang)}`
                    : ''}
                </small>
              )}
              {decision?.action === 'edit' && (
                <small className="edited" data-testid="ai-edited">
                  {t('ai.editedValues', {
                    values:
                      quantities.length > 0
                        ? describeQuantities(quantities, quantityValues(f, decision), t)
                        : describeValues(currentValues(f, decision), t),
                  })}
                </small>
              )}
              {open?.key === key && open.form === 'edit' && quantities.length > 0 ? (
                <QuantityForm
                  fields={quantities}
                  current={quantityValues(f, decision)}
                  onSave={(changes) => post(r, f, { action: 'edit', changes })}
                  onCancel={() => setOpen(null)}
                />
              ) : open?.key === key && open.form === 'edit' ? (
                <FindingForm
                  mode="edit"
                  initial={formOf(currentValues(f, decision))}
                  ai={aiValues(f)}
                  onSave={(form) => post(r, f, { action: 'edit', changes: editChanges(aiValues(f), form) })}
                  onCancel={() => setOpen(null)}
                />
              ) : open?.key === key && open.form === 'reject' ? (
                <RejectForm
                  onSave={(reason) => post(r, f, { action: 'reject', reason })}
                  onCancel={() => setOpen(null)}
                />
              ) : (
                <span className="actions">
                  <button type="button" onClick={() => review(r, f, 'accept')}>
                    {t('ai.accept')}
                  </button>
                  {(isEditable(f) || quantities.length > 0) && (
                    <button type="button" onClick={() => setOpen({ key, form: 'edit' })}>
                      {t('ai.edit')}
                    </button>
                  )}
                  <button type="button" onClick={() => review(r, f, 'reject')}>
                    {t('ai.reject')}
                  </button>
                </span>
              )}
            </li>
          );
        })}
        {added.map(({ resultPk, review: rv }) => {
          const place = addedPlace(rv);
          const label = describeValues(addedValues(rv), t);
          return (
            <li key={`added/${rv.pk}`} data-testid="ai-added">
              {place ? (
                <button
                  type="button"
                  className="link"
                  data-testid="ai-added-jump"
                  onClick={() => onJump(place.sopInstanceUID, place.frameIndex, { resultPk, findingId: rv.findingId })}
                >
                  {label}
                </button>
              ) : (
                <span>{label}</span>
              )}
              <small className="added">
                {t('ai.added')}
                {rv.reason ? ` · ${rv.reason}` : ''}
              </small>
              <span className="actions">
                <button type="button" data-testid="ai-withdraw" onClick={() => void withdraw(resultPk, rv)}>
                  {t('ai.withdraw')}
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {results &&
        (adding && chestResult ? (
          <FindingForm
            mode="add"
            initial={measured ? formOf({ kind: 'solid', ...measuredSizes(measured) }) : emptyForm()}
            hint={measured ? t('ai.form.measured', { index: measured.imageNumber }) : t('ai.form.notMeasured')}
            onSave={(form) => addFinding(chestResult, form)}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <div className="ai-add">
            <button
              type="button"
              data-testid="ai-add"
              disabled={!chestResult}
              title={chestResult ? undefined : t('ai.addDisabled')}
              onClick={startAdding}
            >
              {t('ai.add')}
            </button>
            {!chestResult && <small className="muted">{t('ai.addDisabled')}</small>}
          </div>
        ))}
      {findings.length > 0 && <p className="muted hint">{t('ai.shortcuts')}</p>}
    </aside>
  );
}

const measuredSizes = (m: MeasuredFinding): { longAxisMm: number; shortAxisMm?: number } =>
  m.shortAxisMm === undefined ? { longAxisMm: m.longAxisMm } : { longAxisMm: m.longAxisMm, shortAxisMm: m.shortAxisMm };
