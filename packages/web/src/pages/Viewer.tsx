import type { Types } from '@cornerstonejs/core';
import { utilities as toolUtils } from '@cornerstonejs/tools';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, type DicomJson, dcmString, personName } from '../api.js';
import { useApp } from '../context.js';
import {
  allViewports,
  CoreEnums,
  createEngine,
  createMpr,
  destroyEngine,
  imageIdsFor,
  initCornerstone,
  PRESETS,
  type PresetKey,
  resizeEngine,
  setPrimaryTool,
  type ToolKey,
} from '../cornerstone.js';
import type { MessageKey } from '../i18n.js';
import { type MeasuredFinding, measurementOnImage, trackAnnotationOrder } from '../measurementRead.js';
import { navigate } from '../router.js';
import { loadSeriesStack } from '../seriesLoad.js';
import type { StackLoadProgress } from '../stackPrefetch.js';
import { AiPanel } from './AiPanel.js';
import { ContourOverlay, type FindingRef } from './ContourOverlay.js';
import { ReportPanel } from './ReportPanel.js';

interface SeriesInfo {
  uid: string;
  number: string;
  description: string;
  modality: string;
  count: string;
}

const PRESET_KEYS: PresetKey[] = ['lung', 'mediastinum', 'bone', 'brain'];
const TOOL_KEYS: { key: ToolKey; label: MessageKey; shortcut: string }[] = [
  { key: 'wl', label: 'tool.wl', shortcut: 'w' },
  { key: 'pan', label: 'tool.pan', shortcut: 'p' },
  { key: 'zoom', label: 'tool.zoom', shortcut: 'z' },
  { key: 'length', label: 'tool.length', shortcut: 'l' },
  { key: 'angle', label: 'tool.angle', shortcut: 'a' },
  { key: 'ellipse', label: 'tool.ellipse', shortcut: 'e' },
];

const dicomJson = { headers: { accept: 'application/dicom+json' } };

