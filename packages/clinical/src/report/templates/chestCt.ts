import type { Lang } from '../../types.js';
import type { ReportDraft, ReportInput, ReportOptions } from '../model.js';
import { methodText } from './method.js';
import { findingLines, impressionItems, numbered, prose, recommendationText } from './parts.js';

/**
 * Chest CT: 检查方法 from the series facts, 影像所见 for the lungs (nodules, emphysema,
 * infection), 诊断意见 numbered most severe first, and the follow-up recommendation by the
 * configured guideline (Lung-RADS v2022 or Fleischner 2017).
 */
export function draftChestCt(input: ReportInput, lang: Lang, options: ReportOptions): ReportDraft {
  const accepted = input.findings.filter((f) => f.accepted);
  const nodulesAssessed = input.nodulesAssessed ?? true;
  const withLungRads = options.followUpGuideline === 'lung-rads';
  const items = impressionItems(accepted, lang, options, { withLungRads, noNoduleItem: nodulesAssessed });
  const rec = recommendationText(accepted, lang, options, input.patient, nodulesAssessed);
  return {
    templateId: 'chest-ct',
    language: lang,
    sections: {
      method: methodText(input.series, lang, { region: { 'zh-CN': '胸部', en: 'chest' }, chestWindows: true }),
      findings: prose(findingLines(accepted, lang, { withLungRads, noNoduleLine: nodulesAssessed }), lang),
      impression: numbered(items, lang),
    },
    recommendation: rec.text,
    impressionItems: items,
    ...(rec.lungRads ? { lungRads: rec.lungRads } : {}),
  };
}
