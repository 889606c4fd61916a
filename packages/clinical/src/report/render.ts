import type { Report, ReportVersion } from './model.js';
import { RECOMMENDATION_TITLE, SECTION_TITLES } from './templates/index.js';

/**
 * Plain text of a report (or of one of its versions) in its language: 检查方法 / 影像所见 /
 * 诊断意见 / 建议, then the addenda. For display, printing and the version history.
 */
export function renderReportText(report: Report, version?: ReportVersion): string {
  const lang = report.language;
  const v = version ?? report;
  const colon = lang === 'zh-CN' ? '：' : ':';
  const blocks = (['method', 'findings', 'impression'] as const).map(
    (key) => `${SECTION_TITLES[key][lang]}${colon}\n${v.sections[key]}`,
  );
  if (v.recommendation.trim() !== '') blocks.push(`${RECOMMENDATION_TITLE[lang]}${colon}\n${v.recommendation}`);
  for (const a of v.addenda) {
    const title = lang === 'zh-CN' ? `补充报告 ${a.number}（${a.at}）` : `Addendum ${a.number} (${a.at})`;
    blocks.push(`${title}${colon}\n${a.text}`);
  }
  return blocks.join('\n\n');
}
