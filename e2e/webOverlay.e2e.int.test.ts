/**
 * AI contour overlay and nodule growth in a real browser: headless Debian chromium
 * (playwright-core) against a real server (startServer, PGlite) holding a baseline and a 6-month
 * follow-up chest CT phantom of one patient (128², 5 mm; the nodule doubles in volume), both
 * analysed by the real chest CT analyzer (SEG + SR stored, result rows written). The reader opens
 * the follow-up, clicks the nodule in the AI panel: the viewer jumps to its slice and draws its
 * outline from the SEG and its axes; the growth line shows the change against the prior; `o`
 * hides and shows the overlay; scrolling off the lesion removes the outline. Screenshot in
 * test-artifacts/web-overlay.png. A second test draws a Length on the nodule's slice, adds a
 * finding from it (size filled in, geometry stored), jumps back to it from the list and finds its
 * axis drawn bold with the nodule outlined thinner beside it (test-artifacts/web-added-finding.png).
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
import {
  ARTIFACTS,
  hasChromium,
  openWebHarness,
  signedInPage,
  type WebHarness,
  warnIfNoChromium,
} from './webHarness.js';

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
    const { page, errors } = await signedInPage(browser, server.httpUrl, 'dr.overlay', PASSWORD, {
      width: 1600,
      height: 1000,
    });
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

    // A click anywhere on the entry jumps: the mouse goes down on its growth line, not on the link's text.
    const growthBox = await growth.boundingBox();
    expect(growthBox).not.toBeNull();
    if (growthBox) await page.mouse.click(growthBox.x + growthBox.width / 2, growthBox.y + growthBox.height / 2);
    // Every finding on the slice is outlined; the one clicked is the focused (bold) one.
    const focused = page.locator('[data-testid="contour-finding"][data-focused="true"]');
    const outline = focused.getByTestId('contour-outline').first();
    await outline.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('contour-overlay').getAttribute('data-source')).toBe('segmentation');
    expect(await focused.getAttribute('data-finding')).toMatch(new RegExp(`/${nodule.id}$`));
    expect(await focused.getAttribute('data-source')).toBe('segmentation');
    for (const other of await page.locator('[data-testid="contour-finding"][data-focused="false"]').all())
      expect(await other.getAttribute('data-finding')).not.toMatch(new RegExp(`/${nodule.id}$`));
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
      const axis = await focused.getByTestId('contour-axis-long').boundingBox();
      expect((axis?.width ?? 0) + (axis?.height ?? 0)).toBeGreaterThan(10);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'web-overlay.png') });

    // o hides and shows the overlay.
    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('contour-outline').count()).toBe(0);
    await page.keyboard.press('o');
    await expect.poll(() => focused.getByTestId('contour-outline').count()).toBeGreaterThan(0);

    // Scrolling through the lesion keeps it outlined on its slices; well past it, not outlined.
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused.getByTestId('contour-outline').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('adds a finding from a length drawn on the image: listed with its size, jumped to, its axis drawn', async () => {
    const { page, errors } = await signedInPage(browser, server.httpUrl, 'dr.overlay', PASSWORD, {
      width: 1600,
      height: 1000,
    });
    await page.goto(`${server.httpUrl}/viewer/${study}`);
    const viewport = page.locator('[data-testid="viewport"][data-status="ready"]');
    await viewport.waitFor({ timeout: 60_000 });
    await page.getByTestId('ai-add').waitFor({ timeout: 20_000 });
    // Measure on the nodule's slice, so that both are outlined there afterwards.
    const size = nodule.measurements.find((m) => m.unit === 'mm')?.value ?? 0;
    const noduleItem = page.getByTestId('ai-panel').locator('li', { hasText: `${size.toFixed(1)} mm` });
    await noduleItem.locator('button.link').first().click();
    const focusedOutline = page
      .locator('[data-testid="contour-finding"][data-focused="true"]')
      .getByTestId('contour-outline')
      .first();
    await focusedOutline.waitFor({ timeout: 20_000 });
    const boldWidth = Number(await focusedOutline.getAttribute('stroke-width'));
    const imageText = async () => (await page.locator('.overlay.tl').textContent()) ?? '';
    const drawnOn = /图像 (\d+)\/(\d+)/.exec(await imageText());
    if (!drawnOn) throw new Error('no image index shown');

    // A 120 px horizontal length through the middle of the image with the Length tool (L).
    const view = await page.getByTestId('viewport').boundingBox();
    if (!view) throw new Error('no viewport box');
    const cx = view.x + view.width / 2;
    const cy = view.y + view.height / 2;
    await page.keyboard.press('l');
    await page.mouse.move(cx - 60, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 60, cy, { steps: 8 });
    await page.mouse.up();

    await page.getByTestId('ai-add').click();
    const form = page.getByTestId('finding-add-form');
    await form.waitFor();
    expect(await form.getByTestId('finding-hint').textContent()).toContain(`图像 ${drawnOn[1]}`);
    const long = Number(await form.getByTestId('finding-long').inputValue());
    // The 128² phantom covers 360 mm and is fitted into the viewport's shorter side.
    const expected = (120 * 360) / Math.min(view.width, view.height);
    expect(long).toBeGreaterThan(expected * 0.8);
    expect(long).toBeLessThan(expected * 1.25);
    expect(await form.getByTestId('finding-short').inputValue()).toBe('');
    await form.getByTestId('finding-save').click();

    const added = page.getByTestId('ai-added');
    await added.waitFor({ timeout: 20_000 });
    expect(await added.textContent()).toContain(`${long.toFixed(1)} mm`);
    // The stored geometry: the drawn image, the centre near the image's middle, an axis as long as the size.
    type Added = { action: string; changes: { geometry?: { centerVoxel: number[]; longAxisWorld: number[][] } } };
    const stored = await page.evaluate(async (uid) => {
      const res = await fetch(`/api/studies/${uid}/ai-results`);
      const { results } = (await res.json()) as { results: Array<{ resultPk: string }> };
      const out: Added[] = [];
      for (const r of results) {
        const body = (await (await fetch(`/api/ai-results/${r.resultPk}/reviews`)).json()) as { reviews: Added[] };
        out.push(...body.reviews.filter((x) => x.action === 'add'));
      }
      return out;
    }, study);
    const geometry = stored.at(-1)?.changes.geometry;
    if (!geometry) throw new Error('the added finding has no geometry');
    expect(geometry.centerVoxel[2]).toBe(Number(drawnOn[1]) - 1);
    expect(Math.abs((geometry.centerVoxel[0] ?? 0) - 64)).toBeLessThanOrEqual(3);
    expect(Math.abs((geometry.centerVoxel[1] ?? 0) - 64)).toBeLessThanOrEqual(3);
    const [a, b] = geometry.longAxisWorld as [number[], number[]];
    expect(Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)))).toBeCloseTo(long, 0);

    // Scroll away, then the list's click jumps back and the overlay draws its axis where it was drawn.
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(imageText).not.toContain(`图像 ${drawnOn[1]}/`);
    await added.getByTestId('ai-added-jump').click();
    await expect.poll(imageText).toContain(`图像 ${drawnOn[1]}/`);
    const focused = page.locator('[data-testid="contour-finding"][data-focused="true"][data-source="geometry"]');
    const axis = focused.getByTestId('contour-axis-long');
    // A horizontal line has no height: Playwright calls it hidden, so wait for it in the DOM.
    await axis.waitFor({ state: 'attached', timeout: 20_000 });
    const box = await axis.boundingBox();
    if (!box) throw new Error('no axis box');
    expect(Math.abs(box.x - (cx - 60))).toBeLessThan(4);
    expect(Math.abs(box.x + box.width - (cx + 60))).toBeLessThan(4);
    expect(Math.abs(box.y + box.height / 2 - cy)).toBeLessThan(4);
    // The nodule on the same slice stays outlined, thinner now that it is not the focused one.
    const other = page.locator(`[data-testid="contour-finding"][data-focused="false"][data-finding$="/${nodule.id}"]`);
    const otherOutline = other.getByTestId('contour-outline').first();
    await otherOutline.waitFor({ timeout: 20_000 });
    expect(Number(await otherOutline.getAttribute('stroke-width'))).toBeLessThan(boldWidth);
    await page.screenshot({ path: join(ARTIFACTS, 'web-added-finding.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
