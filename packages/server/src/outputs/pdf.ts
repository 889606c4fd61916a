import { accessSync, constants } from 'node:fs';
import { LingshuError, type ParsedDicom } from '@lingshu/dicom';
import PDFDocument from 'pdfkit';
import { encodePng } from '../render/png.js';
import { renderFrame } from '../render/renderFrame.js';

/** Default CJK font: Debian fonts-wqy-microhei (a TrueType collection). */
export const DEFAULT_PDF_FONT_PATH = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
/** The face inside the collection, by PostScript name (the family is "WenQuanYi Micro Hei"). */
export const DEFAULT_PDF_FONT_FAMILY = 'WenQuanYiMicroHei';

/** Lung window (center −600 HU, width 1500 HU) for key images of nodules. */
export const LUNG_WINDOW = { center: -600, width: 1500, fn: 'LINEAR' as const };

export interface PdfFont {
  path: string;
  family?: string;
}

export interface ReportPdfKeyImage {
  png: Uint8Array;
  caption: string;
}

export interface ReportPdfInput {
  language: 'zh-CN' | 'en';
  institution: { nameZh: string; nameEn?: string };
  patient: { name?: string; id?: string; sex?: string; age?: string };
  study: { accession?: string; date?: string; description?: string; modality?: string };
  status: 'signed' | 'amended';
  sections: { method: string; findings: string; impression: string };
  recommendation: string;
  addenda: readonly { number: number; text: string; author: string; at: string }[];
  signer: { name: string; at: string };
  /** Analyzers whose findings were accepted into the report (the "AI-assisted" statement). */
  ai: readonly { id: string; version: string }[];
  keyImages: readonly ReportPdfKeyImage[];
}

const LABELS = {
  'zh-CN': {
    title: '影像诊断报告',
    patient: '姓名',
    patientId: '患者ID',
    sex: '性别',
    age: '年龄',
    accession: '检查号',
    date: '检查日期',
    exam: '检查项目',
    method: '检查方法',
    findings: '影像所见',
    impression: '诊断意见',
    recommendation: '建议',
    keyImages: '关键图像',
    signer: '报告医师',
    signedAt: '签署时间',
    addendum: '补充报告',
    amended: '（已补充）',
    ai: (list: string) => `本报告在人工智能辅助下完成（${list}），所有结果均经医师审核。`,
    page: (n: number, total: number) => `第 ${n} 页 / 共 ${total} 页`,
  },
  en: {
    title: 'Diagnostic Imaging Report',
    patient: 'Name',
    patientId: 'Patient ID',
    sex: 'Sex',
    age: 'Age',
    accession: 'Accession',
    date: 'Study date',
    exam: 'Examination',
    method: 'Technique',
    findings: 'Findings',
    impression: 'Impression',
    recommendation: 'Recommendation',
    keyImages: 'Key images',
    signer: 'Signed by',
    signedAt: 'Signed at',
    addendum: 'Addendum',
    amended: ' (amended)',
    ai: (list: string) => `AI-assisted report (${list}); every result was reviewed by the signing physician.`,
    page: (n: number, total: number) => `Page ${n} of ${total}`,
  },
} as const;

/** Checks the font can be read; throws OUTPUT_FONT_MISSING (a configuration problem) otherwise. */
export function checkPdfFont(font: PdfFont): void {
  try {
    accessSync(font.path, constants.R_OK);
  } catch (e) {
    throw new LingshuError('OUTPUT_FONT_MISSING', undefined, { cause: e, details: { key: 'pdfFontPath' } });
  }
}

/**
 * Renders a key image: one frame in the lung window, fitted into 512 × 512, as PNG.
 */
export async function keyImagePng(parsed: ParsedDicom, frameIndex = 0): Promise<Uint8Array> {
  const r = await renderFrame(parsed, frameIndex, { window: LUNG_WINDOW, viewport: { width: 512, height: 512 } });
  return encodePng(r.data, r.width, r.height, r.channels);
}

/**
 * Lays out a signed report as an A4 PDF: institution header (zh and en names), patient/study
 * block, 检查方法 / 影像所见 / 诊断意见 (or English), recommendation, key images, signer and time,
 * addenda, the AI-assisted statement, page numbers. The CJK font is embedded as a subset
 * (pdfkit embeds only the glyphs used). Deterministic for the same input (creation date = the
 * signature time).
 */
