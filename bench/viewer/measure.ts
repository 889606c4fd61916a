/**
 * What the viewer benchmark times inside chromium. Every figure is taken in the page with
 * performance.now() and checked once per animation frame (requestAnimationFrame), so it is what
 * the reader sees, not when a request finished:
 * - open: double-click on the study's worklist row → first non-blank viewport canvas → the viewer's
 *   `data-loaded` equals `data-total` (every image of the stack in Cornerstone's cache);
 * - worklist: navigation start → first rows in the list; jump to the end → last row rendered;
 *   a 120-frame scroll from top to bottom (frame intervals).
 */
import type { BrowserContext, Page } from 'playwright-core';

/** The few DOM types the page callbacks use (the root tsconfig has no DOM lib; these run in the browser). */
interface PageElement {
  textContent: string | null;
  offsetTop: number;
  offsetHeight: number;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  firstElementChild: PageElement | null;
  getAttribute(name: string): string | null;
  dispatchEvent(e: unknown): boolean;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
    options?: { willReadFrequently: boolean },
  ): {
    drawImage(src: PageCanvas, x: number, y: number, w: number, h: number): void;
    clearRect(x: number, y: number, w: number, h: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  } | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  createElement(tag: 'canvas'): PageCanvas;
  addEventListener(type: string, listener: () => void, options: { capture: boolean }): void;
  removeEventListener(type: string, listener: () => void, options: { capture: boolean }): void;
};
declare const window: Record<string, unknown>;
declare class MouseEvent {
  constructor(type: string, init: { bubbles: boolean; cancelable?: boolean; detail?: number });
}
interface ResourceEntry {
  name: string;
  startTime: number;
  responseEnd: number;
  transferSize: number;
}
declare function requestAnimationFrame(cb: (t: number) => void): number;

export interface OpenTiming {
  /** ms from the double-click to non-blank pixels in the viewport canvas. */
  firstImageMs: number | null;
  /** ms from the double-click to every image of the stack loaded. */
  fullStackMs: number | null;
  loaded: number;
  failed: number;
  total: number;
  /** Where the time went (resource timing, ms after the double-click), for diagnosis. */
  requests: RequestPhases;
}

/**
 * Per kind of request after the double-click: how many, when the first and last ended, and the
 * median time from request start to response end (long when requests queue at the server, short
 * when the browser issues them late).
 */
export type RequestPhases = Record<
  string,
  { count: number; firstEndMs: number; lastEndMs: number; medianLatencyMs: number; kB: number }
>;

export interface WorklistTiming {
  /** ms from navigation start to the first rows in the list. */
  rowsVisibleMs: number | null;
  /** ms from setting scrollTop to the end to the last row rendered. */
  scrollToEndMs: number | null;
  /** A 120-frame scroll from top to bottom: total ms and the 95th percentile frame interval. */
  scrollSweepMs: number;
  scrollFrameP95Ms: number;
  rowsInDom: number;
}

export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/worklist$/);
}

/**
 * On the worklist page: opens the study by double-clicking its row and times the first image and
 * the full stack. Blank means fewer than 3 % of a 64×64 sample of the canvas brighter than
 * near-black.
 */
