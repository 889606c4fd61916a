import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from './context.js';
import { translator } from './i18n.js';
import { main } from './main.js';

function context(env: NodeJS.ProcessEnv = {}): { ctx: CliContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ctx: CliContext = { env, cwd: '/tmp', stdout, stderr, lang: 'en', t: translator('en') };
  return { ctx, out: () => out, err: () => err };
}

describe('main (dispatch and usage errors)', () => {
  it('exits 2 with a message for an unknown command, a missing PATH, an unknown option and a bad value', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['import'], /Usage error: Give at least one PATH/],
      [['import', 'x', '--bogus'], /Usage error: .*--bogus/],
      [['import', 'x', '--on-duplicate', 'maybe'], /--on-duplicate must be reject or overwrite/],
      [['import', 'x', '--concurrency', '0'], /--concurrency must be a positive integer/],
      [['demo'], /--out DIR is required/],
      [['serve', '--http-port', '99999'], /Configuration error: --http-port: must be a port number/],
    ];
    for (const [argv, message] of cases) {
      const c = context();
      expect(await main(argv, c.ctx), argv.join(' ')).toBe(2);
      expect(c.err()).toMatch(message);
    }
  });

  it('rejects a bad environment (LINGSHU_HTTP_PORT, DATABASE_URL) as CONFIG_INVALID, exit 2', async () => {
    const port = context({ LINGSHU_HTTP_PORT: 'eighty' });
    expect(await main(['serve'], port.ctx)).toBe(2);
    expect(port.err()).toContain('LINGSHU_HTTP_PORT');
    const db = context({ DATABASE_URL: 'mysql://x/y' });
    expect(await main(['import', 'x'], db.ctx)).toBe(2);
    expect(db.err()).toContain('DATABASE_URL');
  });

  it('prints help in English or Chinese, per command, with exit 0', async () => {
    const en = context();
    expect(await main(['--help'], en.ctx)).toBe(0);
    expect(en.out()).toContain('Usage: lingshu <command>');
    const zh = context();
    expect(await main(['import', '--help', '--lang', 'zh-CN'], zh.ctx)).toBe(0);
    expect(zh.out()).toContain('用法: lingshu import');
    const serve = context();
    expect(await main(['serve', '-h'], serve.ctx)).toBe(0);
    expect(serve.out()).toContain('--http-port');
  });

  it('prints the usage and exits 2 when no command is given', async () => {
    const c = context();
    expect(await main([], c.ctx)).toBe(2);
    expect(c.out()).toContain('Commands:');
  });
});
