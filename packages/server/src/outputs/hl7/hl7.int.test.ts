import { createServer, type Server } from 'node:net';
import { isLingshuError } from '@lingshu/dicom';
import { afterEach, describe, expect, it } from 'vitest';
import { type Hl7Destination, MllpDecoder, mllpFrame, sendMllp } from './mllp.js';
import { buildAck, buildOru, hl7Escape, hl7Unescape, type OruInput, parseHl7 } from './oru.js';

const SAMPLE: OruInput = {
  messageControlId: 'LS-42-3',
  at: new Date('2026-03-04T09:30:00Z'),
  sending: { application: 'LINGSHU', facility: 'HUB' },
  receiving: { application: 'RIS', facility: 'SITE-A' },
  patient: { id: 'P|0001', idIssuer: 'HOSP', name: '张^三', birthDate: '19680101', sex: 'M' },
  order: { placer: 'PL-1', filler: 'FL-1', accession: 'ACC-77', modality: 'CT', studyInstanceUid: '1.2.3' },
  resultStatus: 'F',
  sections: [
    { key: 'method', text: '胸部CT平扫' },
    { key: 'findings', text: '右肺上叶实性结节，大小 9.2×7.4 mm。\n双肺纹理清晰 & 对称 ^~|\\' },
    { key: 'impression', text: '1. 右肺上叶实性结节，Lung-RADS 4A。' },
    { key: 'recommendation', text: '' },
  ],
  measurements: [
    {
      findingIndex: 1,
      code: { code: '81827009', text: 'Diameter', system: 'SCT' },
      value: 8.3,
      unit: 'mm',
      interpretation: 'Lung-RADS 4A',
    },
  ],
  signer: { id: 'dr.wang', name: '王医生' },
};

describe('ORU^R01 builder', () => {
  it('escapes the delimiters and round-trips', () => {
    const raw = 'a|b^c~d\\e&f';
    expect(hl7Escape(raw)).toBe('a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f');
    expect(hl7Unescape(hl7Escape(raw))).toBe(raw);
  });

  it('writes MSH with UTF-8, PID, ORC, OBR and OBX per section and measurement', () => {
    const msg = buildOru(SAMPLE);
    expect(msg.endsWith('\r')).toBe(true);
    const segs = parseHl7(msg);
    expect(segs.map((s) => s[0])).toEqual(['MSH', 'PID', 'ORC', 'OBR', 'OBX', 'OBX', 'OBX', 'OBX']);
    const [msh, pid, orc, obr] = segs;
    // MSH-n is index n-1 after splitting (MSH-1 is the separator itself).
    expect(msh?.[1]).toBe('^~\\&');
    expect(msh?.[8]).toBe('ORU^R01^ORU_R01');
    expect(msh?.[9]).toBe('LS-42-3');
    expect(msh?.[11]).toBe('2.5.1');
    expect(msh?.[17]).toBe('UNICODE UTF-8');
    expect(pid?.[3]).toBe('P\\F\\0001^^^HOSP^MR');
    expect(pid?.[5]).toBe('张^三');
    expect(orc?.[1]).toBe('RE');
    expect(obr?.[2]).toBe('PL-1');
    expect(obr?.[3]).toBe('FL-1');
    expect(obr?.[18]).toBe('ACC-77');
    expect(obr?.[25]).toBe('F');
    const findings = segs[5];
    expect(findings?.[2]).toBe('FT');
    expect(findings?.[3]).toBe('18782-3^Radiology Study observation (narrative)^LN');
    expect(hl7Unescape(findings?.[5] ?? '')).toBe(SAMPLE.sections[1]?.text);
    const nm = segs[7];
    expect(nm?.[2]).toBe('NM');
    expect(nm?.[5]).toBe('8.3');
    expect(nm?.[6]).toBe('mm^mm^UCUM');
    // No empty recommendation OBX.
    expect(msg).not.toContain('18783-1');
  });
});

describe('MLLP client against a real listener', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  /** A node:net MLLP listener: answers each frame with `answer(n)` (n = 1-based frame count). */
  async function listen(answer: (n: number, msg: string) => 'AA' | 'AE' | 'AR' | 'silent'): Promise<{
    dest: Hl7Destination;
    received: string[];
  }> {
    const received: string[] = [];
    server = createServer((sock) => {
      const dec = new MllpDecoder();
      sock.on('data', (chunk: Buffer) => {
        for (const msg of dec.push(chunk)) {
          received.push(msg);
          const a = answer(received.length, msg);
          if (a !== 'silent') sock.write(mllpFrame(buildAck(msg, a, a === 'AA' ? '' : 'rejected by test')));
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    return {
      dest: { name: 'test-ris', host: '127.0.0.1', port, receivingApplication: 'RIS', receivingFacility: 'SITE-A' },
      received,
    };
  }

  it('delivers the framed message intact (UTF-8) and succeeds on AA', async () => {
    const { dest, received } = await listen(() => 'AA');
    const msg = buildOru(SAMPLE);
    const r = await sendMllp(dest, msg, { timeoutMs: 2000 });
    expect(r).toEqual({ ackCode: 'AA', attempts: 1 });
    expect(received).toEqual([msg]);
    expect(received[0]).toContain('右肺上叶实性结节');
  });

  it('AE is recorded and retried; success on a later AA', async () => {
    const { dest, received } = await listen((n) => (n === 1 ? 'AE' : 'AA'));
    const errors: string[] = [];
    const r = await sendMllp(dest, buildOru(SAMPLE), { timeoutMs: 2000, retries: 2, retryDelayMs: 20 }, (e) =>
      errors.push(`${e.attempt}:${e.reason}`),
    );
    expect(errors).toEqual(['1:AE']);
    expect(r).toEqual({ ackCode: 'AA', attempts: 2 });
    expect(received).toHaveLength(2);
  });

  it('AE on every attempt → HL7_SEND_FAILED after retries', async () => {
    const { dest, received } = await listen(() => 'AE');
    const err = await sendMllp(dest, buildOru(SAMPLE), { timeoutMs: 2000, retries: 2, retryDelayMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(isLingshuError(err, 'HL7_SEND_FAILED')).toBe(true);
    expect(isLingshuError(err) && err.details).toMatchObject({ reason: 'AE', attempts: 3 });
    expect(received).toHaveLength(3);
  });

  it('a listener that never answers → timeout, then HL7_SEND_FAILED', async () => {
    const { dest } = await listen(() => 'silent');
    const t0 = Date.now();
    const err = await sendMllp(dest, buildOru(SAMPLE), { timeoutMs: 150, retries: 1, retryDelayMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(isLingshuError(err) && err.details).toMatchObject({ reason: 'timeout', attempts: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it('nothing listening → connection error', async () => {
    const { dest } = await listen(() => 'AA');
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const err = await sendMllp(dest, buildOru(SAMPLE), { timeoutMs: 500, retries: 0 }).catch((e: unknown) => e);
    expect(isLingshuError(err) && err.details).toMatchObject({ reason: 'connection', attempts: 1 });
  });

  it('decoder handles frames split across chunks and two frames in one chunk', () => {
    const dec = new MllpDecoder();
    const a = mllpFrame('MSH|A');
    const b = mllpFrame('MSH|B');
    expect(dec.push(a.subarray(0, 3))).toEqual([]);
    expect(dec.push(Buffer.concat([a.subarray(3), b]))).toEqual(['MSH|A', 'MSH|B']);
  });
});
