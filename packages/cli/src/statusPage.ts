import type { ArchiveCounts, StudySummary } from '@lingshu/archive';
import { type Lang, translator } from './i18n.js';

/** What the status page shows: counts and the latest studies without patient identity. */
export interface ArchiveStatus {
  name: 'Lingshu';
  version: string;
  counts: ArchiveCounts;
  latestStudies: StudyRow[];
}

/** A study as the page lists it: no patient name, ID or birth date (there is no auth yet). */
export interface StudyRow {
  studyDate: string;
  modalities: string[];
  description: string;
  numberOfSeries: number;
  numberOfInstances: number;
}

export function studyRow(s: StudySummary): StudyRow {
  return {
    studyDate: s.studyDate,
    modalities: s.modalities,
    description: s.description,
    numberOfSeries: s.numberOfSeries,
    numberOfInstances: s.numberOfInstances,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function formatDate(da: string): string {
  return /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da;
}

/** The status page HTML in zh-CN or English. */
export function renderStatusPage(status: ArchiveStatus, lang: Lang): string {
  const t = translator(lang);
  const c = status.counts;
  const cards = (
    [
      ['page.patients', c.patients],
      ['page.studies', c.studies],
      ['page.series', c.series],
      ['page.instances', c.instances],
    ] as const
  )
    .map(([key, n]) => `<div class="card"><div class="n">${n}</div><div>${escapeHtml(t(key))}</div></div>`)
    .join('');
  const rows = status.latestStudies
    .map(
      (s) =>
        `<tr><td>${escapeHtml(formatDate(s.studyDate))}</td><td>${escapeHtml(s.modalities.join(', '))}</td>` +
        `<td>${escapeHtml(s.description)}</td><td>${s.numberOfSeries}</td><td>${s.numberOfInstances}</td></tr>`,
    )
    .join('');
  const table =
    status.latestStudies.length === 0
      ? `<p>${escapeHtml(t('page.none'))}</p>`
      : `<table><thead><tr><th>${escapeHtml(t('page.date'))}</th><th>${escapeHtml(t('page.modalities'))}</th>` +
        `<th>${escapeHtml(t('page.description'))}</th><th>${escapeHtml(t('page.series'))}</th>` +
        `<th>${escapeHtml(t('page.instances'))}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const other = lang === 'zh-CN' ? '<a href="?lang=en">English</a>' : '<a href="?lang=zh-CN">中文</a>';
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${escapeHtml(t('page.title'))}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1b2733}.cards{display:flex;gap:1rem}
.card{border:1px solid #ccd;border-radius:8px;padding:1rem 1.5rem;min-width:6rem}.n{font-size:2rem;font-weight:600}
table{border-collapse:collapse;margin-top:1rem}td,th{border-bottom:1px solid #dde;padding:.4rem .8rem;text-align:left}</style>
</head>
<body>
<h1>灵枢 Lingshu</h1>
<p>${escapeHtml(t('page.version'))} ${escapeHtml(status.version)} · ${other}</p>
<div class="cards">${cards}</div>
<h2>${escapeHtml(t('page.latest'))}</h2>
${table}
</body>
</html>
`;
}
