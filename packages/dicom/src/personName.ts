/**
 * Person Name (PN) values, PS3.5 6.2.1: up to three component groups separated by '='
 * (alphabetic, ideographic, phonetic), each of up to five components separated by '^'
 * (family name, given name, middle name, prefix, suffix). Trailing empty groups and components
 * may be omitted, and are omitted when formatting. E.g. `Zhang^San=张^三=zhang^san`.
 */
import type { Dataset } from './dataset.js';
import type { Tag } from './tag.js';
import { getStrings } from './values.js';

/** The five components of one component group. */
export interface PersonNameGroup {
  familyName: string;
  givenName: string;
  middleName: string;
  prefix: string;
  suffix: string;
}

/** A person name as the DICOM JSON model carries it: the raw '^'-joined group strings. */
export interface PersonName {
  alphabetic?: string;
  ideographic?: string;
  phonetic?: string;
}

const GROUP_KEYS = ['alphabetic', 'ideographic', 'phonetic'] as const;

/** Removes padding and trailing empty components ('Wang^^^ ' → 'Wang'). */
function normalizeGroup(group: string): string {
  return group.replace(/[\s\0^]+$/u, '').replace(/^\s+/u, '');
}

/** Parses one PN value ('\'-free) into its component groups; empty groups are left out. */
export function parsePersonName(text: string): PersonName {
  const groups = text.split('=');
  const pn: PersonName = {};
  GROUP_KEYS.forEach((key, i) => {
    const group = normalizeGroup(groups[i] ?? '');
    if (group !== '') pn[key] = group;
  });
  return pn;
}

/** Formats component groups as a PN value, omitting trailing empty groups and components. */
export function formatPersonName(pn: PersonName): string {
  return GROUP_KEYS.map((key) => normalizeGroup(pn[key] ?? ''))
    .join('=')
    .replace(/=+$/u, '');
}

/** Splits one component group into its five components (missing ones are ''). */
export function personNameComponents(group: string): PersonNameGroup {
  const parts = group.split('^').map((p) => p.trim());
  return {
    familyName: parts[0] ?? '',
    givenName: parts[1] ?? '',
    middleName: parts[2] ?? '',
    prefix: parts[3] ?? '',
    suffix: parts[4] ?? '',
  };
}

/** Joins five components into one group string, omitting trailing empty components. */
export function formatPersonNameGroup(group: PersonNameGroup): string {
  return normalizeGroup([group.familyName, group.givenName, group.middleName, group.prefix, group.suffix].join('^'));
}

/** All person names of a PN element (decoded with the character set in effect). */
export function getPersonNames(ds: Dataset, tag: Tag): PersonName[] {
  return getStrings(ds, tag).map(parsePersonName);
}

/** The first person name of a PN element, or undefined when absent or empty. */
export function getPersonName(ds: Dataset, tag: Tag): PersonName | undefined {
  const pn = getPersonNames(ds, tag)[0];
  return pn && Object.keys(pn).length > 0 ? pn : undefined;
}
