import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { DEMO_PASSWORD, DEMO_USERS } from './demoUsers.js';

describe('demo accounts', () => {
  let dir: string;
  let server: RunningServer;
  let seeded = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-demo-users-'));
    server = await startServer(
      { ...DEFAULT_SERVER_CONFIG, dataDir: dir, httpPort: 0, dicomPort: null, demo: true },
      {
        log: pino({ level: 'silent' }),
        // The demo import itself is the CLI's; here it only has to run.
        seedDemo: async () => {
          seeded++;
        },
      },
    );
    await server.demoDone;
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are created with the demo data on a first start, one per role, with the documented password', async () => {
    expect(seeded).toBe(1);
    const users = await server.ctx.platform.auth.listUsers();
    expect(users.map((u) => [u.username, u.role, u.institution?.code ?? null]).sort()).toEqual(
      DEMO_USERS.map((u) => [u.username, u.role, u.institution]).sort(),
    );
    const res = await fetch(`${server.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dr.wang', password: DEMO_PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { role: string }).role).toBe('radiologist');
  });
});
