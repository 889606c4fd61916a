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
import { join } from 'node:path';
import type { Finding } from '@lingshu/ai';
import { createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import { generateSeries, studyUid } from '@lingshu/phantom';
import type { RunningServer } from '@lingshu/server';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyzeJob } from '../packages/server/src/jobs/runJob.js';
import { growthPairSpecs } from '../packages/server/src/jobs/testing/analyzers.js';
import { ARTIFACTS, hasChromium, openWebHarness, type WebHarness, warnIfNoChromium } from './webHarness.js';

warnIfNoChromium('web overlay e2e');
const PASSWORD = 'Correct-Horse-42';
const { baseline, followUp } = growthPairSpecs('web-overlay', 5151);

describe.skipIf(!hasChromium)('AI contour overlay and growth in headless chromium', () => {
  let harness: WebHarness;
  let server: RunningServer;
  let browser: Browser;
  const study = studyUid(followUp, 'study');
  let nodule: Finding;

  beforeAll(async () => {
    harness = await openWebHarness('lingshu-web-overlay-', async (s) => {
      await s.ctx.platform.auth.createUser({ username: 'dr.overlay', role: 'radiologist', password: PASSWORD });
      const analyzer = createChestCtAnalyzer();
      const deps = {
        archive: s.archive,
        log: pino({ level: 'silent' }),
        events: s.ctx.events,
        analyzers: new Map([[analyzer.descriptor.id, analyzer]]),
        worker: 'e2e',
      };
      let last: Finding[] = [];
      for (const spec of [baseline, followUp]) {
        for await (const g of generateSeries(spec)) await s.archive.store({ bytes: g.bytes });
        const uid = studyUid(spec, 'study');
        const out = await runAnalyzeJob(
          deps,
          `job-${spec.name}`,
          { studyUid: uid, analyzerId: analyzer.descriptor.id, priority: 'routine', reason: 'manual' },
          new AbortController().signal,
        );
        expect(out.status).toBe('ok');
        const { rows } = await s.archive.index.executeSql('SELECT result FROM ai_results WHERE pk = $1', [
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
    });
    ({ server, browser } = harness);
  }, 240_000);

  afterAll(async () => {
    await harness?.close();
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
