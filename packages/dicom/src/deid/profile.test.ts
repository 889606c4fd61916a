import { describe, expect, it } from 'vitest';
import { keywordOf } from '../dictionary.js';
import { DEID_BASIC_PROFILE, deidRuleFor, isRemovedByGroupRule, resolveCombinedAction } from './profile.js';

describe('DEID_BASIC_PROFILE (PS3.15 Table E.1-1)', () => {
  it('has one row per tag, only allowed actions, and every tag is in the PS3.6 dictionary', () => {
    const tags = DEID_BASIC_PROFILE.map((r) => r.tag);
    expect(new Set(tags).size).toBe(tags.length);
    expect(DEID_BASIC_PROFILE.length).toBeGreaterThanOrEqual(400);
    for (const rule of DEID_BASIC_PROFILE) {
      expect(['D', 'Z', 'X', 'K', 'C', 'U']).toContain(rule.action);
      expect(['D', 'Z', 'X', 'U', 'Z/D', 'X/Z', 'X/D', 'X/Z/D', 'X/Z/U*']).toContain(rule.basicProfile);
      expect(keywordOf(rule.tag), rule.keyword).toBeDefined();
      // U only makes sense on UIDs and on reference sequences that hold them.
      if (rule.action === 'U') expect(['UI', 'SQ']).toContain(rule.vr);
    }
  });

  it('is sorted by tag (the order a reader of the standard expects)', () => {
    const tags = DEID_BASIC_PROFILE.map((r) => r.tag);
    expect([...tags].sort((a, b) => a - b)).toEqual(tags);
  });

  it('resolves combined actions by the documented rule', () => {
    expect(resolveCombinedAction('X/Z', 'LO', 0x00080080)).toBe('Z');
    expect(resolveCombinedAction('Z/D', 'PN', 0x00700084)).toBe('Z');
    expect(resolveCombinedAction('Z/D', 'DA', 0x00080023)).toBe('D'); // Content Date: Type 1 in SR
    expect(resolveCombinedAction('X/D', 'DA', 0x00080021)).toBe('D');
    expect(resolveCombinedAction('X/D', 'LO', 0x00181030)).toBe('X');
    expect(resolveCombinedAction('X/Z/D', 'LO', 0x00080080)).toBe('Z');
    expect(resolveCombinedAction('X/Z/D', 'LO', 0x00181000)).toBe('D'); // Device Serial Number
    expect(resolveCombinedAction('X/Z/U*', 'SQ', 0x00081140)).toBe('U');
    expect(resolveCombinedAction('X', 'LO', 0x00101000)).toBe('X');
  });

  it('carries the option columns that deidentify uses', () => {
    expect(deidRuleFor(0x00080020)?.modifiedDatesOption).toBe(true); // Study Date
    expect(deidRuleFor(0x00100010)?.modifiedDatesOption).toBe(false); // Patient's Name
    expect(deidRuleFor(0x0008103e)?.cleanDescriptorsOption).toBe(true); // Series Description
  });

  it('removes private groups, curves and overlay data/comments, and nothing else by group', () => {
    expect(isRemovedByGroupRule(0x00090010)).toBe(true);
    expect(isRemovedByGroupRule(0x00291010)).toBe(true);
    expect(isRemovedByGroupRule(0x50003000)).toBe(true);
    expect(isRemovedByGroupRule(0x601e3000)).toBe(true);
    expect(isRemovedByGroupRule(0x60004000)).toBe(true);
    expect(isRemovedByGroupRule(0x60000010)).toBe(false);
    expect(isRemovedByGroupRule(0x00100010)).toBe(false);
  });
});
