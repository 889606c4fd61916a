import { describe, expect, it } from 'vitest';
import { runCli } from './testing/fixtures.js';

describe('lingshu worker', () => {
  it('refuses to start without a shared PostgreSQL database (exit 2, names the setting)', async () => {
    const r = await runCli(['worker', '--lang', 'en'], { DATABASE_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL');
  }, 60_000);

  it('refuses a bad --concurrency', async () => {
    const r = await runCli(['worker', '--concurrency', '0', '--lang', 'en'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--concurrency');
  }, 60_000);
});