export function ViewerPage({ studyUid }: { studyUid: string }) {
  const { t } = useApp();
  const element = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<Types.IStackViewport | null>(null);
  const [tab, setTab] = useState<'ai' | 'report'>('ai');
  const [series, setSeries] = useState<SeriesInfo[]>([]);
  const [patient, setPatient] = useState('');
  const [current, setCurrent] = useState<string | null>(null);
  const [status, setStatus] = useState<'idle' | 'loading' | 'ready' | 'empty' | 'error'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [index, setIndex] = useState({ i: 0, n: 0 });
  const [stackLoad, setStackLoad] = useState<StackLoadProgress>({ loaded: 0, failed: 0, total: 0 });
  const [voi, setVoi] = useState<{ w: number; l: number } | null>(null);
  const [tool, setTool] = useState<ToolKey>('wl');
  const [cine, setCine] = useState(false);
  const [help, setHelp] = useState(false);
  const [focus, setFocus] = useState<FindingRef | null>(null);
  const [overlay, setOverlay] = useState<FindingRef[]>([]);
  const annotationOrder = useRef<(() => readonly string[]) | null>(null);
  const [outlines, setOutlines] = useState(true);
  const [mode, setMode] = useState<'stack' | 'mpr'>('stack');
  // The server renders thumbnails (decode, window, encode): asked for once the first image is on
  // screen, so that they do not hold up its frames.
  const [thumbnails, setThumbnails] = useState(false);
  useEffect(() => {
    if (status !== 'idle' && status !== 'loading') setThumbnails(true);
  }, [status]);
  const mprA = useRef<HTMLDivElement>(null);
  const mprS = useRef<HTMLDivElement>(null);
  const mprC = useRef<HTMLDivElement>(null);
  const priorEl = useRef<HTMLDivElement>(null);
  const [patientId, setPatientId] = useState('');
  const [priors, setPriors] = useState<{ uid: string; date: string; description: string }[]>([]);
  const [priorUid, setPriorUid] = useState<string | null>(null);
  const [priorIndex, setPriorIndex] = useState(-1);

  // Prior studies of the same patient (QIDO-RS by Patient ID), newest first.
  useEffect(() => {
    if (!patientId) return;
    api<DicomJson[]>(`/dicomweb/studies?PatientID=${encodeURIComponent(patientId)}&includefield=00081030`, dicomJson)
      .then((list) =>
        setPriors(
          (list ?? [])
            .map((ds) => ({
              uid: dcmString(ds, '0020000D'),
              date: dcmString(ds, '00080020'),
              description: dcmString(ds, '00081030'),
            }))
            .filter((p) => p.uid !== studyUid)
            .sort((a, b) => b.date.localeCompare(a.date)),
        ),
      )
      .catch(() => setPriors([]));
  }, [patientId, studyUid]);

  // Tell colleagues this study is open (worklist lock icon); released on leaving.
  useEffect(() => {
    const url = `/api/studies/${encodeURIComponent(studyUid)}/lock`;
    api(url, { method: 'POST' }).catch(() => undefined);
    const release = () => void fetch(url, { method: 'DELETE', keepalive: true, credentials: 'same-origin' });
    window.addEventListener('pagehide', release);
    return () => {
      window.removeEventListener('pagehide', release);
      release();
    };
  }, [studyUid]);

  // Cornerstone (decoder workers, GPU) starts while the study's series and metadata are fetched.
  useEffect(() => {
    initCornerstone().catch(() => undefined); // the image load below reports a failure
  }, []);

  // Study header and series list.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const [studies, list] = await Promise.all([
          api<DicomJson[]>(`/dicomweb/studies?StudyInstanceUID=${encodeURIComponent(studyUid)}`, dicomJson),
          api<DicomJson[]>(
            `/dicomweb/studies/${encodeURIComponent(studyUid)}/series?includefield=0008103E&includefield=00201209`,
            dicomJson,
          ),
        ]);
        if (cancelled) return;
        const st = studies?.[0];
        if (st) {
          const pn = personName(st, '00100010');
          setPatient(
            `${pn.ideographic} ${pn.alphabetic} · ${dcmString(st, '00100020')} · ${dcmString(st, '00080050')}`,
          );
          setPatientId(dcmString(st, '00100020'));
        }
        const infos = (list ?? [])
          .map((ds) => ({
            uid: dcmString(ds, '0020000E'),
            number: dcmString(ds, '00200011'),
            description: dcmString(ds, '0008103E'),
            modality: dcmString(ds, '00080060'),
            count: dcmString(ds, '00201209'),
          }))
          .filter((s) => !['SR', 'SEG', 'KO', 'PR', 'DOC'].includes(s.modality))
          .sort((a, b) => Number(a.number) - Number(b.number));
        setSeries(infos);
        const first = [...infos].sort((a, b) => Number(b.count) - Number(a.count))[0];
        if (first) setCurrent(first.uid);
        else setStatus('empty');
      } catch (e) {
        if (!cancelled) {
          setStatus('error');
          setError(e instanceof ApiError ? e.code : String(e));
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [studyUid]);

  const currentSeries = series.find((s) => s.uid === current);
  const mprPossible = currentSeries?.modality === 'CT' && Number(currentSeries.count) >= 3;

  // Load the chosen series into the stack viewport (or the three MPR planes).
  useEffect(() => {
    if (!current || !element.current) return;
    let cancelled = false;
    const el = element.current;
    if (mode === 'mpr') {
      const els = [mprA.current, mprS.current, mprC.current];
      if (els.some((e) => !e)) return;
      setStatus('loading');
      setVoi(null);
      (async () => {
        try {
          await initCornerstone();
          const metadata = await api<DicomJson[]>(
            `/dicomweb/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(current)}/metadata`,
            dicomJson,
          );
          if (cancelled) return;
          const ids = imageIdsFor(studyUid, current, metadata ?? []);
          await createMpr(els as HTMLDivElement[], current, ids);
          if (!cancelled) setStatus('ready');
        } catch (e) {
          if (!cancelled) {
            setStatus('error');
            setError(e instanceof ApiError ? e.code : e instanceof Error ? e.message : String(e));
          }
        }
      })();
      return () => {
        cancelled = true;
        viewportRef.current = null;
        destroyEngine();
      };
    }
    setStatus('loading');
    setStackLoad({ loaded: 0, failed: 0, total: 0 });
    const prefetch = new AbortController();
    let follow: (() => void) | undefined;
    const onRendered = () => {
      const vp = viewportRef.current;
      if (!vp) return;
      setIndex({ i: vp.getCurrentImageIdIndex(), n: vp.getImageIds().length });
      const range = vp.getProperties().voiRange;
      if (range) setVoi({ w: Math.round(range.upper - range.lower), l: Math.round((range.upper + range.lower) / 2) });
    };
    (async () => {
      try {
        await initCornerstone();
        const metadata = await api<DicomJson[]>(
          `/dicomweb/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(current)}/metadata`,
          dicomJson,
        );
        if (cancelled) return;
        const ids = imageIdsFor(studyUid, current, metadata ?? []);
        if (ids.length === 0) {
          setStatus('empty');
          return;
        }
        const middle = Math.floor(ids.length / 2);
        const { main: vp, prior } = createEngine(el, priorUid ? priorEl.current : null);
        viewportRef.current = vp;
        el.addEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered);
        setStackLoad({ loaded: 0, failed: 0, total: ids.length });
        await vp.setStack(ids, middle);
        resizeEngine();
        vp.render();
        // Once the first image is on screen, the rest of the stack loads in the background
        // ("loaded n/N"): one streamed series retrieve read by a worker, then frame by frame
        // whatever it did not deliver (seriesLoad.ts). Started with the first image, the stream's
        // 200 MB took the CPU the first image needed (1.16 s instead of 0.86 s on 2 cores).
        if (!cancelled) void loadSeriesStack(ids, middle, { signal: prefetch.signal, onProgress: setStackLoad });
        if (prior && priorUid) {
          // The prior's largest series; scrolling follows the current one by relative position.
          const priorSeries = await api<DicomJson[]>(
            `/dicomweb/studies/${encodeURIComponent(priorUid)}/series?includefield=00201209`,
            dicomJson,
          );
          const best = (priorSeries ?? [])
            .filter((ds) => !['SR', 'SEG', 'KO', 'PR', 'DOC'].includes(dcmString(ds, '00080060')))
            .sort((a, b) => Number(dcmString(b, '00201209')) - Number(dcmString(a, '00201209')))[0];
          if (best && !cancelled) {
            const priorSeriesUid = dcmString(best, '0020000E');
            const priorMeta = await api<DicomJson[]>(
              `/dicomweb/studies/${encodeURIComponent(priorUid)}/series/${encodeURIComponent(priorSeriesUid)}/metadata`,
              dicomJson,
            );
            const priorIds = imageIdsFor(priorUid, priorSeriesUid, priorMeta ?? []);
            if (priorIds.length > 0 && !cancelled) {
              follow = () => {
                const n = vp.getImageIds().length;
                const target = n > 1 ? Math.round((vp.getCurrentImageIdIndex() / (n - 1)) * (priorIds.length - 1)) : 0;
                if (prior.getCurrentImageIdIndex() !== target) void prior.setImageIdIndex(target);
                setPriorIndex(target);
              };
              await prior.setStack(priorIds, 0);
              follow();
              if (!cancelled) el.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, follow);
              resizeEngine();
              prior.render();
            }
          }
        }
        if (!cancelled) setStatus('ready');
      } catch (e) {
        if (!cancelled) {
          setStatus('error');
          setError(e instanceof ApiError ? e.code : e instanceof Error ? e.message : String(e));
        }
      }
    })();
    return () => {
      cancelled = true;
      prefetch.abort();
      if (follow) el.removeEventListener(CoreEnums.Events.STACK_NEW_IMAGE, follow);
      el.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered);
      toolUtils.cine.stopClip(el);
      setCine(false);
      viewportRef.current = null;
      destroyEngine();
    };
  }, [current, studyUid, mode, priorUid]);

  // Keep the canvas the size of its element (window resizes, panels).
  useEffect(() => {
    const el = element.current;
    if (!el) return;
    const ro = new ResizeObserver(() => resizeEngine());
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const applyPreset = useCallback((p: PresetKey) => {
    const { w, l } = PRESETS[p];
    for (const vp of allViewports()) {
      (vp as Types.IStackViewport).setProperties({ voiRange: { lower: l - w / 2, upper: l + w / 2 } });
      vp.render();
    }
    if (!viewportRef.current) setVoi({ w, l });
  }, []);

  const chooseTool = useCallback((k: ToolKey) => {
    setPrimaryTool(k);
    setTool(k);
  }, []);

  const toggleCine = useCallback(() => {
    const el = element.current;
    if (!el || !viewportRef.current) return;
    setCine((on) => {
      if (on) toolUtils.cine.stopClip(el);
      else toolUtils.cine.playClip(el, { framesPerSecond: 12, loop: true });
      return !on;
    });
  }, []);

  // Keyboard shortcuts (not while typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      const vp = viewportRef.current;
      const k = e.key;
      if (k >= '1' && k <= '4') applyPreset(PRESET_KEYS[Number(k) - 1] as PresetKey);
      else if (k === 'ArrowDown' || k === 'ArrowUp') vp?.scroll(k === 'ArrowDown' ? 1 : -1);
      else if (k === ' ') toggleCine();
      else if (k === 'm' || k === 'M') {
        if (mprPossible || mode === 'mpr') setMode((m) => (m === 'mpr' ? 'stack' : 'mpr'));
      } else if (k === '?') setHelp((h) => !h);
      else if (k === 'o' || k === 'O') setOutlines((o) => !o);
      else if (k === 'Escape') {
        if (help) setHelp(false);
        else navigate('/worklist');
      } else if (k === 'r' || k === 'R') {
        vp?.resetCamera();
        vp?.resetProperties();
        vp?.render();
      } else {
        const tk = TOOL_KEYS.find((x) => x.shortcut === k.toLowerCase());
        if (!tk) return;
        chooseTool(tk.key);
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [applyPreset, toggleCine, chooseTool, help, mprPossible, mode]);

  // The order the reader finished Length / Ellipse annotations in: "Add finding" takes the newest.
  useEffect(() => {
    const tracked = trackAnnotationOrder();
    annotationOrder.current = tracked.order;
    return () => {
      tracked.stop();
      annotationOrder.current = null;
    };
  }, []);

  const measure = useCallback((): MeasuredFinding | null => {
    const vp = viewportRef.current;
    const order = annotationOrder.current;
    if (!vp || !order || mode !== 'stack') return null;
    try {
      return measurementOnImage(vp, order());
    } catch {
      return null; // the image's metadata is not there yet: the form starts empty
    }
  }, [mode]);

  const jumpTo = useCallback((sopUid: string | null, frameIndex: number | null, finding?: FindingRef) => {
    setFocus(finding ?? null);
    const vp = viewportRef.current;
    if (!vp) return;
    const ids = vp.getImageIds();
    let target = -1;
    if (sopUid) target = ids.findIndex((id) => id.includes(`/instances/${sopUid}/`));
    if (target < 0 && frameIndex !== null) target = Math.max(0, Math.min(ids.length - 1, frameIndex));
    if (target >= 0) void vp.setImageIdIndex(target);
  }, []);

  return (
    <section className="viewer">
      <aside className="series-list">
        <button type="button" className="link" onClick={() => navigate('/worklist')}>
          ← {t('viewer.back')}
        </button>
        <div className="patient">{patient}</div>
        <h2>{t('viewer.series')}</h2>
        {series.map((s) => (
          <button
            type="button"
            key={s.uid}
            className={s.uid === current ? 'series selected' : 'series'}
            onClick={() => setCurrent(s.uid)}
            data-testid="series-thumb"
          >
            <img
              alt=""
              loading="lazy"
              src={
                thumbnails
                  ? `/dicomweb/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(s.uid)}/thumbnail`
                  : undefined
              }
            />
            <span>
              #{s.number} {s.modality} {s.description}
              <br />
              <small>{t('viewer.images', { n: s.count || '?' })}</small>
            </span>
          </button>
        ))}
      </aside>
      <div className="viewport-area">
        <div className="toolbar">
          {TOOL_KEYS.map((x) => (
            <button
              type="button"
              key={x.key}
              className={tool === x.key ? 'active' : ''}
              onClick={() => chooseTool(x.key)}
              title={x.shortcut.toUpperCase()}
            >
              {t(x.label)}
            </button>
          ))}
          <span className="sep" />
          {PRESET_KEYS.map((p, i) => (
            <button type="button" key={p} onClick={() => applyPreset(p)} title={String(i + 1)}>
              {t(`preset.${p}`)}
            </button>
          ))}
          <span className="sep" />
          <button type="button" className={cine ? 'active' : ''} onClick={toggleCine}>
            {t('viewer.cine')}
          </button>
          <button
            type="button"
            className={mode === 'mpr' ? 'active' : ''}
            disabled={!mprPossible && mode !== 'mpr'}
            onClick={() => setMode((m) => (m === 'mpr' ? 'stack' : 'mpr'))}
            data-testid="mpr-button"
            title="M"
          >
            {t('viewer.mpr')}
          </button>
          {priors.length > 0 && mode === 'stack' && (
            <select
              data-testid="prior-select"
              value={priorUid ?? ''}
              onChange={(e) => setPriorUid(e.target.value || null)}
              title={t('viewer.prior')}
            >
              <option value="">{t('viewer.prior.none')}</option>
              {priors.map((p) => (
                <option key={p.uid} value={p.uid}>
                  {t('viewer.prior')}: {p.date} {p.description}
                </option>
              ))}
            </select>
          )}
          <button type="button" onClick={() => setHelp((h) => !h)} data-testid="help-button">
            {t('viewer.help')} (?)
          </button>
        </div>
        <div className="viewport-wrap">
          {/* biome-ignore lint/a11y/noStaticElementInteractions: right button is the zoom tool, not a menu */}
          <div
            ref={element}
            className="viewport"
            data-testid="viewport"
            data-status={status}
            data-mode={mode}
            data-loaded={stackLoad.loaded}
            data-failed={stackLoad.failed}
            data-total={stackLoad.total}
            style={mode === 'mpr' ? { display: 'none' } : priorUid ? { right: '50%' } : undefined}
            onContextMenu={(e) => e.preventDefault()}
          />
          {/* Kept mounted in MPR (drawing nothing) so that its fetched contours stay cached. */}
          <ContourOverlay
            element={element}
            viewportRef={viewportRef}
            findings={overlay}
            focus={focus}
            visible={outlines && mode === 'stack'}
          />
          {priorUid && mode === 'stack' && (
            // biome-ignore lint/a11y/noStaticElementInteractions: right button is the zoom tool, not a menu
            <div
              ref={priorEl}
              className="viewport prior"
              data-testid="prior-viewport"
              data-index={priorIndex}
              onContextMenu={(e) => e.preventDefault()}
            />
          )}
          {mode === 'mpr' && (
            // biome-ignore lint/a11y/noStaticElementInteractions: right button is the zoom tool, not a menu
            <div className="mpr" data-testid="mpr" data-status={status} onContextMenu={(e) => e.preventDefault()}>
              <div ref={mprA} className="mpr-pane" data-testid="mpr-axial" />
              <div ref={mprS} className="mpr-pane" data-testid="mpr-sagittal" />
              <div ref={mprC} className="mpr-pane" data-testid="mpr-coronal" />
            </div>
          )}
          <div className="overlay tl">
            {mode === 'stack' && index.n > 0 && t('viewer.image', { index: index.i + 1, total: index.n })}
            <br />
            {voi && t('viewer.wl', { w: voi.w, l: voi.l })}
          </div>
          {mode === 'stack' && stackLoad.loaded + stackLoad.failed < stackLoad.total && (
            <div className="stack-load" style={{ width: `${(100 * stackLoad.loaded) / stackLoad.total}%` }} />
          )}
          {status === 'loading' && <div className="overlay center">{t('viewer.loading')}</div>}
          {status === 'empty' && <div className="overlay center">{t('viewer.noImages')}</div>}
          {status === 'error' && (
            <div className="overlay center error">{t('error.generic', { code: error ?? '' })}</div>
          )}
          {help && (
            <div className="help-panel" role="dialog" data-testid="help-panel">
              <h3>{t('help.title')}</h3>
              <ul>
                {(
                  [
                    'help.presets',
                    'help.scroll',
                    'help.cine',
                    'help.mpr',
                    'help.tools',
                    'help.mouse',
                    'help.reset',
                    'help.overlay',
                    'help.ai',
                    'help.help',
                    'help.back',
                  ] as const
                ).map((k) => (
                  <li key={k}>{t(k)}</li>
                ))}
              </ul>
              <button type="button" onClick={() => setHelp(false)}>
                {t('help.close')}
              </button>
            </div>
          )}
        </div>
      </div>
      <div className="side-panel">
        <div className="side-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'ai'} onClick={() => setTab('ai')}>
            {t('tab.ai')}
          </button>
          <button type="button" role="tab" aria-selected={tab === 'report'} onClick={() => setTab('report')}>
            {t('tab.report')}
          </button>
        </div>
        <div hidden={tab !== 'ai'}>
          <AiPanel studyUid={studyUid} onJump={jumpTo} measure={measure} onOverlay={setOverlay} />
        </div>
        {tab === 'report' && <ReportPanel studyUid={studyUid} />}
      </div>
    </section>
  );
}
