import type { LobeCode } from './severity.js';
import type { Bilingual } from './types.js';

export type Side = 'right' | 'left';
/** Radiographic zones, when lobes are not known (upper/middle/lower third of each lung). */
export type Zone = 'upper' | 'middle' | 'lower';

export const LOBE_NAMES: Readonly<Record<LobeCode, Bilingual>> = {
  RUL: { 'zh-CN': '右肺上叶', en: 'right upper lobe' },
  RML: { 'zh-CN': '右肺中叶', en: 'right middle lobe' },
  RLL: { 'zh-CN': '右肺下叶', en: 'right lower lobe' },
  LUL: { 'zh-CN': '左肺上叶', en: 'left upper lobe' },
  LLL: { 'zh-CN': '左肺下叶', en: 'left lower lobe' },
};

const SIDE_ZH: Record<Side, string> = { right: '右肺', left: '左肺' };
const ZONE_ZH: Record<Zone, string> = { upper: '上野', middle: '中野', lower: '下野' };

/** Where a finding is: the lobe when known, else the zone, else the side. */
export interface Location {
  lobe?: LobeCode;
  side?: Side;
  zone?: Zone;
}

/** Location name, e.g. 右肺上叶 / right upper lobe, 右肺上野 / right upper zone; undefined when unknown. */
export function locationName(loc: Location): Bilingual | undefined {
  if (loc.lobe) return LOBE_NAMES[loc.lobe];
  if (loc.side && loc.zone)
    return { 'zh-CN': `${SIDE_ZH[loc.side]}${ZONE_ZH[loc.zone]}`, en: `${loc.side} ${loc.zone} zone` };
  if (loc.side) return { 'zh-CN': SIDE_ZH[loc.side], en: `${loc.side} lung` };
  return undefined;
}

/** Whether a lobe is an upper lobe (Brock's `upperLobe`; the lingula belongs to the LUL). */
export function isUpperLobe(lobe: LobeCode): boolean {
  return lobe === 'RUL' || lobe === 'LUL';
}

/** Parses lobe codes and common spellings (`RUL`, `right-upper`, `right upper lobe`). */
export function parseLobe(s: string | undefined): LobeCode | undefined {
  if (!s) return undefined;
  const k = s
    .trim()
    .toUpperCase()
    .replace(/[\s_-]+/g, ' ')
    .replace(/ LOBE$/, '');
  const map: Record<string, LobeCode> = {
    RUL: 'RUL',
    RML: 'RML',
    RLL: 'RLL',
    LUL: 'LUL',
    LLL: 'LLL',
    'RIGHT UPPER': 'RUL',
    'RIGHT MIDDLE': 'RML',
    'RIGHT LOWER': 'RLL',
    'LEFT UPPER': 'LUL',
    'LEFT LOWER': 'LLL',
  };
  return map[k];
}
