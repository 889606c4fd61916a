import type { ArchiveCounts } from '@lingshu/archive';
import { type Lang, translator } from './i18n.js';

/**
 * What the public status page shows: the version and archive totals only. It is reachable without
 * login, so it lists no study (not even dates or descriptions: those belong to an institution).
 */
export interface ArchiveStatus {
  name: 'Lingshu';
  version: string;
  counts: ArchiveCounts;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
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
<p>${escapeHtml(t('page.signIn'))}</p>
</body>
</html>
`;
}
