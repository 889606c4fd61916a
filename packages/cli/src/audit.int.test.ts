import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Archive } from '@lingshu/archive';
import { type AuditRow, AuditTrail, hashRecord } from '@lingshu/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from './context.js';
import { translator } from './i18n.js';
import { main } from './main.js';
import { runCli } from './testing/fixtures.js';

let tmp: string;
let data: string;

/** Opens the data directory's archive (PGlite: one process at a time) for `work`. */
async function withArchive(work: (archive: Archive, trail: AuditTrail) => Promise<void>): Promise<void> {
  const archive = await Archive.open({ dataDir: data });
  const trail = await AuditTrail.open(archive, pino({ level: 'silent' }));
  try {
    await work(archive, trail);
  } finally {
    await trail.close();
    await archive.close();
  }
}

/** The same command in this process (no tsx start-up): captured output, the real archive. */
async function runInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const ctx: CliContext = {
    env: { LANG: 'en_US.UTF-8' },
    cwd: tmp,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    lang: 'en',
    t: translator('en'),
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}

function lines(text: string): AuditRow[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as AuditRow);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-audit-'));
  data = join(tmp, 'data');
  await withArchive(async (_archive, trail) => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        trail.record({
          action: i % 2 === 0 ? 'read' : 'query',
          outcome: 'success',
          actorName: i < 10 ? 'dr.wang' : 'dr.li',
          address: '10.0.0.5',
          resource: { type: 'study', studyUids: [`1.2.840.9.${i}`], patientId: i % 4 === 0 ? 'P-4' : 'P-other' },
          via: 'GET /dicomweb/studies/:study/metadata',
        }),
      ),
    );
  });
}, 30_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lingshu audit', () => {
  it('verify: exit 0 on an intact chain; export: JSON lines that re-hash to their stored hashes', async () => {
    const ok = await runCli(['audit', 'verify', '--data', data, '--lang', 'en']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^20 events, chain intact \(head #20 [0-9a-f]{64}\)/);

    const out = join(tmp, 'p4.jsonl');
    const exported = await runInProcess(['audit', 'export', '--data', data, '--patient', 'P-4', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain(`Exported 5 audit events to ${out}`);
    const rows = lines(readFileSync(out, 'utf8'));
    expect(rows.map((r) => r.seq)).toEqual(rows.map((r) => r.seq).sort((a, b) => a - b));
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.patientId).toBe('P-4');
      expect(row.eventCode).toBe('DCM 110103');
      expect(hashRecord(row)).toBe(row.hash);
    }

    // stdout export with a user filter; the earlier export was itself audited (Audit Log Used).
    const all = await runInProcess(['audit', 'export', '--data', data, '--user', 'dr.li']);
    expect(all.code, all.stderr).toBe(0);
    expect(lines(all.stdout).map((r) => r.actorName)).toEqual(Array(10).fill('dr.li'));
    await withArchive(async (archive) => {
      const used = await archive.index.executeSql(
        "SELECT event_code, event_action, via FROM audit_log WHERE resource_id = 'audit-log' ORDER BY seq",
      );
      expect(used.rows).toEqual([
        { event_code: 'DCM 110101', event_action: 'R', via: 'lingshu audit export' },
        { event_code: 'DCM 110101', event_action: 'R', via: 'lingshu audit export' },
      ]);
    });
  }, 60_000);

  it('verify: exit 1 naming the tampered event (zh-CN and en); bad filters are usage errors', async () => {
    await withArchive(async (archive) => {
      await archive.index.executeSql('ALTER TABLE audit_log DISABLE TRIGGER ALL');
      await archive.index.executeSql("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 7");
    });
    const zh = await runCli(['audit', 'verify', '--data', data, '--lang', 'zh-CN']);
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('审计链在第 7 条记录处断开：哈希不符');
    const en = await runInProcess(['audit', 'verify', '--data', data]);
    expect(en.code).toBe(1);
    expect(en.stderr).toContain('audit chain broken at event 7: hash mismatch');

    const bad = await runInProcess(['audit', 'export', '--data', data, '--from', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from');
  }, 60_000);
});
