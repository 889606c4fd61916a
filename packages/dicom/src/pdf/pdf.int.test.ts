import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDicom } from '../parser.js';
import { syntheticCtSeries } from '../seg/syntheticSource.js';
import { tagOf } from '../sr/build.js';
import { getString } from '../values.js';
import { writeDicom } from '../writer.js';
import { writeEncapsulatedPdf } from './encapsulated.js';
import { writeReportSr } from './textSr.js';

const hasTool = (t: string): boolean => spawnSync('which', [t]).status === 0;
const haveTools = hasTool('dciodvfy') && hasTool('dsrdump');
if (!haveTools) console.warn('SKIP: dciodvfy/dsrdump not installed — encapsulated PDF / SR validation not run');

const dir = mkdtempSync(join(tmpdir(), 'lingshu-pdfdcm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A tiny but well-formed PDF of odd length (the writer must pad it).
const PDF_TEXT =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
const pdf = new TextEncoder().encode(PDF_TEXT.length % 2 === 1 ? PDF_TEXT : `${PDF_TEXT} `);
const src = syntheticCtSeries({ name: 'pdf-test', patientName: '王^五' });

function errors(out: string): string[] {
  return out.split('\n').filter((l) => /^Error/.test(l));
}

describe('Encapsulated PDF', () => {
  const ds = writeEncapsulatedPdf({
    source: src[0]!,
    pdf,
    documentTitle: '胸部CT诊断报告',
    sopInstanceUID: '2.25.1001',
    seriesInstanceUID: '2.25.1002',
    at: new Date('2026-03-04T05:06:07Z'),
  });
  const bytes = writeDicom({ dataset: ds });

  it('keeps the document, pads it to even length and records the unpadded length', () => {
    expect(pdf.length % 2).toBe(1);
    const back = parseDicom(bytes).dataset;
    const doc = back.get(tagOf('EncapsulatedDocument'))?.bytes;
    expect(doc?.length).toBe(pdf.length + 1);
    expect(doc?.[pdf.length]).toBe(0);
    expect(new TextDecoder().decode(doc?.subarray(0, pdf.length))).toBe(
      PDF_TEXT.length % 2 === 1 ? PDF_TEXT : `${PDF_TEXT} `,
    );
    expect(getString(back, tagOf('Modality'))).toBe('DOC');
    expect(getString(back, tagOf('MIMETypeOfEncapsulatedDocument'))).toBe('application/pdf');
    expect(getString(back, tagOf('PatientName'))).toBe('王^五');
    expect(getString(back, tagOf('StudyInstanceUID'))).toBe(getString(src[0]!, tagOf('StudyInstanceUID')));
  });

  it('rejects bytes that are not a PDF', () => {
    expect(() =>
      writeEncapsulatedPdf({
        source: src[0]!,
        pdf: new Uint8Array([1, 2, 3, 4, 5, 6]),
        documentTitle: 'x',
        sopInstanceUID: '2.25.1',
        seriesInstanceUID: '2.25.2',
        at: new Date(),
      }),
    ).toThrow(/not a PDF/);
  });

  it.skipIf(!haveTools)('passes dciodvfy without errors', () => {
    const file = join(dir, 'doc.dcm');
    writeFileSync(file, bytes);
    const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const out = `${v.stdout}${v.stderr}`;
    expect(out).toMatch(/EncapsulatedPDF/);
    expect(errors(out)).toEqual([]);
  });
});

describe('Basic Text SR of a signed report', () => {
  const ds = writeReportSr({
    source: src[0]!,
    language: 'zh-CN',
    method: '胸部CT平扫，层厚1.25 mm。',
    findings: '右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4A。',
    impression: '1. 右肺上叶实性结节，Lung-RADS 4A。',
    recommendation: '3个月后低剂量CT复查',
    addenda: ['补充：与外院片对比无变化。'],
    verifier: { name: '王^医生', organization: '灵枢医院' },
    verifiedAt: new Date('2026-03-04T05:06:07Z'),
    sopInstanceUID: '2.25.2001',
    seriesInstanceUID: '2.25.2002',
    evidence: [
      {
        seriesInstanceUID: getString(src[0]!, tagOf('SeriesInstanceUID')) ?? '',
        sopClassUID: getString(src[0]!, tagOf('SOPClassUID')) ?? '',
        sopInstanceUID: getString(src[0]!, tagOf('SOPInstanceUID')) ?? '',
      },
    ],
  });
  const bytes = writeDicom({ dataset: ds });

  it('is verified by the signer', () => {
    const back = parseDicom(bytes).dataset;
    expect(getString(back, tagOf('VerificationFlag'))).toBe('VERIFIED');
    expect(getString(back, tagOf('CompletionFlag'))).toBe('COMPLETE');
  });

  it.skipIf(!haveTools)('passes dciodvfy without errors and dsrdump renders the sections', () => {
    const file = join(dir, 'sr.dcm');
    writeFileSync(file, bytes);
    const v = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const out = `${v.stdout}${v.stderr}`;
    expect(out).toMatch(/BasicTextSR/);
    expect(errors(out)).toEqual([]);
    const d = spawnSync('dsrdump', ['+U8', file], { encoding: 'utf8' });
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/Diagnostic imaging study/);
    expect(d.stdout).toMatch(/Findings/);
    expect(d.stdout).toMatch(/右肺上叶实性结节/);
    expect(d.stdout).toMatch(/王\^医生/);
  });
});
