/**
 * What the browser tests (e2e/web*.e2e.int.test.ts) share: the Debian chromium they drive, the
 * web build they serve (rebuilt when its sources are newer), a server on a temp folder and the
 * headless browser. Not a test file itself.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SERVER_CONFIG, type RunningServer, startServer } from '@lingshu/server';
import pino from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LINGSHU_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const ROOT = resolve(import.meta.dirname, '..');
export const WEB_DIST = join(ROOT, 'packages/web/dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Prints the visible skip message of a browser test file when chromium is missing. */
export function warnIfNoChromium(what: string): void {
  if (!hasChromium) console.warn(`SKIPPED ${what}: no chromium at ${CHROMIUM} (set LINGSHU_CHROMIUM)`);
}

/** True when the web build is missing or older than a file of the web app's sources. */
export function webBuildStale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built,
    );
  return newer(join(ROOT, 'packages/web/src')) || statSync(join(ROOT, 'packages/web/index.html')).mtimeMs > built;
}

/** Builds packages/web (vite) when its build is missing or stale; the build's own output goes to stderr. */
export function ensureWebBuild(): void {
  if (!webBuildStale()) return;
  process.stderr.write('  building packages/web (vite)…\n');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', 'packages/web'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * A quiet server for the browser tests and the viewer benchmark: PGlite under `dataDir`, an
 * ephemeral HTTP port, no DICOM port, no demo, no AI workers, serving the built web app.
 */
export function startWebServer(dataDir: string): Promise<RunningServer> {
  return startServer(
    { ...DEFAULT_SERVER_CONFIG, dataDir, httpPort: 0, dicomPort: null, demo: false, aiWorkers: 0, webDir: WEB_DIST },
    { log: pino({ level: 'silent' }) },
  );
}

/**
 * A new page at `viewport` that records uncaught page errors, signed in as `username` through the
 * login form (it lands on the worklist).
 */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  viewport: { width: number; height: number },
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/worklist$/);
  return { page, errors };
}

export interface WebHarness {
  dir: string;
  server: RunningServer;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Builds the web app if needed, starts a server (PGlite in a temp folder, no DICOM port, no demo,
 * no AI workers) serving it, lets `prepare` fill it, then launches headless chromium.
 */
export async function openWebHarness(
  prefix: string,
  prepare: (server: RunningServer) => Promise<void>,
): Promise<WebHarness> {
  ensureWebBuild();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startWebServer(join(dir, 'data'));
    await prepare(server);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
    return { dir, server, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}