export async function renderReportPdf(input: ReportPdfInput, font: PdfFont): Promise<Buffer> {
  checkPdfFont(font);
  const L = LABELS[input.language];
  const signedAt = new Date(input.signer.at);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    info: { Title: L.title, Producer: 'Lingshu', Creator: 'Lingshu', CreationDate: signedAt, ModDate: signedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    doc.registerFont('cjk', font.path, font.family ?? DEFAULT_PDF_FONT_FAMILY);
    doc.font('cjk');
  } catch (e) {
    throw new LingshuError('OUTPUT_FONT_MISSING', 'The PDF font could not be loaded (config pdfFontPath)', {
      cause: e,
      details: { key: 'pdfFontPath' },
    });
  }
  const width = doc.page.width - 112;

  // Header
  doc.fontSize(16).text(input.institution.nameZh, { align: 'center' });
  if (input.institution.nameEn) doc.fontSize(10).text(input.institution.nameEn, { align: 'center' });
  doc
    .moveDown(0.3)
    .fontSize(14)
    .text(`${L.title}${input.status === 'amended' ? L.amended : ''}`, { align: 'center' });
  doc.moveDown(0.5);
  rule(doc);

  // Patient / study block (two columns)
  const rows: [string, string | undefined][] = [
    [L.patient, input.patient.name],
    [L.patientId, input.patient.id],
    [L.sex, input.patient.sex],
    [L.age, input.patient.age],
    [L.accession, input.study.accession],
    [L.date, input.study.date],
    [L.exam, [input.study.modality, input.study.description].filter(Boolean).join(' ')],
  ];
  doc.fontSize(10);
  const top = doc.y;
  const colW = width / 2;
  rows.forEach(([k, v], i) => {
    const x = 56 + (i % 2) * colW;
    const y = top + Math.floor(i / 2) * 16;
    doc.text(`${k}：${v ?? ''}`, x, y, { width: colW - 8, lineBreak: false });
  });
  doc.x = 56;
  doc.y = top + Math.ceil(rows.length / 2) * 16 + 4;
  rule(doc);

  const sectionBlock = (title: string, body: string): void => {
    doc.moveDown(0.4).fontSize(12).text(title, 56, doc.y, { width });
    doc
      .moveDown(0.2)
      .fontSize(10.5)
      .text(body.trim() || '—', { width, lineGap: 2 });
  };
  sectionBlock(L.method, input.sections.method);
  sectionBlock(L.findings, input.sections.findings);
  sectionBlock(L.impression, input.sections.impression);
  if (input.recommendation.trim()) sectionBlock(L.recommendation, input.recommendation);

  // Key images: two per row, 230 pt wide.
  if (input.keyImages.length > 0) {
    doc.moveDown(0.4).fontSize(12).text(L.keyImages, 56, doc.y, { width });
    const size = 230;
    for (let i = 0; i < input.keyImages.length; i += 2) {
      if (doc.y + size + 30 > doc.page.height - 64) doc.addPage();
      const y = doc.y + 4;
      for (let j = 0; j < 2; j++) {
        const img = input.keyImages[i + j];
        if (!img) continue;
        const x = 56 + j * (size + 20);
        doc.image(Buffer.from(img.png), x, y, { fit: [size, size] });
        doc.fontSize(9).text(img.caption, x, y + size + 2, { width: size, lineBreak: true });
      }
      doc.x = 56;
      doc.y = y + size + 20;
    }
  }

  doc.moveDown(0.6).fontSize(10.5);
  doc.text(`${L.signer}：${input.signer.name}    ${L.signedAt}：${formatTime(input.signer.at)}`, 56, doc.y, { width });
  for (const a of input.addenda) {
    doc.moveDown(0.4).fontSize(12).text(`${L.addendum} ${a.number}`, 56, doc.y, { width });
    doc.moveDown(0.2).fontSize(10.5).text(a.text, { width });
    doc.fontSize(9).text(`${a.author}  ${formatTime(a.at)}`, { width });
  }
  if (input.ai.length > 0) {
    const list = input.ai.map((a) => `${a.id} ${a.version}`).join(', ');
    doc.moveDown(0.6).fontSize(9).fillColor('#444444').text(L.ai(list), 56, doc.y, { width }).fillColor('black');
  }

  // Page numbers on every page (bottom margin set to 0 so the footer cannot add a page).
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(9).text(L.page(i - range.start + 1, range.count), 56, doc.page.height - 40, {
      width,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

function rule(doc: PDFKit.PDFDocument): void {
  doc
    .moveTo(56, doc.y)
    .lineTo(doc.page.width - 56, doc.y)
    .lineWidth(0.5)
    .stroke();
  doc.moveDown(0.4);
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
