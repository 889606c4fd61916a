import { LingshuError } from '@lingshu/dicom';
import type { Bilingual, Lang } from '../../types.js';
import type { ReportDraft, ReportInput, ReportOptions, ReportTemplateId, SectionKey } from '../model.js';
import { draftChestCt } from './chestCt.js';
import { draftGeneric } from './generic.js';

/** A report template: data (titles, sections) plus the function that drafts its text. */
export interface ReportTemplate {
  id: ReportTemplateId;
  version: string;
  name: Bilingual;
  sections: ReadonlyArray<{ key: SectionKey; title: Bilingual }>;
  recommendationTitle: Bilingual;
  draft(input: ReportInput, lang: Lang, options: ReportOptions): ReportDraft;
}

/** Chinese radiology report sections, in order. */
export const SECTION_TITLES: Readonly<Record<SectionKey, Bilingual>> = Object.freeze({
  method: { 'zh-CN': '检查方法', en: 'Technique' },
  findings: { 'zh-CN': '影像所见', en: 'Findings' },
  impression: { 'zh-CN': '诊断意见', en: 'Impression' },
});

export const RECOMMENDATION_TITLE: Bilingual = { 'zh-CN': '建议', en: 'Recommendation' };

const SECTIONS = (['method', 'findings', 'impression'] as const).map((key) => ({ key, title: SECTION_TITLES[key] }));

export const REPORT_TEMPLATES: Readonly<Record<ReportTemplateId, ReportTemplate>> = Object.freeze({
  'chest-ct': {
    id: 'chest-ct',
    version: '1',
    name: { 'zh-CN': '胸部CT', en: 'Chest CT' },
    sections: SECTIONS,
    recommendationTitle: RECOMMENDATION_TITLE,
    draft: draftChestCt,
  },
  generic: {
    id: 'generic',
    version: '1',
    name: { 'zh-CN': '通用', en: 'Generic' },
    sections: SECTIONS,
    recommendationTitle: RECOMMENDATION_TITLE,
    draft: draftGeneric,
  },
});

export function isReportTemplateId(id: string): id is ReportTemplateId {
  return Object.hasOwn(REPORT_TEMPLATES, id);
}

/** The template with this id; REPORT_INVALID for an unknown id. */
export function reportTemplate(id: string): ReportTemplate {
  if (!isReportTemplateId(id))
    throw new LingshuError('REPORT_INVALID', 'Unknown report template', { details: { field: 'templateId' } });
  return REPORT_TEMPLATES[id];
}
