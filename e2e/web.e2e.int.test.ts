/**
 * The reading workspace in a real browser: headless Debian chromium (playwright-core) against a
 * real server (startServer, PGlite, temp data dir) holding a small phantom CT. Logs in through the
 * form, finds the study in the worklist, opens it, waits until the Cornerstone viewport shows
 * non-blank pixels, uses window presets, an ellipse ROI (HU statistics) and the help panel,
 * switches to English, MPR, prior side by side; a study stored meanwhile appears live. A second test scrolls a 5 000-study
 * worklist. Screenshots go to test-artifacts/ (gitignored).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateSeries, type StudySpec, studyUid } from '@lingshu/phantom';
import { notifyStored, type RunningServer } from '@lingshu/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../packages/server/src/auth/principal.js';
import { chestCtResult, seedAiResult } from '../packages/server/src/worklist/testing.js';
import {
  ARTIFACTS,
  hasChromium,
  openWebHarness,
  signedInPage,
  type WebHarness,
  warnIfNoChromium,
} from './webHarness.js';

warnIfNoChromium('web e2e');
const PASSWORD = 'Correct-Horse-42';

const spec: StudySpec = {
  name: 'web-e2e-chest',
  seed: 4242,
  patient: { name: 'Wang^Wu=王^五', id: 'WEB-E2E-1', sex: 'M', birthDate: '19600101', anatomySeed: 4242 },
  studyDate: '20240101',
  institutionName: '灵枢测试医院',
  truthGridMm: 6,
  phantom: { kind: 'chest', nodules: [] },
  series: {
    matrix: 64,
    fieldOfViewMm: 360,
    sliceThicknessMm: 10,
    zRangeMm: [0, 60],
    kernel: 'standard',
    dose: 'standard',
    vendor: 'siemens',
    transferSyntaxUID: '1.2.840.10008.1.2.1',
    characterSet: 'ISO_IR 192',
  },
};

/** A second study that arrives while the worklist is open (live update). */
const laterSpec: StudySpec = {
  ...spec,
  name: 'web-e2e-later',
  seed: 4343,
  patient: { name: 'Li^Si=李^四', id: 'WEB-E2E-2', sex: 'F', birthDate: '19700101', anatomySeed: 4343 },
};

/** An earlier CT of the same patient (prior comparison in the viewer). */
const priorSpec: StudySpec = { ...spec, name: 'web-e2e-prior', seed: 4244, studyDate: '20230101' };

/** A study whose AI findings the reader edits and completes before an English report. */
const readingSpec: StudySpec = {
  ...spec,
  name: 'web-e2e-reading',
  seed: 4545,
  patient: { name: 'Zhao^Liu=赵^六', id: 'WEB-E2E-3', sex: 'F', birthDate: '19650101', anatomySeed: 4545 },
};

/** The few DOM types the page callbacks use (the root tsconfig has no DOM lib; these run in the browser). */
interface PageCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
interface PageElement {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}
declare const document: {
  querySelector(selector: string): (PageCanvas & PageElement) | null;
  querySelectorAll(selector: string): { length: number };
};
declare function requestAnimationFrame(cb: (t: number) => void): number;

/** Counts pixels of the viewport's canvas brighter than near-black. */
async function brightPixels(page: Page, pane = 'viewport'): Promise<number> {
  return page.evaluate((pane) => {
    const canvas = document.querySelector(`[data-testid="${pane}"] canvas`);
    if (!canvas || canvas.width === 0) return 0;
    const ctx = canvas.getContext('2d');
    if (!ctx) return -1;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) > 60) n++;
    return n;
  }, pane);
}

