import type { VR } from '../dataset.js';
import { keywordOf, lookupVR } from '../dictionary.js';
import { isPrivateTag, type Tag, tagElement, tagGroup } from '../tag.js';
import { E1_1_ROWS } from './profileTable.js';

/**
 * PS3.15 Annex E action codes: D replace with a dummy value consistent with the VR, Z replace with
 * a zero-length value, X remove, K keep, C clean (here: shift dates), U replace UIDs consistently.
 */
export type DeidAction = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

/** The Basic Profile column as printed in Table E.1-1, combined actions included. */
export type BasicProfileAction = 'D' | 'Z' | 'X' | 'U' | 'Z/D' | 'X/Z' | 'X/D' | 'X/Z/D' | 'X/Z/U*';

export interface DeidRule {
  tag: Tag;
  keyword: string;
  vr: VR;
  /** The Basic Profile action as the table prints it. */
  basicProfile: BasicProfileAction;
  /** The single action Lingshu applies (combined actions resolved by `resolveCombinedAction`). */
  action: DeidAction;
  /** The Retain Longitudinal Temporal Information with Modified Dates Option column says C. */
  modifiedDatesOption: boolean;
  /** The Clean Descriptors Option column says C (not implemented: listed for completeness). */
  cleanDescriptorsOption: boolean;
}

const TEMPORAL_VRS = new Set<VR>(['DA', 'DT', 'TM']);

/**
 * Attributes whose combined action offers D and that are Type 1 in a common IOD (Enhanced
 * General Equipment: Device Serial Number; Enhanced CT/MR Image and SR Document General:
 * Acquisition DateTime, Content Date, Content Time): a dummy keeps those objects valid.
 */
const TYPE1_IN_COMMON_IODS = new Set<Tag>([0x00181000, 0x0008002a, 0x00080023, 0x00080033]);

/**
 * PS3.15 lets a combined action pick its least destructive member that keeps the IOD valid
 * (X/Z: Z if Type 2; X/D, Z/D: D if Type 1). Lingshu does not carry IOD module tables, so it
 * uses one fixed rule, chosen for CT/MR/PET/SC/SR objects:
 * - Z/D → D for the Type-1 list above, otherwise Z (an empty value satisfies Type 2);
 * - X/Z → Z (keeps Type 2 attributes present; an empty value carries nothing);
 * - X/D → D for DA/DT/TM (the table uses X/D for dates that are Type 1 in RT and enhanced
 *   objects) and for the Type-1 list, otherwise X;
 * - X/Z/D → D for the Type-1 list, otherwise Z;
 * - X/Z/U* (a reference sequence) → U: the sequence is kept and the UIDs inside are remapped by
 *   their own rows, so references stay resolvable within the de-identified study.
 */
export function resolveCombinedAction(basic: BasicProfileAction, vr: VR, t: Tag): DeidAction {
  const type1 = TYPE1_IN_COMMON_IODS.has(t);
  switch (basic) {
    case 'Z/D':
      return type1 ? 'D' : 'Z';
    case 'X/Z':
      return 'Z';
    case 'X/D':
      return type1 || TEMPORAL_VRS.has(vr) ? 'D' : 'X';
    case 'X/Z/D':
      return type1 ? 'D' : 'Z';
    case 'X/Z/U*':
      return 'U';
    default:
      return basic;
  }
}

const BASIC_ACTIONS = new Set<string>(['D', 'Z', 'X', 'U', 'Z/D', 'X/Z', 'X/D', 'X/Z/D', 'X/Z/U*']);

function isBasicProfileAction(s: string): s is BasicProfileAction {
  return BASIC_ACTIONS.has(s);
}

function parseRows(text: string): DeidRule[] {
  const rules: DeidRule[] = [];
  for (const line of text.split('\n')) {
    const [hex, basic, flag] = line.trim().split(' ');
    if (!hex || !basic) continue;
    if (!isBasicProfileAction(basic)) throw new Error(`Table E.1-1 row ${hex} has an unknown action`);
    const t = Number.parseInt(hex, 16) >>> 0;
    const vr = lookupVR(t);
    rules.push({
      tag: t,
      keyword: keywordOf(t)?.replace(/^RETIRED_/, '') ?? hex,
      vr,
      basicProfile: basic,
      action: resolveCombinedAction(basic, vr, t),
      modifiedDatesOption: flag === 't',
      cleanDescriptorsOption: flag === 'd',
    });
  }
  return rules;
}

/** PS3.15 Table E.1-1 as data, one rule per attribute with a fixed tag, in tag order. */
export const DEID_BASIC_PROFILE: readonly DeidRule[] = Object.freeze(parseRows(E1_1_ROWS));

const BY_TAG = new Map<Tag, DeidRule>(DEID_BASIC_PROFILE.map((r) => [r.tag, r]));

export function deidRuleFor(t: Tag): DeidRule | undefined {
  return BY_TAG.get(t);
}

/**
 * Table E.1-1 rows without fixed tags, all X in the Basic Profile: private attributes (odd
 * groups, private creators included), Curve Data (50xx,xxxx), Overlay Data (60xx,3000) and
 * Overlay Comments (60xx,4000). Other overlay attributes are not in the table and are kept.
 */
export function isRemovedByGroupRule(t: Tag): boolean {
  if (isPrivateTag(t)) return true;
  const group = tagGroup(t);
  if ((group & 0xff00) === 0x5000) return true;
  if ((group & 0xff00) === 0x6000) {
    const element = tagElement(t);
    return element === 0x3000 || element === 0x4000;
  }
  return false;
}
