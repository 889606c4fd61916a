import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Archive } from '@lingshu/archive';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_PRINCIPAL } from '../auth/principal.js';
import { dropSchemaStatements, testSchema } from '../testing/instances.js';
import { streamAudit } from './query.js';
import { auditDb } from './table.js';
import { AuditTrail } from './trail.js';
import { verifyChain } from './verify.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: audit trail on PostgreSQL needs DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];
const schemas: string[] = [];
const silent = pino({ level: 'silent' });

afterAll(async () => {
  if (!databaseUrl || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  for (const s of schemas) for (const sql of dropSchemaStatements(s)) await c.query(sql);
  await c.end();
});

describe.each(backends)('audit trail on $name', ({ name }) => {
  let dir: string;
  let archive: Archive;
  let trail: AuditTrail;
  let schema: string | undefined;

  // One archive per backend (PGlite start-up is the slow part); each test starts from an empty trail.
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lingshu-audit-'));
    schema = name === 'PostgreSQL' ? testSchema() : undefined;
    if (schema) schemas.push(schema);
    archive = await Archive.open({ dataDir: dir, ...(schema && databaseUrl ? { databaseUrl, schema } : {}) });
  });
  afterAll(async () => {
    await archive.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    trail = await AuditTrail.open(archive, silent);
    // What a superuser can do: the chain, not the trigger, is what detects it.
    await archive.index.executeSql('ALTER TABLE audit_log DISABLE TRIGGER ALL');
    await archive.index.executeSql('DELETE FROM audit_log');
    await archive.index.executeSql('ALTER TABLE audit_log ENABLE TRIGGER ALL');
  });
  afterEach(async () => {
    await trail.close();
  });

  async function recordMany(n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        trail.record({
          action: i % 3 === 0 ? 'query' : 'read',
          outcome: i % 7 === 0 ? 'failure' : 'success',
          principal: SYSTEM_PRINCIPAL,
          address: '127.0.0.1',
          resource: { type: 'study', studyUids: [`1.2.3.${i}`], patientId: `P${i % 5}` },
          via: 'GET /dicomweb/studies/:study',
          detail: { i, ok: true },
        }),
      ),
    );
  }

  it('chains 500 events from concurrent callers in few transactions and verifies them', async () => {
    const before = trail.writes;
    await recordMany(500);
    // Group commit: events queued while a write is in flight share the next INSERT.
    expect(trail.writes - before).toBeLessThan(20);
    const result = await verifyChain(auditDb(archive));
    expect(result).toMatchObject({ ok: true, events: 500, headSeq: 500 });
    const rows = [];
    for await (const row of streamAudit(auditDb(archive), { patient: 'P2' })) rows.push(row);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toMatchObject({
      role: 'admin',
      actorKind: 'system',
      eventAction: 'R',
      studyUids: ['1.2.3.2'],
      detail: { i: 2, ok: true },
    });
    expect(rows.every((r) => r.eventCode === 'DCM 110103' || r.eventCode === 'DCM 110112')).toBe(true);
  });

  it('lets lingering events share one INSERT, and writes them at once on flush or an urgent event', async () => {
    const event = (i: number) => ({
      action: 'write' as const,
      outcome: 'success' as const,
      principal: SYSTEM_PRINCIPAL,
      via: 'POST /dicomweb/studies',
      detail: { i },
    });
    const before = trail.writes;
    let committed = 0;
    const lingering = Array.from({ length: 5 }, (_, i) =>
      trail.record(event(i), { linger: true }).then(() => committed++),
    );
    // Spread over a few event-loop turns, as after-response hooks of separate requests are.
    for (let i = 5; i < 8; i++) {
      await new Promise((r) => setImmediate(r));
      lingering.push(trail.record(event(i), { linger: true }).then(() => committed++));
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(committed).toBe(0);
    await trail.flush();
    await Promise.all(lingering);
    expect(committed).toBe(8);
    expect(trail.writes - before).toBe(1);

    // Without a flush the linger ends by itself; an event recorded without linger takes the waiting ones along.
    const late = trail.record(event(8), { linger: true });
    await late;
    expect(trail.writes - before).toBe(2);
    const waiting = trail.record(event(9), { linger: true });
    await trail.record(event(10));
    await waiting;
    expect(trail.writes - before).toBe(3);
    expect(await verifyChain(auditDb(archive))).toMatchObject({ ok: true, events: 11, headSeq: 11 });
  });

  it('refuses UPDATE and DELETE through the append-only trigger', async () => {
    await recordMany(3);
    await expect(archive.index.executeSql("UPDATE audit_log SET action = 'login' WHERE seq = 2")).rejects.toThrow(
      /append-only/,
    );
    await expect(archive.index.executeSql('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
    expect(await verifyChain(auditDb(archive))).toMatchObject({ ok: true, events: 3 });
  });

  it('names the tampered row when a superuser bypasses the trigger', async () => {
    await recordMany(20);
    await archive.index.executeSql('ALTER TABLE audit_log DISABLE TRIGGER ALL');
    await archive.index.executeSql("UPDATE audit_log SET patient_id = 'OTHER' WHERE seq = 13");
    expect(await verifyChain(auditDb(archive))).toEqual({ ok: false, events: 12, seq: 13, reason: 'hash-mismatch' });
  });

  it('names the next row when a tampered row got a recomputed-looking hash', async () => {
    await recordMany(10);
    await archive.index.executeSql('ALTER TABLE audit_log DISABLE TRIGGER ALL');
    await archive.index.executeSql(`UPDATE audit_log SET hash = repeat('a', 64) WHERE seq = 4`);
    // Row 4's own hash no longer matches; were it recomputed, row 5's prev_hash would not.
    expect(await verifyChain(auditDb(archive))).toMatchObject({ ok: false, seq: 4, reason: 'hash-mismatch' });
    await archive.index.executeSql(`UPDATE audit_log SET prev_hash = repeat('b', 64) WHERE seq = 7`);
    await archive.index.executeSql(`DELETE FROM audit_log WHERE seq = 4`);
    expect(await verifyChain(auditDb(archive))).toMatchObject({ ok: false, seq: 4, reason: 'gap' });
  });

  it('reports a deleted row as a gap', async () => {
    await recordMany(30);
    await archive.index.executeSql('ALTER TABLE audit_log DISABLE TRIGGER ALL');
    await archive.index.executeSql('DELETE FROM audit_log WHERE seq = 17');
    await archive.index.executeSql('ALTER TABLE audit_log ENABLE TRIGGER ALL');
    expect(await verifyChain(auditDb(archive))).toEqual({ ok: false, events: 16, seq: 17, reason: 'gap' });
  });

  it('keeps appending after a reopen (the chain continues from the stored head)', async () => {
    await recordMany(5);
    await trail.close();
    trail = await AuditTrail.open(archive, silent);
    await recordMany(5);
    expect(await verifyChain(auditDb(archive))).toMatchObject({ ok: true, events: 10 });
  });

  it('a failed write resolves for the caller and logs only the failure kind (no PHI)', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const failing = await AuditTrail.open(archive, log);
    await archive.index.executeSql('ALTER TABLE audit_log RENAME TO audit_log_moved');
    try {
      await expect(
        failing.record({
          action: 'read',
          outcome: 'success',
          actorName: 'dr.li',
          resource: { type: 'patient', patientId: 'PHI-PATIENT-123' },
        }),
      ).resolves.toBeUndefined();
    } finally {
      await archive.index.executeSql('ALTER TABLE audit_log_moved RENAME TO audit_log');
    }
    await failing.close();
    const logged = lines.join('');
    expect(logged).toContain('audit events could not be recorded');
    expect(logged).toContain('"kind":"42P01"');
    expect(logged).not.toContain('PHI-PATIENT-123');
  });

  it('never throws into callers, even after close', async () => {
    await trail.close();
    await expect(trail.record({ action: 'read', outcome: 'success', actorName: 'x' })).resolves.toBeUndefined();
    expect(await verifyChain(auditDb(archive))).toMatchObject({ ok: true, events: 0 });
  });
});

