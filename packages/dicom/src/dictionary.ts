import type { VR } from './dataset.js';
import { DICTIONARY_TEXT } from './dictionary.generated.js';
import type { Tag } from './tag.js';

interface Entry {
  vr: VR;
  keyword: string;
}

let byTag: Map<Tag, Entry> | undefined;
let byKeyword: Map<string, Tag> | undefined;

function load(): Map<Tag, Entry> {
  if (byTag) return byTag;
  byTag = new Map();
  byKeyword = new Map();
  for (const line of DICTIONARY_TEXT.split('\n')) {
    const t = Number.parseInt(line.slice(0, 8), 16) >>> 0;
    const vr = line.slice(9, 11) as VR;
    const keyword = line.slice(12);
    byTag.set(t, { vr, keyword });
    byKeyword.set(keyword, t);
  }
  return byTag;
}

/** The VR for a tag in implicit VR data (PS3.5 Annex A.1): dictionary, group length, private creator, else UN. */
export function lookupVR(t: Tag): VR {
  const entry = load().get(t);
  if (entry) return entry.vr;
  const element = t & 0xffff;
  if (element === 0) return 'UL';
  const group = t >>> 16;
  if (group & 1 && element >= 0x10 && element <= 0xff) return 'LO';
  // Repeating groups (50xx curves, 60xx overlays): look up the base group.
  if ((group & 0xff00) === 0x5000 || (group & 0xff00) === 0x6000) {
    const base = load().get((((group & 0xff00) << 16) | element) >>> 0);
    if (base) return base.vr;
  }
  return 'UN';
}

export function keywordOf(t: Tag): string | undefined {
  return load().get(t)?.keyword;
}

export function tagOfKeyword(keyword: string): Tag | undefined {
  load();
  return byKeyword?.get(keyword);
}
