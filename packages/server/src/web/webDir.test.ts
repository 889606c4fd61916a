import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../configLoad.js';
import { defaultWebDir } from './static.js';

describe('webDir setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lingshu-webdir-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is absent by default; the server then uses packages/web/dist', () => {
    expect(loadServerConfig({}, {}, dir).webDir).toBeUndefined();
    expect(defaultWebDir().replace(/\\/g, '/')).toMatch(/\/packages\/web\/dist$/);
  });
  it('LINGSHU_WEB_DIR is relative to the working directory', () => {
    expect(loadServerConfig({}, { LINGSHU_WEB_DIR: 'site' }, dir).webDir).toBe(join(dir, 'site'));
  });
  it('webDir in the config file is relative to the file', () => {
    const file = join(dir, 'conf', 'lingshu.json');
    rmSync(join(dir, 'conf'), { recursive: true, force: true });
    mkdirSync(join(dir, 'conf'), { recursive: true });
    writeFileSync(file, JSON.stringify({ webDir: 'web' }));
    expect(loadServerConfig({ config: file }, {}, dir).webDir).toBe(join(dir, 'conf', 'web'));
  });
  it('refuses an empty value with CONFIG_INVALID', () => {
    expect(() => loadServerConfig({}, { LINGSHU_WEB_DIR: ' ' }, dir)).toThrow(/LINGSHU_WEB_DIR/);
  });
});