describe.skipIf(!databaseUrl)('audit trail with several writer processes on PostgreSQL', () => {
  it('two processes appending at once build one intact chain', { timeout: 60_000 }, async () => {
    const url = databaseUrl ?? '';
    const schema = testSchema();
    schemas.push(schema);
    const dir = await mkdtemp(join(tmpdir(), 'lingshu-audit-mp-'));
    const archive = await Archive.open({ dataDir: join(dir, 'main'), databaseUrl: url, schema });
    const trail = await AuditTrail.open(archive, silent);
    await trail.close();
    const here = dirname(fileURLToPath(import.meta.url));
    const workers = ['w1', 'w2'].map((n) =>
      spawn(process.execPath, ['--import', 'tsx', join(here, 'appendWorker.ts'), url, schema, join(dir, n), '150', n], {
        cwd: here,
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const exited = workers.map((w) => new Promise<number | null>((resolve) => w.once('exit', resolve)));
    // Start both at once, after both have opened their pools (tsx start-up takes seconds here).
    await Promise.all(workers.map((w) => new Promise((resolve) => w.stdout?.once('data', resolve))));
    for (const w of workers) w.stdin?.write('go\n');
    expect(await Promise.all(exited)).toEqual([0, 0]);
    const result = await verifyChain(auditDb(archive));
    expect(result).toMatchObject({ ok: true, events: 300 });
    const names = new Set<string | null>();
    let switches = 0;
    let last: string | null = null;
    for await (const row of streamAudit(auditDb(archive), {})) {
      names.add(row.actorName);
      if (last !== null && row.actorName !== last) switches++;
      last = row.actorName;
    }
    expect([...names].sort()).toEqual(['w1', 'w2']);
    // The writers really overlapped: their events alternate along the chain.
    expect(switches).toBeGreaterThan(5);
    await archive.close();
    await rm(dir, { recursive: true, force: true });
  });
});