export async function openStudyTimed(page: Page, studyUid: string, timeoutMs: number): Promise<OpenTiming> {
  await page.locator(`[data-testid="worklist-row"][data-study-uid="${studyUid}"]`).waitFor({ timeout: 60_000 });
  return page.evaluate(
    ({ uid, timeoutMs }) =>
      new Promise<OpenTiming>((done, fail) => {
        const row = document.querySelector(`[data-testid="worklist-row"][data-study-uid="${uid}"]`);
        if (!row) return fail(new Error('study row not in the worklist'));
        const probe = document.createElement('canvas');
        probe.width = 64;
        probe.height = 64;
        const ctx = probe.getContext('2d', { willReadFrequently: true });
        if (!ctx) return fail(new Error('no 2d context'));
        const bright = (): number => {
          const c = document.querySelector('[data-testid="viewport"] canvas') as unknown as PageCanvas | null;
          if (!c || c.width === 0) return 0;
          ctx.clearRect(0, 0, 64, 64);
          ctx.drawImage(c, 0, 0, 64, 64);
          const { data } = ctx.getImageData(0, 0, 64, 64);
          let n = 0;
          for (let i = 0; i < data.length; i += 4)
            if ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) > 60) n++;
          return n;
        };
        let firstImageMs: number | null = null;
        const t0 = performance.now();
        const phases = (): RequestPhases => {
          const out: RequestPhases = {};
          const latencies: Record<string, number[]> = {};
          const kindOf = (url: string): string =>
            url.includes('/frames/')
              ? 'frame'
              : url.includes('/metadata')
                ? 'metadata'
                : url.includes('/thumbnail')
                  ? 'thumbnail'
                  : /\/dicomweb\/studies\/[^/?]+\/series\/[^/?]+$/.test(url)
                    ? 'series' // the whole series' retrieve (stack loading)
                    : url.includes('/dicomweb/')
                      ? 'qido'
                      : url.includes('/api/')
                        ? 'api'
                        : 'asset';
          for (const e of performance.getEntriesByType('resource') as unknown as ResourceEntry[]) {
            if (e.startTime < t0) continue;
            const k = kindOf(e.name);
            const end = e.responseEnd - t0;
            const p = out[k] ?? { count: 0, firstEndMs: end, lastEndMs: end, medianLatencyMs: 0, kB: 0 };
            out[k] = p;
            const l = latencies[k] ?? [];
            latencies[k] = l;
            l.push(e.responseEnd - e.startTime);
            p.count++;
            p.firstEndMs = Math.min(p.firstEndMs, end);
            p.lastEndMs = Math.max(p.lastEndMs, end);
            p.kB += e.transferSize / 1024;
          }
          for (const [k, l] of Object.entries(latencies)) {
            const p = out[k];
            if (p) p.medianLatencyMs = [...l].sort((a, b) => a - b)[l.length >> 1] ?? 0;
          }
          return out;
        };
        // The first image: checked right after each render of the viewport (Cornerstone's
        // IMAGE_RENDERED event, caught on its way to the element), and every 100 ms as a
        // fallback. Reading the canvas back on every animation frame cost the page about a second
        // of main-thread time (a GPU readback each time) before the first image, which it measured.
        const lit = (): boolean => bright() > 64 * 64 * 0.03;
        const onRendered = (): void => {
          if (firstImageMs === null && lit()) firstImageMs = performance.now() - t0;
        };
        document.addEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered, { capture: true });
        let lastPoll = t0;
        row.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, cancelable: true, detail: 2 }));
        const step = (): void => {
          const now = performance.now();
          if (firstImageMs === null && now - lastPoll >= 100) {
            lastPoll = now;
            if (lit()) firstImageMs = now - t0;
          }
          const vp = document.querySelector('[data-testid="viewport"]');
          const loaded = Number(vp?.getAttribute('data-loaded') ?? 0);
          const failed = Number(vp?.getAttribute('data-failed') ?? 0);
          const total = Number(vp?.getAttribute('data-total') ?? 0);
          const complete = total > 0 && loaded + failed >= total;
          if ((firstImageMs !== null && complete) || now - t0 > timeoutMs) {
            document.removeEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered, { capture: true });
            done({ firstImageMs, fullStackMs: complete ? now - t0 : null, loaded, failed, total, requests: phases() });
          } else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    { uid: studyUid, timeoutMs },
  );
}

/** Records (in `window.__benchRowsAt`) the first animation frame with worklist rows, from the page's start. */
function watchRows(): void {
  window.__benchRowsAt = null;
  const poll = (): void => {
    if (document.querySelector('[data-testid="worklist-row"]')) {
      window.__benchRowsAt = performance.now();
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

/** A new page of the logged-in context: loads /worklist and times rows, jump to end and a full scroll. */
export async function worklistTimed(
  context: BrowserContext,
  baseUrl: string,
  timeoutMs: number,
): Promise<WorklistTiming> {
  const page = await context.newPage();
  try {
    await page.addInitScript(watchRows);
    await page.goto(`${baseUrl}/worklist`);
    await page.waitForFunction(() => window.__benchRowsAt !== null, undefined, { timeout: timeoutMs });
    const rowsVisibleMs = (await page.evaluate(() => window.__benchRowsAt)) as number | null;
    const scrollToEndMs = await page.evaluate(
      (timeoutMs) =>
        new Promise<number | null>((done) => {
          const body = document.querySelector('[data-testid="worklist-body"]');
          const inner = body?.firstElementChild;
          if (!body || !inner) return done(null);
          const atEnd = (): boolean => {
            const rows = body.querySelectorAll('[data-testid="worklist-row"]');
            const last = rows[rows.length - 1];
            return !!last && last.offsetTop + last.offsetHeight >= inner.offsetHeight - 1;
          };
          const t0 = performance.now();
          body.scrollTop = body.scrollHeight;
          const step = (): void => {
            const now = performance.now();
            if (atEnd()) done(now - t0);
            else if (now - t0 > timeoutMs) done(null);
            else requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        }),
      timeoutMs,
    );
    const sweep = await page.evaluate(
      () =>
        new Promise<{ total: number; gaps: number[] }>((done) => {
          const body = document.querySelector('[data-testid="worklist-body"]');
          if (!body) return done({ total: 0, gaps: [] });
          const gaps: number[] = [];
          let last = 0;
          let i = 0;
          const t0 = performance.now();
          const step = (t: number): void => {
            if (last) gaps.push(t - last);
            last = t;
            body.scrollTop = ((body.scrollHeight - body.clientHeight) * i) / 120;
            if (i++ < 120) requestAnimationFrame(step);
            else done({ total: performance.now() - t0, gaps });
          };
          requestAnimationFrame(step);
        }),
    );
    const gaps = [...sweep.gaps].sort((a, b) => a - b);
    return {
      rowsVisibleMs,
      scrollToEndMs,
      scrollSweepMs: sweep.total,
      scrollFrameP95Ms: gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.95))] ?? 0,
      rowsInDom: await page.getByTestId('worklist-row').count(),
    };
  } finally {
    await page.close();
  }
}
