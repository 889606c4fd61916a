/**
 * The outlines (from the analyzer's SEG, else the geometry box) and long/short axes of every
 * finding on the stack image shown, drawn as SVG over the viewport and kept in step with
 * Cornerstone's camera: redrawn on every render (scroll, zoom, pan, resize) through worldToCanvas.
 * The focused finding (the one the reader jumped to) is drawn bold, the others thin. Each
 * finding's contours are fetched once and kept; scrolling only looks up the slice in an index.
 */
import { type Types, utilities } from '@cornerstonejs/core';
import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.js';
import { CoreEnums } from '../cornerstone.js';

/** Which finding the reader jumped to. */
export interface FindingRef {
  resultPk: string;
  findingId: string;
}

type Vec3 = [number, number, number];

/** GET /api/ai-results/:resultPk/findings/:findingId/contours */
export interface FindingContours {
  source: 'segmentation' | 'geometry' | 'none';
  slices: { sopInstanceUID: string; polygons: [number, number][][] }[];
  longAxisWorld: [Vec3, Vec3] | null;
  shortAxisWorld: [Vec3, Vec3] | null;
  axesSopInstanceUID: string | null;
}

interface DrawnFinding {
  key: string;
  source: FindingContours['source'];
  outlines: string[];
  axes: { key: string; x1: number; y1: number; x2: number; y2: number }[];
}

interface Drawn {
  box: { left: number; top: number; width: number; height: number };
  findings: DrawnFinding[];
}

/** Contours requested at a time (each may read a SEG on the server). */
const PARALLEL_FETCHES = 3;

const keyOf = (f: FindingRef): string => `${f.resultPk}/${f.findingId}`;
const sopOf = (imageId: string): string | undefined => /\/instances\/([^/]+)\/frames\//.exec(imageId)?.[1];

/** One finding on the viewport's current image (`imageId`, SOP `sop`). */
function drawFinding(
  vp: Types.IStackViewport,
  imageId: string,
  sop: string,
  key: string,
  c: FindingContours,
): DrawnFinding {
  const toCanvas = (w: Vec3): Types.Point2 => vp.worldToCanvas(w);
  const outlines: string[] = [];
  for (const poly of c.slices.find((s) => s.sopInstanceUID === sop)?.polygons ?? []) {
    // Server: pixel centres at integers; Cornerstone image coordinates: at +0.5.
    const pts = poly.map(([col, row]) =>
      toCanvas(utilities.imageToWorldCoords(imageId, [col + 0.5, row + 0.5]) as Vec3),
    );
    if (pts.length > 1) outlines.push(`M${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}Z`);
  }
  const axes: DrawnFinding['axes'] = [];
  if (c.axesSopInstanceUID === sop) {
    for (const [axis, ends] of [
      ['long', c.longAxisWorld],
      ['short', c.shortAxisWorld],
    ] as const) {
      if (!ends) continue;
      const a = toCanvas(ends[0]);
      const b = toCanvas(ends[1]);
      axes.push({ key: axis, x1: a[0], y1: a[1], x2: b[0], y2: b[1] });
    }
  }
  return { key, source: c.source, outlines, axes };
}

/** The findings with something on each slice: SOP Instance UID → finding keys. */
function indexBySlice(contours: ReadonlyMap<string, FindingContours>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (sop: string, key: string) => {
    const keys = out.get(sop);
    if (!keys) out.set(sop, [key]);
    else if (!keys.includes(key)) keys.push(key);
  };
  for (const [key, c] of contours) {
    for (const s of c.slices) add(s.sopInstanceUID, key);
    if (c.axesSopInstanceUID && (c.longAxisWorld || c.shortAxisWorld)) add(c.axesSopInstanceUID, key);
  }
  return out;
}

