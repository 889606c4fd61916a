/** DIMSE audit events with dcmtk as the peer: one per C-STORE association and study, C-FIND, C-GET. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uidFromName } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DimseFixture, hasDcmtk, openDimseFixture, run } from '../dimse/testing.js';
import { testInstance } from '../testing/instances.js';
import type { AuditRow } from './chain.js';
import { queryAudit } from './query.js';
import { auditDb } from './table.js';
import { verifyChain } from './verify.js';

describe.skipIf(!hasDcmtk)('DIMSE audit events (dcmtk peers)', () => {
  let fx: DimseFixture;
  let work: string;
  const studyA = uidFromName('st:dimse-audit-a');
  const studyB = uidFromName('st:dimse-audit-b');

  beforeAll(async () => {
    fx = await openDimseFixture();
    work = await mkdtemp(join(tmpdir(), 'lingshu-dimse-audit-'));
  }, 60_000);
  afterAll(async () => {
    await fx?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const port = (): string => String(fx.listener.port);

  /** Events with this `via` once the association's events are written (they follow its end). */
  async function eventsVia(via: string, atLeast: number): Promise<AuditRow[]> {
    for (let i = 0; i < 100; i++) {
      await fx.ctx.platform.audit.flush();
      const rows = (await queryAudit(auditDb(fx.ctx.archive), { order: 'asc', limit: 100 })).filter(
        (r) => r.via === via,
      );
      if (rows.length >= atLeast) return rows;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`fewer than ${atLeast} ${via} events`);
  }

  it('C-STORE: one event per study per association, with counts, not one per instance', async () => {
    const paths: string[] = [];
    const specs = [
      ...[1, 2, 3].map((i) => ({ study: 'dimse-audit-a', series: 'a1', instance: `da-${i}`, patientId: 'P-DA' })),
      ...[1, 2].map((i) => ({ study: 'dimse-audit-b', series: 'b1', instance: `db-${i}`, patientId: 'P-DB' })),
    ];
    for (const [i, spec] of specs.entries()) {
      const path = join(work, `i${i}.dcm`);
      await writeFile(path, testInstance({ ...spec, instanceNumber: i + 1 }));
      paths.push(path);
    }
    const r = await run('storescu', ['-aet', 'STORESCU', '-aec', 'LINGSHU', '127.0.0.1', port(), ...paths]);
    expect(r.code, r.stderr).toBe(0);
    const events = await eventsVia('C-STORE', 2);
    expect(events).toHaveLength(2);
    const byStudy = new Map(events.map((e) => [e.studyUids?.[0], e]));
    const common = {
      action: 'write',
      outcome: 'success',
      actorKind: 'dimse',
      actorName: 'STORESCU',
      address: '127.0.0.1',
      eventCode: 'DCM 110104',
      eventAction: 'C',
    };
    expect(byStudy.get(studyA)).toMatchObject({ ...common, detail: { stored: 3, failed: 0 } });
    expect(byStudy.get(studyB)).toMatchObject({ ...common, detail: { stored: 2, failed: 0 } });
    expect(byStudy.get(studyA)?.institutionPk).not.toBeNull();
  }, 60_000);

  it('C-FIND and C-GET: one query and one read event naming the studies', async () => {
    const find = await run('findscu', [
      '-aet',
      'FINDSCU',
      '-aec',
      'LINGSHU',
      '-S',
      '-k',
      '0008,0052=STUDY',
      '-k',
      '0010,0020=P-DA',
      '-k',
      '0020,000D',
      '127.0.0.1',
      port(),
    ]);
    expect(find.code, find.stderr).toBe(0);
    const [query] = await eventsVia('C-FIND', 1);
    expect(query).toMatchObject({
      action: 'query',
      actorName: 'FINDSCU',
      eventCode: 'DCM 110112',
      studyUids: [studyA],
      patientId: 'P-DA',
      detail: { level: 'STUDY', results: 1 },
    });

    const out = await mkdtemp(join(work, 'get-'));
    const get = await run('getscu', [
      '-aet',
      'GETSCU',
      '-aec',
      'LINGSHU',
      '-S',
      '-od',
      out,
      '-k',
      '0008,0052=STUDY',
      '-k',
      `0020,000D=${studyB}`,
      '127.0.0.1',
      port(),
    ]);
    expect(get.code, get.stderr).toBe(0);
    const [read] = await eventsVia('C-GET', 1);
    expect(read).toMatchObject({
      action: 'read',
      actorName: 'GETSCU',
      eventCode: 'DCM 110103',
      eventAction: 'R',
      studyUids: [studyB],
      detail: { instances: 2 },
    });
    expect(await verifyChain(auditDb(fx.ctx.archive))).toMatchObject({ ok: true });
  }, 60_000);
});
