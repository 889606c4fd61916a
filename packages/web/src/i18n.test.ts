import { describe, expect, it } from 'vitest';
import { en, translate, zhCN } from './i18n.js';

describe('web i18n', () => {
  it('has the same keys in zh-CN and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });
  it('has no empty message and the same placeholders in both languages', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(zhCN[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
    }
  });
  it('fills placeholders', () => {
    expect(translate('en', 'worklist.count', { count: 3 })).toBe('3 studies');
    expect(translate('zh-CN', 'worklist.count', { count: 3 })).toBe('共 3 个检查');
  });
});