describe.skipIf(!hasChromium)('web app in headless chromium', () => {
  let harness: WebHarness;
  let server: RunningServer;
  let browser: Browser;
  const study = studyUid(spec, 'study');

  beforeAll(async () => {
    harness = await openWebHarness('lingshu-web-e2e-', async (s) => {
      await s.ctx.platform.auth.createUser({ username: 'dr.e2e', role: 'radiologist', password: PASSWORD });
      for await (const g of generateSeries(spec)) await s.archive.store({ bytes: g.bytes });
    });
    ({ server, browser } = harness);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('logs in, lists the study, shows its images, switches to English', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.httpUrl}/`);

    // Not signed in: the login form, in Chinese; a wrong password shows the error in Chinese.
    await page.waitForURL(/\/login$/);
    await page.fill('input[name="username"]', 'dr.e2e');
    await page.fill('input[name="password"]', 'wrong-password-1');
    await page.click('button[type="submit"]');
    const err = page.getByTestId('login-error');
    await err.waitFor();
    expect(await err.getAttribute('data-code')).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await err.textContent()).toContain('用户名或密码错误');

    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/worklist$/);
    expect(await page.getByTestId('current-user').textContent()).toContain('dr.e2e');

    // The worklist shows the study with the ideographic name group.
    const row = page.locator(`[data-testid="worklist-row"][data-study-uid="${study}"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('王五');
    expect(text).toContain('WEB-E2E-1');
    expect(text).toContain('CT');

    // Live update: a study stored now appears without reloading the page (SSE study-arrived).
    for await (const g of generateSeries(laterSpec))
      notifyStored(server.ctx, await server.archive.store({ bytes: g.bytes }), 'import');
    const later = page.locator(`[data-testid="worklist-row"][data-study-uid="${studyUid(laterSpec, 'study')}"]`);
    await later.waitFor({ timeout: 15_000 });
    expect(await later.textContent()).toContain('李四');
    expect(await page.getByTestId('worklist-row').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'web-worklist.png') });

    // The same patient's earlier CT, for the prior comparison below.
    for await (const g of generateSeries(priorSpec)) await server.archive.store({ bytes: g.bytes });

    // Requests for the viewer's images: single frames, and whole-series retrieves.
    const imageRequests = { frames: 0, series: 0 };
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.includes('/frames/')) imageRequests.frames++;
      else if (/^\/dicomweb\/studies\/[^/]+\/series\/[^/]+$/.test(path)) imageRequests.series++;
    });
    // Keyboard: select the first study's row, Enter opens it.
    await row.click();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/viewer/${study.replace(/\./g, '\\.')}$`));
    await page.locator('[data-testid="viewport"][data-status="ready"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () => {
        const c = document.querySelector('[data-testid="viewport"] canvas');
        return !!c && c.width > 0;
      },
      undefined,
      { timeout: 20_000 },
    );
    let bright = 0;
    for (let i = 0; i < 40 && bright < 500; i++) {
      bright = await brightPixels(page);
      if (bright < 500) await page.waitForTimeout(250);
    }
    expect(bright, 'non-blank pixels in the viewport canvas').toBeGreaterThan(500);
    expect(await page.getByTestId('series-thumb').count()).toBeGreaterThan(0);
    // The whole stack loads in the background (seriesLoad.ts): every image of the series.
    const viewport = page.getByTestId('viewport');
    await expect
      .poll(async () => `${await viewport.getAttribute('data-loaded')}/${await viewport.getAttribute('data-total')}`, {
        timeout: 20_000,
      })
      .toBe('7/7');
    expect(await viewport.getAttribute('data-failed')).toBe('0');
    // ... from one series retrieve (read by a worker): at most the first image was asked for as
    // a frame (none when the retrieve delivered it before the viewport asked).
    expect(imageRequests.series, 'series retrieves for a 7-image stack').toBe(1);
    expect(imageRequests.frames, 'frame requests for a 7-image stack').toBeLessThanOrEqual(1);
    // Thumbnails are asked for once the first image is on screen.
    await expect
      .poll(() => page.getByTestId('series-thumb').locator('img[src*="/thumbnail"]').count())
      .toBeGreaterThan(0);

    // Key 2: mediastinum window (W350/L40) shows in the overlay.
    await page.keyboard.press('2');
    await expect.poll(() => page.locator('.overlay.tl').textContent()).toContain('窗宽 350 / 窗位 40');
    await page.keyboard.press('1');
    await expect.poll(() => page.locator('.overlay.tl').textContent()).toContain('窗宽 1500 / 窗位 -600');

    // E: ellipse ROI; dragging one on the image shows its statistics in HU.
    await page.keyboard.press('e');
    const box = await page.getByTestId('viewport').boundingBox();
    if (!box) throw new Error('no viewport box');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx - 60, cy - 40);
    await page.mouse.down();
    await page.mouse.move(cx, cy, { steps: 5 });
    await page.mouse.move(cx + 60, cy + 40, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(() =>
        page.locator('[data-testid="viewport"] svg').evaluateAll((els) => els.map((e) => e.textContent).join(' ')),
      )
      .toMatch(/HU/);
    await page.screenshot({ path: join(ARTIFACTS, 'web-viewer.png') });

    // '?' opens the shortcut help; the language switch turns the UI English.
    await page.keyboard.press('?');
    await page.getByTestId('help-panel').waitFor();
    expect(await page.getByTestId('help-panel').textContent()).toContain('快捷键');
    await page.getByTestId('lang-switch').click();
    expect(await page.getByTestId('help-panel').textContent()).toContain('Keyboard shortcuts');
    expect(await page.getByTestId('logout').textContent()).toBe('Log out');
    expect(await page.locator('.overlay.tl').textContent()).toContain('W 1500 / L -600');
    await page.screenshot({ path: join(ARTIFACTS, 'web-viewer-en.png') });

    // M: MPR (axial, sagittal, coronal planes of the CT volume), each plane shows the image.
    await page.keyboard.press('Escape');
    await page.keyboard.press('m');
    await page.locator('[data-testid="mpr"][data-status="ready"]').waitFor({ timeout: 30_000 });
    for (const pane of ['mpr-axial', 'mpr-sagittal', 'mpr-coronal']) {
      await expect.poll(() => brightPixels(page, pane), { timeout: 15_000 }).toBeGreaterThan(200);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'web-viewer-mpr.png') });

    // Prior side by side; scrolling the current study moves the prior along.
    await page.keyboard.press('m');
    await page.locator('[data-testid="viewport"][data-status="ready"]').waitFor();
    await page.getByTestId('prior-select').selectOption(studyUid(priorSpec, 'study'));
    await page.click('.brand');
    await page.locator('[data-testid="viewport"][data-status="ready"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => brightPixels(page, 'prior-viewport'), { timeout: 15_000 }).toBeGreaterThan(500);
    expect(await brightPixels(page)).toBeGreaterThan(500);
    const before = Number(await page.getByTestId('prior-viewport').getAttribute('data-index'));
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(async () => Number(await page.getByTestId('prior-viewport').getAttribute('data-index')))
      .toBe(before + 1);
    await page.screenshot({ path: join(ARTIFACTS, 'web-viewer-prior.png') });

    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
  it('reviews the AI nodule, writes, signs and downloads the report', async () => {
    // A chest CT AI result (realistic AnalysisResult JSON from worklist/testing.ts, not produced by
    // the analyzer) with nodule-1 9.2 × 7.4 mm, in triage mode so the reader sees it.
    await seedAiResult(server.archive, study, chestCtResult(study));
    await server.ctx.platform.oversight.setAutonomy(
      { analyzerId: 'lingshu-chest-ct', institutionCode: null, mode: 'triage' },
      SYSTEM_PRINCIPAL,
    );
    const { page, errors } = await signedInPage(browser, server.httpUrl, 'dr.e2e', PASSWORD, {
      width: 1920,
      height: 1080,
    });
    await page.goto(`${server.httpUrl}/viewer/${study}`);

    // AI panel: accept the 9.2 mm nodule.
    const nodule = page.getByTestId('ai-panel').locator('li', { hasText: '9.2 mm' });
    await nodule.waitFor({ timeout: 20_000 });
    await nodule.getByRole('button', { name: '接受' }).click();
    await expect.poll(() => nodule.textContent()).toContain('已审核');

    // Report tab: create the draft (prefilled from the accepted nodule), edit, autosave.
    await page.getByRole('tab', { name: '报告' }).click();
    await page.getByRole('button', { name: '生成报告' }).click();
    const findings = page.getByTestId('report-findings');
    await findings.waitFor();
    const findingsText = await findings.inputValue();
    expect(findingsText).toContain('结节');
    const size = /\d+(?:\.\d+)?\s*×\s*\d+(?:\.\d+)?\s*mm/.exec(findingsText)?.[0];
    expect(size, `a nodule size in: ${findingsText}`).toBeTruthy();
    const impression = page.getByTestId('report-impression');
    await impression.fill(`${await impression.inputValue()} 建议 3 个月后复查胸部 CT（e2e）。`);
    await expect.poll(() => page.getByTestId('report-status').textContent(), { timeout: 10_000 }).toContain('已保存');
    await page.getByRole('button', { name: '质控检查' }).click();
    await page.getByTestId('qc-issues').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'web-report.png') });

    // Sign with the password (re-authentication); a QC block asks for the override reason.
    await page.getByRole('button', { name: '签署', exact: true }).click();
    await page.getByTestId('sign-password').fill(PASSWORD);
    await page.getByTestId('sign-confirm').click();
    const status = page.getByTestId('report-status');
    await page.locator('[data-testid="sign-override"], [data-testid="report-pdf"]').first().waitFor();
    if ((await page.getByTestId('sign-override').count()) > 0) {
      await page.getByTestId('sign-override').fill('e2e: reviewed by the reader');
      await page.getByTestId('sign-confirm').click();
    }
    await expect.poll(() => status.textContent()).toContain('已签署');
    expect(await impression.getAttribute('readonly')).not.toBeNull();
    await page.getByTestId('report-addendum').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'web-report-signed.png') });

    // The PDF (same session cookie) holds the section titles and the nodule size as the report shows it.
    const href = await page.getByTestId('report-pdf').getAttribute('href');
    expect(href).toBe(`/api/studies/${encodeURIComponent(study)}/report/pdf`);
    const res = await page.request.get(`${server.httpUrl}${href}`);
    expect(res.status()).toBe(200);
    const pdf = await res.body();
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (existsSync('/usr/bin/pdftotext')) {
      const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
      const squash = (s: string) => s.replace(/\s+/g, '');
      expect(text).toContain('影像所见');
      expect(squash(text)).toContain(squash(size ?? '?'));
    } else console.warn('SKIPPED PDF text check: no pdftotext (apt-get install poppler-utils)');

    // Back to the worklist: the study shows as signed.
    await page.getByRole('button', { name: '返回工作列表' }).click();
    await page.waitForURL(/\/worklist$/);
    const row = page.locator(`[data-testid="worklist-row"][data-study-uid="${study}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('已签署');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('edits a nodule and adds a missed one in the AI panel; the English report has both; QC flags an empty impression', async () => {
    const uid = studyUid(readingSpec, 'study');
    for await (const g of generateSeries(readingSpec)) await server.archive.store({ bytes: g.bytes });
    await seedAiResult(server.archive, uid, chestCtResult(uid));
    await server.ctx.platform.oversight.setAutonomy(
      { analyzerId: 'lingshu-chest-ct', institutionCode: null, mode: 'triage' },
      SYSTEM_PRINCIPAL,
    );
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Signed in through the API (the form is tested above): the session cookie is the page's.
    const login = await page.request.post(`${server.httpUrl}/api/auth/login`, {
      data: { username: 'dr.e2e', password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    await page.goto(`${server.httpUrl}/viewer/${uid}`);
    const panel = page.getByTestId('ai-panel');

    // Keyboard: select nodule-1 (9.2 mm) and accept it with Y; select the emphysema and reject it
    // with N, giving a preset reason in the inline form.
    const nodule1 = panel.locator('li', { hasText: '9.2 mm' });
    await nodule1.waitFor({ timeout: 20_000 });
    await nodule1.locator('button.link').click();
    await page.keyboard.press('y');
    await expect.poll(() => nodule1.textContent(), { timeout: 15_000 }).toContain('已审核：接受');
    const emphysema = panel.locator('li', { hasText: '肺气肿' });
    await emphysema.locator('button.link').click();
    await page.keyboard.press('n');
    await emphysema.getByTestId('reject-preset').selectOption('artefact');
    await emphysema.getByTestId('reject-save').click();
    await expect.poll(() => emphysema.textContent(), { timeout: 15_000 }).toContain('已审核：拒绝 · 伪影');

    // Edit nodule-2 (AI: ground-glass 7.0 × 5.0 mm): 10.5 × 8 mm, part-solid.
    const nodule2 = panel.locator('li', { hasText: '7.0 mm' });
    await nodule2.getByRole('button', { name: '修改' }).click();
    const form = nodule2.getByTestId('finding-edit-form');
    await form.getByTestId('finding-long').fill('10.5');
    await form.getByTestId('finding-short').fill('8');
    await form.getByTestId('finding-kind').selectOption('part-solid');
    await panel.screenshot({ path: join(ARTIFACTS, 'web-ai-edit.png') });
    await form.getByTestId('finding-save').click();
    const edited = nodule2.getByTestId('ai-edited');
    await expect
      .poll(() => edited.textContent(), { timeout: 15_000 })
      .toBe('已修改：10.5×8.0 mm · 部分实性结节 · 左肺下叶');

    // Add the nodule the AI missed: solid, right middle lobe, 6 × 5 mm.
    await panel.getByTestId('ai-add').click();
    const add = panel.getByTestId('finding-add-form');
    await add.getByTestId('finding-lobe').selectOption('RML');
    await add.getByTestId('finding-long').fill('6');
    await add.getByTestId('finding-short').fill('5');
    await add.getByTestId('finding-note').fill('e2e: missed by AI');
    await add.getByTestId('finding-save').click();
    const added = panel.getByTestId('ai-added');
    await expect.poll(() => added.textContent(), { timeout: 15_000 }).toContain('6.0×5.0 mm · 实性结节 · 右肺中叶');
    // One more, added by mistake and withdrawn: it must not come back on reload nor reach the report.
    await panel.getByTestId('ai-add').click();
    const mistake = panel.getByTestId('finding-add-form');
    await mistake.getByTestId('finding-lobe').selectOption('LUL');
    await mistake.getByTestId('finding-long').fill('14');
    await mistake.getByTestId('finding-save').click();
    await expect.poll(() => added.count(), { timeout: 15_000 }).toBe(2);
    await added.filter({ hasText: '左肺上叶' }).getByTestId('ai-withdraw').click();
    await expect.poll(() => added.count(), { timeout: 15_000 }).toBe(1);

    // Correct the infection's extent and CT severity score (AI: 18 %, 9/25).
    const infection = panel.locator('li', { hasText: '肺部感染' });
    await infection.getByRole('button', { name: '修改' }).click();
    const quantities = infection.getByTestId('quantity-edit-form');
    await quantities.getByTestId('quantity-infectionPercent').fill('120');
    expect(await quantities.getByTestId('quantity-save').isDisabled()).toBe(true);
    await quantities.getByTestId('quantity-infectionPercent').fill('20');
    await quantities.getByTestId('quantity-ctSeverityScore').fill('11');
    await quantities.getByTestId('quantity-save').click();
    await expect
      .poll(() => infection.getByTestId('ai-edited').textContent(), { timeout: 15_000 })
      .toBe('已修改：感染范围 20% · CT严重度评分 11/25');

    // A reload shows the same decisions: they come from the server, not from the page's memory.
    await page.reload();
    await edited.waitFor({ timeout: 30_000 });
    expect(await edited.textContent()).toContain('10.5×8.0 mm');
    expect(await nodule1.textContent()).toContain('已审核：接受');
    expect(await added.count()).toBe(1);
    expect(await added.textContent()).toContain('医师添加 · e2e: missed by AI');

    // English UI: the report is created in English, with the edited and the added nodule.
    await page.getByTestId('lang-switch').click();
    await page.getByRole('tab', { name: 'Report' }).click();
    await page.getByRole('button', { name: 'Create report' }).click();
    const findings = page.getByTestId('report-findings');
    await findings.waitFor();
    const reportPanel = page.getByTestId('report-panel');
    for (const heading of ['Technique', 'Findings', 'Impression', 'Recommendation'])
      expect(await reportPanel.textContent()).toContain(heading);
    const findingsText = (await findings.inputValue()).replace(/\s+/g, ' ');
    expect(findingsText).toContain('Part-solid nodule, left lower lobe, 10.5 × 8.0 mm');
    expect(findingsText).not.toContain('7.0 × 5.0');
    expect(findingsText).toContain('Solid nodule, right middle lobe, 6.0 × 5.0 mm');
    expect(findingsText).not.toContain('left upper lobe'); // the withdrawn one
    expect(findingsText).toContain('right upper lobe, 9.2 × 7.4 mm');
    expect(findingsText).not.toMatch(/emphysema/i);
    expect(findingsText).toContain('20% of the lungs, CT severity score 11/25');

    // QC: an empty impression blocks the signature with its reason; filling it in again clears it.
    const impression = page.getByTestId('report-impression');
    const impressionText = await impression.inputValue();
    expect(impressionText).toContain('10.5 × 8.0 mm');
    await impression.fill('');
    await expect.poll(() => page.getByTestId('report-status').textContent(), { timeout: 15_000 }).toContain('Saved');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await page.getByTestId('sign-password').fill(PASSWORD);
    await page.getByTestId('sign-confirm').click();
    await page.getByTestId('sign-override').waitFor();
    const issues = page.getByTestId('qc-issues');
    await expect
      .poll(() => issues.textContent(), { timeout: 15_000 })
      .toContain('Blocks signing: The Impression section is empty');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await impression.fill(impressionText);
    await page.getByRole('button', { name: 'QC', exact: true }).click();
    await expect.poll(() => issues.textContent(), { timeout: 15_000 }).not.toContain('Impression section is empty');
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    await page.getByTestId('sign-password').fill(PASSWORD);
    if ((await issues.textContent())?.includes('Blocks signing'))
      await page.getByTestId('sign-override').fill('e2e: reviewed by the reader');
    await page.getByTestId('sign-confirm').click();
    await page.getByTestId('report-pdf').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('report-status').textContent()).toContain('Signed');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
  it('lists 5 000 studies virtualised: few rows in the page, smooth scrolling, AI badges first', async () => {
    // Index rows seeded by SQL (as worklist/worklistScale.int.test.ts does); every 5th study has a
    // chest CT AI result (realistic AnalysisResult JSON, not produced by the analyzer) in triage mode.
    const exec = (text: string, values: unknown[] = []) => server.archive.index.executeSql(text, values);
    // The studies the earlier tests stored (four when the whole file runs) are listed too.
    const stored = (await exec('SELECT count(*)::int AS n FROM studies')) as { rows: Array<{ n: number }> };
    const total = (stored.rows[0]?.n ?? 0) + 5000;
    await exec(`INSERT INTO patients (patient_key, patient_id, name_alphabetic, name_ideographic, name_phonetic, birth_date, sex)
      SELECT 'k' || g, 'PID' || g, 'Name' || g || '^Given', '名' || g, '', '19700101', CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END
        FROM generate_series(1, 5000) g`);
    await exec(`INSERT INTO studies (study_uid, patient_pk, study_date, study_time, accession_number, description, modalities,
        num_series, num_instances, created_at)
      SELECT '1.2.826.0.1.77.' || g, p.pk, to_char(date '2026-01-01' + (g % 300), 'YYYYMMDD'), '120000', 'ACC' || g,
        'Study ' || g, CASE WHEN g % 5 = 0 THEN ARRAY['MR'] ELSE ARRAY['CT'] END, 1, 1,
        timestamptz '2026-11-01T00:00:00Z' + g * interval '1 minute'
        FROM generate_series(1, 5000) g JOIN patients p ON p.patient_key = 'k' || g`);
    const template = JSON.stringify(chestCtResult('1.2.826.0.1.77.0', { lungRads: '@CAT@' }));
    await exec(
      `INSERT INTO ai_results (study_uid, study_pk, institution_pk, analyzer_id, analyzer_version, input_key, status,
         result, findings, started_at, finished_at, worker)
       SELECT st.study_uid, st.pk, st.institution_pk, 'lingshu-chest-ct', '1.0.0', 'k', 'ok',
         replace($1, '@CAT@', ($2::text[])[1 + ((st.pk / 5) % 5)::int])::jsonb, 4, now(), now(), 'test'
         FROM studies st WHERE st.pk % 5 = 1 AND st.study_uid LIKE '1.2.826.0.1.77.%'`,
      [template, ['2', '3', '4A', '4B', '4X']],
    );
    await server.ctx.platform.oversight.setAutonomy(
      { analyzerId: 'lingshu-chest-ct', institutionCode: null, mode: 'triage' },
      SYSTEM_PRINCIPAL,
    );

    const { page } = await signedInPage(browser, server.httpUrl, 'dr.e2e', PASSWORD, { width: 1920, height: 1080 });
    await expect
      .poll(() => page.getByTestId('worklist-count').textContent(), { timeout: 30_000 })
      .toContain(String(total));
    expect(await page.getByTestId('worklist-row').count()).toBeLessThan(80);
    // Sorted by AI priority: the first row carries a badge.
    const firstBadge = page.getByTestId('worklist-row').first().getByTestId('ai-badge');
    expect(await firstBadge.count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'web-worklist-5000.png') });
    const topUid = await page.getByTestId('worklist-row').first().getAttribute('data-study-uid');

    // Scroll top → bottom over 120 animation frames; record frame intervals.
    const frames = await page.evaluate(
      () =>
        new Promise<number[]>((done) => {
          const body = document.querySelector('[data-testid="worklist-body"]');
          if (!body) return done([]);
          const gaps: number[] = [];
          let last = 0;
          let i = 0;
          const step = (t: number) => {
            if (last) gaps.push(t - last);
            last = t;
            body.scrollTop = ((body.scrollHeight - body.clientHeight) * i) / 120;
            if (i++ < 120) requestAnimationFrame(step);
            else done(gaps);
          };
          requestAnimationFrame(step);
        }),
    );
    frames.sort((a, b) => a - b);
    const p50 = frames[Math.floor(frames.length / 2)] ?? 0;
    const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
    console.log(`worklist 5 000 rows: scroll frame interval p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    expect(frames.length).toBe(120);
    // At the bottom the last rows are rendered, still only a window of them.
    await expect.poll(() => page.locator('[data-testid="worklist-row"]').last().textContent()).toMatch(/PID|WEB-E2E/);
    expect(await page.getByTestId('worklist-row').count()).toBeLessThan(80);
    expect(await page.locator(`[data-testid="worklist-row"][data-study-uid="${topUid}"]`).count()).toBe(0);
    await page.close();
  }, 60_000);
});