export function ContourOverlay({
  element,
  viewportRef,
  findings,
  focus,
  visible,
}: {
  element: RefObject<HTMLDivElement | null>;
  viewportRef: RefObject<Types.IStackViewport | null>;
  /** Every finding to outline where it lies (not rejected or withdrawn). */
  findings: readonly FindingRef[];
  /** The one drawn bold (when among `findings`). */
  focus: FindingRef | null;
  visible: boolean;
}) {
  const [contours, setContours] = useState<ReadonlyMap<string, FindingContours>>(new Map());
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const requested = useRef(new Set<string>());
  const queue = useRef<FindingRef[]>([]);
  const running = useRef(0);
  const unmounted = useRef(false);

  useEffect(() => {
    unmounted.current = false;
    return () => {
      unmounted.current = true;
    };
  }, []);

  // Each finding's contours once (the focused one first), a few requests at a time.
  const focusKey = focus ? keyOf(focus) : null;
  useEffect(() => {
    const wanted = [...findings].sort((a, b) => Number(keyOf(b) === focusKey) - Number(keyOf(a) === focusKey));
    const fresh = wanted.filter((f) => !requested.current.has(keyOf(f)));
    if (fresh.length === 0) return;
    for (const f of fresh) requested.current.add(keyOf(f));
    queue.current.unshift(...fresh);
    const next = (): void => {
      const f = queue.current.shift();
      if (!f) return;
      running.current++;
      api<FindingContours>(
        `/api/ai-results/${encodeURIComponent(f.resultPk)}/findings/${encodeURIComponent(f.findingId)}/contours`,
      )
        .then((c) => {
          if (!unmounted.current) setContours((m) => new Map(m).set(keyOf(f), c));
        })
        .catch(() => undefined) // nothing drawn for it (a withdrawn or hidden finding)
        .finally(() => {
          running.current--;
          if (!unmounted.current) next();
        });
    };
    while (running.current < PARALLEL_FETCHES && queue.current.length > 0) next();
  }, [findings, focusKey]);

  const bySlice = useMemo(() => indexBySlice(contours), [contours]);
  const shown = useMemo(() => new Set(findings.map(keyOf)), [findings]);

  useEffect(() => {
    const el = element.current;
    setDrawn(null);
    if (!el || !visible) return;
    const redraw = () => {
      const vp = viewportRef.current;
      const imageId = vp?.getCurrentImageId();
      const sop = imageId ? sopOf(imageId) : undefined;
      const box = { left: el.offsetLeft, top: el.offsetTop, width: el.offsetWidth, height: el.offsetHeight };
      const out: DrawnFinding[] = [];
      if (vp && imageId && sop) {
        try {
          for (const key of bySlice.get(sop) ?? []) {
            const c = contours.get(key);
            if (c && shown.has(key)) out.push(drawFinding(vp, imageId, sop, key, c));
          }
        } catch {
          out.length = 0; // no image plane metadata yet
        }
      }
      // Slices with nothing on them (most of a scroll) do not re-render the overlay.
      setDrawn((prev) => (out.length === 0 && prev?.findings.length === 0 ? prev : { box, findings: out }));
    };
    redraw();
    el.addEventListener(CoreEnums.Events.IMAGE_RENDERED, redraw);
    return () => el.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, redraw);
  }, [element, viewportRef, contours, bySlice, shown, visible]);

  if (!drawn || !visible || drawn.findings.length === 0) return null;
  // The focused finding last, so that it is drawn over the others.
  const ordered = [...drawn.findings].sort((a, b) => Number(a.key === focusKey) - Number(b.key === focusKey));
  const focused = drawn.findings.find((f) => f.key === focusKey);
  return (
    <svg
      className="contour-overlay"
      data-testid="contour-overlay"
      data-source={(focused ?? drawn.findings[0])?.source}
      style={{ position: 'absolute', pointerEvents: 'none', overflow: 'visible', ...drawn.box }}
      width={drawn.box.width}
      height={drawn.box.height}
      aria-hidden="true"
    >
      {ordered.map((f) => {
        const bold = f.key === focusKey;
        return (
          <g
            key={f.key}
            data-testid="contour-finding"
            data-finding={f.key}
            data-focused={bold ? 'true' : 'false'}
            data-source={f.source}
            opacity={bold ? 1 : 0.75}
          >
            {f.outlines.map((d, i) => (
              <path
                // biome-ignore lint/suspicious/noArrayIndexKey: polygons of one slice have no other identity
                key={i}
                d={d}
                data-testid="contour-outline"
                fill="none"
                stroke={f.source === 'segmentation' ? '#ffd400' : '#ff9f1a'}
                strokeWidth={bold ? 2 : 1}
                strokeDasharray={f.source === 'segmentation' ? undefined : '4 3'}
              />
            ))}
            {f.axes.map(({ key, ...ends }) => (
              <line
                key={key}
                data-testid={`contour-axis-${key}`}
                {...ends}
                stroke="#00e0ff"
                strokeWidth={bold ? 1.6 : 0.8}
              />
            ))}
          </g>
        );
      })}
    </svg>
  );
}
