import { describe, expect, it } from 'vitest';
import { isLingshuError } from '../errors.js';
import { isValidUid } from '../uid.js';
import { remapUid } from './uidRemap.js';

describe('remapUid', () => {
  const uid = '1.3.6.1.4.1.14519.5.2.1.6655.2359.101887664051076773980939948191';

  it('is deterministic per secret and differs between secrets', () => {
    expect(remapUid(uid, 's1')).toBe(remapUid(uid, 's1'));
    expect(remapUid(uid, 's1')).not.toBe(remapUid(uid, 's2'));
    expect(remapUid(`${uid}\0`, 's1')).toBe(remapUid(uid, 's1')); // padding is not part of the UID
  });

  it('gives valid 2.25 UIDs (at most 64 characters) that are distinct for distinct inputs', () => {
    const out = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const next = remapUid(`1.2.3.${i}`, 'secret');
      expect(isValidUid(next), next).toBe(true);
      expect(next.startsWith('2.25.')).toBe(true);
      out.add(next);
    }
    expect(out.size).toBe(2000);
  });

  it('encodes an RFC 9562 version-8 UUID', () => {
    const n = BigInt(remapUid(uid, 'k').slice(5));
    const hex = n.toString(16).padStart(32, '0');
    expect(hex[12]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(hex[16]);
  });

  it('refuses an empty secret', () => {
    expect(() => remapUid(uid, '')).toThrow();
    try {
      remapUid(uid, '');
    } catch (e) {
      expect(isLingshuError(e, 'CONFIG_INVALID')).toBe(true);
    }
  });
});
