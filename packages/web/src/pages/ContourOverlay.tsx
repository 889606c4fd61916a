/**
 * The AI finding's outline (from the analyzer's SEG) and long/short axes, drawn as SVG over the
 * stack viewport and kept in step with Cornerstone's camera: redrawn on every render (scroll,
 * zoom, pan, resize) through worldToCanvas.
 */
import { type Types, utilities } from '@cornerstonejs/core';
import { type RefObject, useEffect, useState } from 'react';
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

interface Drawn {
  box: { left: number; top: number; width: number; height: number };
  outlines: string[];
  axes: { key: string; x1: number; y1: number; x2: number; y2: number }[];
}

const sopOf = (imageId: string): string | undefined => /\/instances\/([^/]+)\/frames\//.exec(imageId)?.[1];

/** SVG path of the finding on the viewport's current image (empty when not on this slice). */
function draw(vp: Types.IStackViewport, el: HTMLElement, c: FindingContours): Drawn {
  const imageId = vp.getCurrentImageId();
  const sop = imageId ? sopOf(imageId) : undefined;
  const box = { left: el.offsetLeft, top: el.offsetTop, width: el.offsetWidth, height: el.offsetHeight };
  const empty: Drawn = { box, outlines: [], axes: [] };
  if (!imageId || !sop) return empty;
  const slice = c.slices.find((s) => s.sopInstanceUID === sop);
  const toCanvas = (w: Vec3): Types.Point2 => vp.worldToCanvas(w);
  const outlines: string[] = [];
  try {
    for (const poly of slice?.polygons ?? []) {
      // Server: pixel centres at integers; Cornerstone image coordinates: at +0.5.
      const pts = poly.map(([col, row]) =>
        toCanvas(utilities.imageToWorldCoords(imageId, [col + 0.5, row + 0.5]) as Vec3),
      );
      if (pts.length > 1) outlines.push(`M${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('L')}Z`);
    }
  } catch {
    return empty; // no image plane metadata yet
  }
  const axes: Drawn['axes'] = [];
  if (c.axesSopInstanceUID === sop) {
    for (const [key, ends] of [
      ['long', c.longAxisWorld],
      ['short', c.shortAxisWorld],
    ] as const) {
      if (!ends) continue;
      const a = toCanvas(ends[0]);
      const b = toCanvas(ends[1]);
      axes.push({ key, x1: a[0], y1: a[1], x2: b[0], y2: b[1] });
    }
  }
  return { box, outlines, axes };
}

export function ContourOverlay({
  element,
  viewportRef,
  finding,
  visible,
}: {
  element: RefObject<HTMLDivElement | null>;
  viewportRef: RefObject<Types.IStackViewport | null>;
  finding: FindingRef | null;
  visible: boolean;
}) {
  const [contours, setContours] = useState<FindingContours | null>(null);
  const [drawn, setDrawn] = useState<Drawn | null>(null);

  useEffect(() => {
    setContours(null);
    if (!finding) return;
    let cancelled = false;
    api<FindingContours>(
      `/api/ai-results/${encodeURIComponent(finding.resultPk)}/findings/${encodeURIComponent(finding.findingId)}/contours`,
    )
      .then((c) => {
        if (!cancelled) setContours(c);
      })
      .catch(() => {
        if (!cancelled) setContours(null);
      });
    return () => {
      cancelled = true;
    };
  }, [finding]);

  useEffect(() => {
    const el = element.current;
    setDrawn(null);
    if (!el || !contours || !visible) return;
    const redraw = () => {
      const vp = viewportRef.current;
      if (vp) setDrawn(draw(vp, el, contours));
    };
    redraw();
    el.addEventListener(CoreEnums.Events.IMAGE_RENDERED, redraw);
    return () => el.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, redraw);
  }, [element, viewportRef, contours, visible]);

  if (!drawn || !contours || !visible) return null;
  return (
    <svg
      className="contour-overlay"
      data-testid="contour-overlay"
      data-source={contours.source}
      style={{ position: 'absolute', pointerEvents: 'none', overflow: 'visible', ...drawn.box }}
      width={drawn.box.width}
      height={drawn.box.height}
      aria-hidden="true"
    >
      {drawn.outlines.map((d, i) => (
        <path
          // biome-ignore lint/suspicious/noArrayIndexKey: polygons of one slice have no other identity
          key={i}
          d={d}
          data-testid="contour-outline"
          fill="none"
          stroke={contours.source === 'segmentation' ? '#ffd400' : '#ff9f1a'}
          strokeWidth={1.5}
          strokeDasharray={contours.source === 'segmentation' ? undefined : '4 3'}
        />
      ))}
      {drawn.axes.map(({ key, ...ends }) => (
        <line key={key} data-testid={`contour-axis-${key}`} {...ends} stroke="#00e0ff" strokeWidth={1.2} />
      ))}
    </svg>
  );
}
