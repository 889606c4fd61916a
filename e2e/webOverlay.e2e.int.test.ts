/**
 * AI contour overlay and nodule growth in a real browser: headless Debian chromium
 * (playwright-core) against a real server (startServer, PGlite) holding a baseline and a 6-month
 * follow-up chest CT phantom of one patient (128², 5 mm; the nodule doubles in volume), both
 * analysed by the real chest CT analyzer (SEG + SR stored, result rows written). The reader opens
 * the follow-up, clicks the nodule in the AI panel: the viewer jumps to its slice and draws its
 * outline from the SEG and its axes; the growth line shows the change against the prior; `o`
 * hides and shows the overlay; scrolling off the lesion removes the outline. Screenshot in
 * test-artifacts/web-overlay.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Finding } from '@lingshu/ai';
import { createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import { generateSeries, type StudySpec, studyUid } from '@lingshu/phantom';
import { DEFAULT_SERVER_CONFIG, type RunningServer, startServer } from '@lingshu/server';
import pino from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyzeJob } from '../packages/server/src/jobs/runJob.js';

const CHROMIUM = process.env.LINGSHU_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED web overlay e2e: no chromium at ${CHROMIUM} (set LINGSHU_CHROMIUM)`);

const ROOT = resolve(import.meta.dirname, '..');
const WEB_DIST = join(ROOT, 'packages/web/dist');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const PASSWORD = 'Correct-Horse-42';

const baseline: StudySpec = {
  name: 'web-overlay-baseline',
  seed: 5151,
  patient: { name: 'Zhao^Liu=赵^六', id: 'WEB-OVL-1', sex: 'M', birthDate: '19600101', anatomySeed: 5151 },
  studyDate: '20240101',
  truthGridMm: 6,
  phantom: {
    kind: 'chest',
    nodules: [{ id: 'N1', type: 'solid', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RUL', diameterMm: 14 }],
  },
  series: { matrix: 128, fieldOfViewMm: 360, sliceThicknessMm: 5, kernel: 'lung', dose: 'standard', vendor: 'siemens' },
};
const followUp: StudySpec = {
  ...baseline,
  name: 'web-overlay-followup',
  seed: 5152,
  studyDate: '20240701',
  followUp: { monthsAfterBaseline: 6, translationMm: [3, -2, 5] },
  phantom: {
    kind: 'chest',
    nodules: [
      {
        id: 'N1',
        type: 'solid',
        shape: 'ellipsoid',
        site: 'parenchymal',
        lobe: 'RUL',
        diameterMm: 14,
        volumeChange: 2,
      },
    ],
  },
};

/** True when the web build is missing or older than a file of the web app's sources. */
function webBuildStale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built,
    );
  return newer(join(ROOT, 'packages/web/src')) || statSync(join(ROOT, 'packages/web/index.html')).mtimeMs > built;
}

describe.skipIf(!hasChromium)('AI contour overlay and growth in headless chromium', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  const study = studyUid(followUp, 'study');
  let nodule: Finding;

  beforeAll(async () => {
    if (webBuildStale())
      execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'packages/web'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'lingshu-web-overlay-'));
    server = await startServer(
      {
        ...DEFAULT_SERVER_CONFIG,
        dataDir: join(dir, 'data'),
        httpPort: 0,
        dicomPort: null,
        demo: false,
        aiWorkers: 0,
        webDir: WEB_DIST,
      },
      { log: pino({ level: 'silent' }) },
    );
    await server.ctx.platform.auth.createUser({ username: 'dr.overlay', role: 'radiologist', password: PASSWORD });
    const analyzer = createChestCtAnalyzer();
    const deps = {
      archive: server.archive,
      log: pino({ level: 'silent' }),
      events: server.ctx.events,
      analyzers: new Map([[analyzer.descriptor.id, analyzer]]),
      worker: 'e2e',
    };
    let last: Finding[] = [];
    for (const spec of [baseline, followUp]) {
      for await (const g of generateSeries(spec)) await server.archive.store({ bytes: g.bytes });
      const uid = studyUid(spec, 'study');
      const out = await runAnalyzeJob(
        deps,
        `job-${spec.name}`,
        { studyUid: uid, analyzerId: analyzer.descriptor.id, priority: 'routine', reason: 'manual' },
        new AbortController().signal,
      );
      expect(out.status).toBe('ok');
      const { rows } = await server.archive.index.executeSql('SELECT result FROM ai_results WHERE pk = $1', [
        out.resultPk,
      ]);
      const result = (rows[0] as { result: unknown }).result;
      const parsed = (typeof result === 'string' ? JSON.parse(result) : result) as { findings: Finding[] };
      last = parsed.findings;
    }
    const volume = (f: Finding): number => f.measurements.find((m) => m.key === 'volumeMm3')?.value ?? 0;
    const found = last
      .filter((f) => f.type === 'nodule' && f.segmentNumber !== undefined)
      .sort((a, b) => volume(b) - volume(a))[0];
    if (!found) throw new Error('the analyzer found no segmented nodule in the follow-up');
    nodule = found;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('jumps to the nodule, draws its outline and axes, shows its growth; o toggles; scrolling off removes it', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.httpUrl}/login`);
    await page.fill('input[name="username"]', 'dr.overlay');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/worklist$/);
    await page.goto(`${server.httpUrl}/viewer/${study}`);
    await page.locator('[data-testid="viewport"][data-status="ready"]').waitFor({ timeout: 60_000 });

    const long = nodule.measurements.find((m) => m.unit === 'mm')?.value ?? 0;
    const item = page.getByTestId('ai-panel').locator('li', { hasText: `${long.toFixed(1)} mm` });
    await item.waitFor({ timeout: 20_000 });
    // The growth line against the baseline (zh-CN): prior → current mean diameter, volume, VDT.
    const growth = item.getByTestId('finding-growth');
    await growth.waitFor({ timeout: 20_000 });
    const growthText = (await growth.textContent()) ?? '';
    expect(growthText).toMatch(/较前 \d+\.\d→\d+\.\d mm，体积 \+\d+ %，VDT \d+ 天/);

    await item.locator('button.link').first().click();
    const outline = page.getByTestId('contour-outline').first();
    await outline.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('contour-overlay').getAttribute('data-source')).toBe('segmentation');
    const d = (await outline.getAttribute('d')) ?? '';
    expect(d).toMatch(/^M[\d.-]+,[\d.-]+(L[\d.-]+,[\d.-]+){3,}Z$/);
    const box = await outline.boundingBox();
    const view = await page.getByTestId('viewport').boundingBox();
    if (!box || !view) throw new Error('no outline or viewport box');
    // A 15–20 mm nodule on a 360 mm field shown ~900 px wide: tens of pixels, inside the viewport.
    expect(box.width).toBeGreaterThan(10);
    expect(box.height).toBeGreaterThan(10);
    expect(box.x).toBeGreaterThanOrEqual(view.x);
    expect(box.y).toBeGreaterThanOrEqual(view.y);
    expect(box.x + box.width).toBeLessThanOrEqual(view.x + view.width);
    expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height);
    if (nodule.geometry?.longAxisWorld) {
      const axis = await page.getByTestId('contour-axis-long').boundingBox();
      expect((axis?.width ?? 0) + (axis?.height ?? 0)).toBeGreaterThan(10);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'web-overlay.png') });

    // o hides and shows the overlay.
    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('contour-outline').count()).toBe(0);
    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('contour-outline').count()).toBeGreaterThan(0);

    // Scrolling through the lesion keeps it outlined on its slices; well past it, no outline.
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('contour-outline').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
