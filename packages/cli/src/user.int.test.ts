import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import { DEFAULT_SERVER_CONFIG, openContext } from '@lingshu/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type CliRun, REPO_ROOT } from './testing/fixtures.js';

const PASSWORD = 'Cli-Password-2026';

/** The real CLI with `input` on stdin (not a terminal). */
function run(args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', DATABASE_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('lingshu user / token', () => {
  let tmp: string;
  let data: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-user-'));
    data = join(tmp, 'data');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('never takes a password on the command line, and needs a terminal or --password-stdin', async () => {
    const flag = await run([
      'user',
      'add',
      '--username',
      'x',
      '--role',
      'admin',
      '--password',
      PASSWORD,
      '--data',
      data,
    ]);
    expect(flag.code).toBe(2);
    const noTty = await run(['user', 'add', '--username', 'x', '--role', 'admin', '--data', data]);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--password-stdin');
  }, 120_000);

  it('adds users (zh-CN and en), rejects weak passwords, creates a scoped token, disables and lists', async () => {
    const added = await run(
      ['user', 'add', '--username', 'Admin', '--role', 'admin', '--password-stdin', '--data', data],
      `${PASSWORD}\n`,
      { LANG: 'zh_CN.UTF-8' },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('已添加用户 admin');

    const weak = await run(
      ['user', 'add', '--username', 'dr.wang', '--role', 'radiologist', '--password-stdin', '--data', data],
      'short1A\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('AUTH_WEAK_PASSWORD');
    expect(weak.stderr).not.toContain('short1A');

    const token = await run([
      'token',
      'create',
      '--user',
      'admin',
      '--name',
      'pacs-sync',
      '--scope',
      'study:read,study:write',
      '--expires-days',
      '30',
      '--data',
      data,
    ]);
    expect(token.code, token.stderr).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^lsk_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).toContain('shown once');

    // What the CLI wrote is what the server uses: the password logs in, the token is scoped.
    const archive = await Archive.open({ dataDir: data, durable: false });
    try {
      const ctx = await openContext(archive, { ...DEFAULT_SERVER_CONFIG, dataDir: data }, pino({ level: 'silent' }));
      const auth = ctx.platform.auth;
      expect((await auth.login('admin', PASSWORD)).username).toBe('admin');
      const principal = await auth.resolveToken(secret);
      expect(principal?.name).toBe('admin/pacs-sync');
      expect([...(principal?.permissions ?? [])].sort()).toEqual(['study:read', 'study:write']);
      expect(await auth.findUser('dr.wang')).toBeUndefined();
      await ctx.platform.close();
    } finally {
      await archive.close();
    }

    const disabled = await run(['user', 'disable', 'admin', '--data', data]);
    expect(disabled.code, disabled.stderr).toBe(0);
    const list = await run(['user', 'list', '--data', data]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^admin\tadmin\t\*\tdisabled\t/m);
    // Six CLI processes, each loading the TypeScript sources and opening PGlite: slow on a shared machine.
  }, 300_000);
});
