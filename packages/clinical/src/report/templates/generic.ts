import type { Lang } from '../../types.js';
import type { ReportDraft, ReportInput, ReportOptions } from '../model.js';
import { methodText } from './method.js';
import { findingLines, impressionItems, numbered, prose, recommendationText } from './parts.js';

/**
 * Any other examination: 检查方法 from the series facts (region and modality), 影像所见 and
 * 诊断意见 from the accepted findings only; sections without findings stay empty for the
 * radiologist to write (the empty-section QC rule keeps them from being signed empty).
 */
export function draftGeneric(input: ReportInput, lang: Lang, options: ReportOptions): ReportDraft {
  const accepted = input.findings.filter((f) => f.accepted);
  const withLungRads = options.followUpGuideline === 'lung-rads';
  const items = impressionItems(accepted, lang, options, { withLungRads, noNoduleItem: false });
  const hasNodules = accepted.some((f) => f.kind === 'nodule' || f.kind === 'mass');
  const rec = hasNodules ? recommendationText(accepted, lang, options, input.patient, false) : { text: '' };
  return {
    templateId: 'generic',
    language: lang,
    sections: {
      method: methodText(input.series, lang, { chestWindows: false }),
      findings: prose(findingLines(accepted, lang, { withLungRads, noNoduleLine: false }), lang),
      impression: numbered(items, lang),
    },
    recommendation: rec.text,
    impressionItems: items,
    ...('lungRads' in rec && rec.lungRads ? { lungRads: rec.lungRads } : {}),
  };
}
