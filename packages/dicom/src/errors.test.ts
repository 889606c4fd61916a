import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isLingshuError, LingshuError, toLingshuError } from './errors.js';

describe('error vocabulary', () => {
  it('docs/errors.md documents exactly the codes the code defines', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(Object.keys(ERROR_CODES));
  });

  it('wraps unknown errors as INTERNAL without leaking their message', () => {
    const wrapped = toLingshuError(new Error('secret detail: Zhang San'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).not.toContain('Zhang');
    const coded = new LingshuError('DICOM_TRUNCATED');
    expect(toLingshuError(coded)).toBe(coded);
    expect(isLingshuError(coded, 'DICOM_TRUNCATED')).toBe(true);
    expect(isLingshuError(coded, 'DICOM_BAD_VR')).toBe(false);
  });
});
