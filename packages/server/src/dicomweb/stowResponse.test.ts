import { ERROR_CODES, type ErrorCode, LingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { StowFailureReason, sopClassAccepted, stowFailureReason } from './stowFailure.js';
import type { PartOutcome } from './stowPart.js';
import { buildStowResponse } from './stowResponse.js';

const ok = (n: number): PartOutcome => ({
  ok: true,
  status: 'stored',
  sopClassUID: '1.2.840.10008.5.1.4.1.1.2',
  sopInstanceUID: `1.2.3.${n}`,
  studyInstanceUID: '1.2.3',
  seriesInstanceUID: '1.2.3.9',
});
const bad = (code: ErrorCode): PartOutcome => ({ ok: false, code, message: 'x' });
const base = 'http://h/dicomweb';

describe('stowFailureReason', () => {
  it('maps every error code to a Failure Reason of PS3.18 Table I.2-2 or an additional code', () => {
    const allowed = new Set<number>(Object.values(StowFailureReason));
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) expect(allowed.has(stowFailureReason(code))).toBe(true);
    expect(stowFailureReason('DICOM_TRUNCATED')).toBe(0xc000);
    expect(stowFailureReason('DICOM_MISSING_ATTRIBUTE')).toBe(0xa900);
    expect(stowFailureReason('STOW_SOP_CLASS_UNSUPPORTED')).toBe(0x0122);
    expect(stowFailureReason('ARCHIVE_DUPLICATE_CONFLICT')).toBe(0x0111);
    expect(stowFailureReason('HTTP_PAYLOAD_TOO_LARGE')).toBe(0xa700);
    expect(stowFailureReason('VOLUME_GAP')).toBe(0x0110);
  });
});

describe('sopClassAccepted', () => {
  it('accepts storage and private SOP classes, refuses other standard classes', () => {
    expect(sopClassAccepted('1.2.840.10008.5.1.4.1.1.2')).toBe(true);
    expect(sopClassAccepted('1.2.840.10008.5.1.4.1.1.88.33')).toBe(true);
    expect(sopClassAccepted('1.3.12.2.1107.5.9.1')).toBe(true);
    expect(sopClassAccepted('1.2.840.10008.1.3.10')).toBe(false);
    expect(sopClassAccepted('1.2.840.10008.1.1')).toBe(false);
    expect(sopClassAccepted('1.2.840.10008.5.1.4.1.2.2.1')).toBe(false);
  });
});

describe('buildStowResponse', () => {
  it('chooses the HTTP status from what was stored (PS3.18 §10.5.3)', () => {
    expect(buildStowResponse([ok(1), ok(2)], { baseUrl: base }).status).toBe(200);
    expect(buildStowResponse([ok(1), bad('DICOM_TRUNCATED')], { baseUrl: base }).status).toBe(202);
    expect(buildStowResponse([bad('STOW_STUDY_MISMATCH')], { baseUrl: base }).status).toBe(409);
    const broken = new LingshuError('HTTP_MULTIPART_MALFORMED');
    expect(buildStowResponse([ok(1)], { baseUrl: base, streamError: broken }).status).toBe(202);
    expect(buildStowResponse([bad('DICOM_TRUNCATED')], { baseUrl: base, streamError: broken }).status).toBe(400);
    const big = new LingshuError('HTTP_PAYLOAD_TOO_LARGE');
    expect(buildStowResponse([bad('DICOM_TRUNCATED')], { baseUrl: base, streamError: big }).status).toBe(413);
  });

  it('writes the Store Instances Response attributes', () => {
    const r = buildStowResponse(
      [ok(1), { ok: false, code: 'ARCHIVE_DUPLICATE_CONFLICT', message: 'x', sopInstanceUID: '1.2.3.7' }],
      {
        baseUrl: base,
      },
    );
    expect(r.body['00081190']).toEqual({ vr: 'UR', Value: [`${base}/studies/1.2.3`] });
    expect(r.body['00081199']?.Value?.[0]).toEqual({
      '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
      '00081155': { vr: 'UI', Value: ['1.2.3.1'] },
      '00081190': { vr: 'UR', Value: [`${base}/studies/1.2.3/series/1.2.3.9/instances/1.2.3.1`] },
    });
    expect(r.body['00081198']?.Value?.[0]).toEqual({
      '00081150': { vr: 'UI' },
      '00081155': { vr: 'UI', Value: ['1.2.3.7'] },
      '00081197': { vr: 'US', Value: [0x0111] },
    });
  });
});
