import { describe, expect, it } from 'vitest';
import { atnaEventOf } from './atna.js';
import { canonicalRecord, GENESIS_HASH, hashRecord } from './chain.js';
import { prepareEvent } from './trail.js';
import type { AuditAction } from './types.js';

describe('ATNA mapping (PS3.15 A.5, PS3.16 CID 400/401)', () => {
  const cases: Array<[AuditAction, string, string | null, string]> = [
    ['login', 'DCM 110114', 'DCM 110122', 'E'],
    ['logout', 'DCM 110114', 'DCM 110123', 'E'],
    ['query', 'DCM 110112', null, 'E'],
    ['read', 'DCM 110103', null, 'R'],
    ['write', 'DCM 110104', null, 'C'],
    ['export', 'DCM 110106', null, 'R'],
    ['share', 'DCM 110106', null, 'R'],
    ['delete', 'DCM 110105', null, 'D'],
    ['security-alert', 'DCM 110113', 'DCM 110132', 'E'],
  ];
  it.each(cases)('%s → %s', (action, eventId, eventType, actionCode) => {
    const e = atnaEventOf({ action });
    expect([e.eventId.code, e.eventType?.code ?? null, e.actionCode]).toEqual([eventId, eventType, actionCode]);
  });

  it('admin changes are security alerts typed by what changed; audit-log reads are Audit Log Used', () => {
    expect(atnaEventOf({ action: 'admin', resource: { type: 'user' } }).eventType?.code).toBe('DCM 110137');
    expect(atnaEventOf({ action: 'admin', resource: { type: 'institution' } }).eventType?.code).toBe('DCM 110129');
    expect(atnaEventOf({ action: 'admin', resource: { type: 'rule' } }).eventType?.code).toBe('DCM 110131');
    expect(atnaEventOf({ action: 'read', resource: { type: 'system', id: 'audit-log' } }).eventId).toEqual({
      code: 'DCM 110101',
      meaning: 'Audit Log Used',
    });
  });
});

describe('hash chain records', () => {
  const at = new Date('2026-11-23T10:00:00.123Z');
  const event = prepareEvent(
    {
      action: 'read',
      outcome: 'success',
      actorName: 'dr.li',
      detail: { z: 1, a: 'x' },
      resource: { type: 'study', studyUids: ['1.2.3'] },
    },
    at,
  );

  it('canonical JSON sorts keys at every level and leaves out prev_hash and hash', () => {
    const text = canonicalRecord({ ...event, seq: 1, prevHash: GENESIS_HASH });
    expect(text).toContain('"detail":{"a":"x","z":1}');
    expect(text).toContain('"at":"2026-11-23T10:00:00.123Z"');
    expect(text).not.toContain('prevHash');
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
  });

  it('the hash covers prev_hash, seq and every field', () => {
    const base = { ...event, seq: 1, prevHash: GENESIS_HASH };
    const h = hashRecord(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecord({ ...base, prevHash: 'f'.repeat(64) })).not.toBe(h);
    expect(hashRecord({ ...base, seq: 2 })).not.toBe(h);
    expect(hashRecord({ ...base, actorName: 'dr.wang' })).not.toBe(h);
    expect(hashRecord({ ...base, hash: 'ignored' } as typeof base)).toBe(h);
  });

  it('NUL characters and overlong values are cleaned before they reach the database', () => {
    const e = prepareEvent({ action: 'login', outcome: 'failure', actorName: `a\u0000b${'x'.repeat(2000)}` }, at);
    expect(e.actorName?.startsWith('ab')).toBe(true);
    expect(e.actorName).toHaveLength(1024);
  });
});
