import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api.js';
import { useApp } from '../context.js';
import { navigate } from '../router.js';
import { EMPTY_FILTER, loadWorklist, sinceArrival, type WorklistFilter, type WorklistRow } from '../worklistData.js';

const ROW_HEIGHT = 34;
const OVERSCAN = 8;
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'PT', 'NM', 'XA'];

function formatDate(d: string): string {
  return d.length === 8 ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
}

/** A fixed-row-height virtual list: only the visible rows (plus a few) are in the DOM. */
function useVirtual(count: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return { ref, first, last, onScroll: (e: React.UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop) };
}

export function WorklistPage() {
  const { t, lang, user } = useApp();
  const [filter, setFilter] = useState<WorklistFilter>(EMPTY_FILTER);
  const [rows, setRows] = useState<WorklistRow[] | null>(null);
  /** Studies in the list: more than `rows` while the pages after the first are loading. */
  const [total, setTotal] = useState(0);
  const loads = useRef(0);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [live, setLive] = useState(false);
  const [now, setNow] = useState(Date.now());
  const filterRef = useRef(filter);
  filterRef.current = filter;

  /**
   * Loads the list; only the newest load's result is shown. `progressive` (a new filter, the
   * first load) shows the first page as soon as it arrives, the rest as placeholders until loaded;
   * live reloads replace the whole list at once so that it does not shrink and grow.
   */
  const reload = useCallback(async (progressive: boolean) => {
    const load = ++loads.current;
    try {
      const { rows } = await loadWorklist(
        filterRef.current,
        progressive
          ? (first) => {
              if (load !== loads.current) return;
              setRows(first.rows);
              setTotal(first.total);
            }
          : undefined,
      );
      if (load !== loads.current) return;
      setRows(rows);
      setTotal(rows.length);
      setError(null);
    } catch (e) {
      if (load !== loads.current) return;
      setError(e instanceof ApiError ? e.code : String(e));
      setTotal(0); // no placeholders for pages that will not come
    }
  }, []);

  // Text search waits for typing to pause.
  useEffect(() => {
    const id = setTimeout(() => void reload(true), filter.text || filter.site ? 250 : 0);
    return () => clearTimeout(id);
  }, [filter, reload]);

  // Live updates: new studies, AI results and locks reload the list (coalesced).
  useEffect(() => {
    const es = new EventSource('/api/events', { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(false), 500);
    };
    for (const ev of ['study-arrived', 'study-stable', 'ai-result', 'study-lock', 'report'])
      es.addEventListener(ev, soon);
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      es.close();
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, [reload]);

  const count = Math.max(total, rows?.length ?? 0);
  const v = useVirtual(count);
  const open = useCallback((row: WorklistRow | undefined) => {
    if (row) navigate(`/viewer/${encodeURIComponent(row.studyUid)}`);
  }, []);

  const onKey = (e: React.KeyboardEvent) => {
    if (!rows || rows.length === 0) return;
    let next = selected;
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, selected + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, selected - 1);
    else if (e.key === 'PageDown') next = Math.min(rows.length - 1, selected + 20);
    else if (e.key === 'PageUp') next = Math.max(0, selected - 20);
    else if (e.key === 'Enter') {
      open(rows[selected]);
      return;
    } else return;
    e.preventDefault();
    setSelected(next);
    const el = v.ref.current;
    if (el) {
      const top = next * ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    }
  };

  const visible = useMemo(() => (rows ?? []).slice(v.first, v.last), [rows, v.first, v.last]);
  /** Rows of the window whose page has not arrived yet. */
  const pending = Math.max(0, Math.min(v.last, count) - Math.max(v.first, rows?.length ?? 0));
  const set = <K extends keyof WorklistFilter>(k: K, value: WorklistFilter[K]) =>
    setFilter((f) => ({ ...f, [k]: value }));

  return (
    <section className="worklist">
      <div className="filters">
        <h1>{t('worklist.title')}</h1>
        <input
          type="search"
          data-testid="worklist-search"
          placeholder={t('worklist.search')}
          value={filter.text}
          onChange={(e) => set('text', e.target.value)}
        />
        <label>
          {t('worklist.status')}
          <select value={filter.status} onChange={(e) => set('status', e.target.value as WorklistFilter['status'])}>
            <option value="">{t('worklist.status.all')}</option>
            <option value="unread">{t('worklist.status.unread')}</option>
            <option value="ai-done">{t('worklist.status.aiDone')}</option>
            <option value="in-progress">{t('worklist.status.inProgress')}</option>
            <option value="signed">{t('worklist.status.signed')}</option>
          </select>
        </label>
        <label>
          {t('worklist.modality')}
          <select value={filter.modality} onChange={(e) => set('modality', e.target.value)}>
            <option value="">{t('worklist.modality.all')}</option>
            {MODALITIES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('worklist.site')}
          <input
            className="site"
            value={filter.site}
            onChange={(e) => set('site', e.target.value)}
            placeholder="HUB, SITE-A"
            size={10}
          />
        </label>
        <label>
          {t('worklist.from')}
          <input type="date" value={filter.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('worklist.to')}
          <input type="date" value={filter.to} onChange={(e) => set('to', e.target.value)} />
        </label>
        <span className="muted" data-testid="worklist-count">
          {rows ? t('worklist.count', { count }) : t('worklist.loading')}
        </span>
        <span className={live ? 'live on' : 'live'}>● {t('worklist.live')}</span>
        <span className="muted">{t('worklist.hint')}</span>
      </div>
      {error && <p className="error">{t('error.generic', { code: error })}</p>}
      <div className="wl-table">
        <div className="wl-row wl-head">
          <span>{t('col.lock')}</span>
          <span>{t('col.patient')}</span>
          <span>{t('col.patientId')}</span>
          <span>{t('col.sexAge')}</span>
          <span>{t('col.accession')}</span>
          <span>{t('col.date')}</span>
          <span>{t('col.modality')}</span>
          <span>{t('col.description')}</span>
          <span>{t('col.institution')}</span>
          <span>{t('col.status')}</span>
          <span>{t('col.ai')}</span>
          <span>{t('col.arrived')}</span>
        </div>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the list body takes the keyboard (↑/↓/Enter) */}
        <div
          className="wl-body"
          ref={v.ref}
          onScroll={v.onScroll}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so that ↑/↓/Enter work
          tabIndex={0}
          onKeyDown={onKey}
          data-testid="worklist-body"
        >
          <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>
            {visible.map((row, i) => {
              const index = v.first + i;
              const ago = sinceArrival(row.arrivedAt, now);
              return (
                // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard handled by the list body
                // biome-ignore lint/a11y/noStaticElementInteractions: mouse selection; keyboard on the list body
                <div
                  key={row.studyUid}
                  data-testid="worklist-row"
                  data-study-uid={row.studyUid}
                  className={index === selected ? 'wl-row selected' : 'wl-row'}
                  style={{ position: 'absolute', top: index * ROW_HEIGHT, height: ROW_HEIGHT, left: 0, right: 0 }}
                  onClick={() => setSelected(index)}
                  onDoubleClick={() => open(row)}
                >
                  <span
                    data-testid={row.lockedBy ? 'lock' : undefined}
                    title={row.lockedBy ? t('lock.by', { name: row.lockedBy }) : ''}
                  >
                    {row.lockedBy && row.lockedByUserId !== user?.user?.id ? '🔒' : ''}
                  </span>
                  <span className="pn">
                    {row.patientIdeographic && <b>{row.patientIdeographic}</b>} {row.patientAlphabetic}
                  </span>
                  <span>{row.patientId}</span>
                  <span>
                    {row.sex}
                    {row.age ? ` / ${row.age}` : ''}
                  </span>
                  <span>{row.accession}</span>
                  <span>{formatDate(row.date)}</span>
                  <span>{row.modalities.join('/')}</span>
                  <span>{row.description}</span>
                  <span>{lang === 'en' ? row.institutionEn : row.institution}</span>
                  <span>{t(statusKey(row.status))}</span>
                  <span>
                    {row.aiBadges.map((b) => (
                      <span key={b.text} className={b.critical ? 'badge critical' : 'badge'} data-testid="ai-badge">
                        {lang === 'en' ? b.textEn : b.text}
                      </span>
                    ))}
                  </span>
                  <span>{ago ? t(ago.key, { n: ago.n }) : ''}</span>
                </div>
              );
            })}
            {Array.from({ length: pending }, (_, k) => {
              const index = Math.max(v.first, rows?.length ?? 0) + k;
              return (
                <div
                  key={`pending-${index}`}
                  data-testid="worklist-row-pending"
                  className="wl-row pending"
                  style={{ position: 'absolute', top: index * ROW_HEIGHT, height: ROW_HEIGHT, left: 0, right: 0 }}
                >
                  <span />
                  <span className="muted">{t('worklist.loading')}</span>
                </div>
              );
            })}
          </div>
        </div>
        {rows && rows.length === 0 && <p className="muted">{t('worklist.empty')}</p>}
      </div>
    </section>
  );
}

function statusKey(s: WorklistRow['status']) {
  switch (s) {
    case 'ai-done':
      return 'worklist.status.aiDone' as const;
    case 'in-progress':
      return 'worklist.status.inProgress' as const;
    case 'signed':
      return 'worklist.status.signed' as const;
    default:
      return 'worklist.status.unread' as const;
  }
}
