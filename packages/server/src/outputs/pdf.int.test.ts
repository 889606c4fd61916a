import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLingshuError, parseDicom, syntheticCtSeries, writeDicom } from '@lingshu/dicom';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng } from '../render/testing.js';
import { DEFAULT_PDF_FONT_PATH, keyImagePng, type ReportPdfInput, renderReportPdf } from './pdf.js';

const hasTool = (t: string): boolean => spawnSync('which', [t]).status === 0;
const haveTools = hasTool('pdftotext') && hasTool('pdffonts');
const haveFont = existsSync(DEFAULT_PDF_FONT_PATH);
if (!haveTools) console.warn('SKIP: pdftotext/pdffonts (poppler-utils) not installed — PDF text checks not run');
if (!haveFont) console.warn(`SKIP: ${DEFAULT_PDF_FONT_PATH} (fonts-wqy-microhei) not installed — PDF tests not run`);

const dir = mkdtempSync(join(tmpdir(), 'lingshu-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export async function sampleInput(): Promise<ReportPdfInput> {
  const src = syntheticCtSeries({ name: 'pdf-key', size: 64, slices: 2 });
  const parsed = parseDicom(writeDicom({ dataset: src[1]! }));
  return {
    language: 'zh-CN',
    institution: { nameZh: '灵枢示范医院', nameEn: 'Lingshu Demo Hospital' },
    patient: { name: '张三', id: 'P-0001', sex: 'M', age: '058Y' },
    study: { accession: 'ACC-77', date: '2026-03-04', modality: 'CT', description: '胸部CT平扫' },
    status: 'amended',
    sections: {
      method: '胸部CT平扫，层厚1.25 mm，B70f算法重建，肺窗及纵隔窗观察。',
      findings: '右肺上叶实性结节，大小 9.2×7.4 mm，平均径 8.3 mm，体积 280 mm³，Lung-RADS 4A。',
      impression: '1. 右肺上叶实性结节，大小 9.2×7.4 mm，Lung-RADS 4A。',
    },
    recommendation: 'Lung-RADS 4A：3个月后低剂量CT复查',
    addenda: [{ number: 1, text: '与2025年片对比，结节增大。', author: '王医生', at: '2026-03-05T08:00:00Z' }],
    signer: { name: '王医生', at: '2026-03-04T09:30:00Z' },
    ai: [{ id: 'lingshu-chest-ct', version: '0.3.0' }],
    keyImages: [{ png: await keyImagePng(parsed, 0), caption: '右肺上叶结节 9.2×7.4 mm（肺窗）' }],
  };
}

describe.skipIf(!haveFont)('report PDF', () => {
  it('renders a key image in the lung window as PNG', async () => {
    const src = syntheticCtSeries({ name: 'pdf-key2', size: 32, slices: 1 });
    const png = decodePng(await keyImagePng(parseDicom(writeDicom({ dataset: src[0]! })), 0));
    expect(png.width).toBeGreaterThan(0);
    expect(png.width).toBeLessThanOrEqual(512);
  });

  it.skipIf(!haveTools)('has the sections, the nodule size, page numbers and an embedded subset CJK font', async () => {
    const pdf = await renderReportPdf(await sampleInput(), { path: DEFAULT_PDF_FONT_PATH });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = join(dir, 'report.pdf');
    if (process.env.LINGSHU_G_KEEP) writeFileSync(process.env.LINGSHU_G_KEEP, pdf);
    writeFileSync(file, pdf);
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    for (const s of [
      '灵枢示范医院',
      '检查方法',
      '影像所见',
      '诊断意见',
      '9.2×7.4 mm',
      '补充报告 1',
      '王医生',
      'lingshu-chest-ct 0.3.0',
    ])
      expect(text.stdout).toContain(s);
    // pdftotext drops the spaces between CJK characters.
    expect(text.stdout.replace(/\s+/g, '')).toContain('第1页/共1页');
    const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' });
    const line = fonts.stdout.split('\n').find((l) => /WenQuanYi|MicroHei/i.test(l));
    expect(line, fonts.stdout).toBeDefined();
    // Columns: name type encoding emb sub uni object ID
    expect(line).toMatch(/^[A-Z]{6}\+/); // subset prefix
    expect(line).toMatch(/\byes\s+yes\s+yes\b/); // emb sub uni
  });

  it('is byte-identical for the same input (deterministic)', async () => {
    const input = await sampleInput();
    const a = await renderReportPdf(input, { path: DEFAULT_PDF_FONT_PATH });
    const b = await renderReportPdf(input, { path: DEFAULT_PDF_FONT_PATH });
    expect(a.equals(b)).toBe(true);
  });

  it('English report uses English headings', async () => {
    const input = { ...(await sampleInput()), language: 'en' as const, keyImages: [] };
    const file = join(dir, 'en.pdf');
    writeFileSync(file, await renderReportPdf(input, { path: DEFAULT_PDF_FONT_PATH }));
    const text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text.stdout).toContain('Findings');
    expect(text.stdout).toContain('Page 1 of 1');
  });
});

describe('report PDF font errors', () => {
  it('a missing font is OUTPUT_FONT_MISSING, not a crash', async () => {
    const input = { ...(await sampleInput()), keyImages: [] };
    const err = await renderReportPdf(input, { path: '/nonexistent/font.ttc' }).catch((e: unknown) => e);
    expect(isLingshuError(err, 'OUTPUT_FONT_MISSING')).toBe(true);
  });
  it('an unreadable font file is OUTPUT_FONT_MISSING too', async () => {
    const bad = join(dir, 'bad.ttf');
    writeFileSync(bad, 'not a font');
    const input = { ...(await sampleInput()), keyImages: [] };
    const err = await renderReportPdf(input, { path: bad }).catch((e: unknown) => e);
    expect(isLingshuError(err, 'OUTPUT_FONT_MISSING')).toBe(true);
  });
});
