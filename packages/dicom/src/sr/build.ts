import { Dataset } from '../dataset.js';
import { lookupVR, tagOfKeyword } from '../dictionary.js';
import { LingshuError } from '../errors.js';
import type { Tag } from '../tag.js';
import { setNumbers, setStrings } from '../values.js';

/**
 * Small builders for writing derived objects (SR, SEG) by attribute keyword: the VR comes from
 * the data dictionary, so callers say what an attribute is, not how it is encoded.
 */
export type AttributeValue = string | number | readonly string[] | readonly number[];

/** A coded concept as written in a Code Sequence item (PS3.3 Table 8.8-1). */
export interface CodeTriplet {
  value: string;
  scheme: string;
  meaning: string;
}

/** The tag for a keyword; unknown keywords are programming errors. */
export function tagOf(keyword: string): Tag {
  const t = tagOfKeyword(keyword);
  if (t === undefined) throw new LingshuError('DICOM_BAD_VALUE', `Unknown attribute keyword ${keyword}`);
  return t;
}

const BINARY_NUMERIC = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV', 'OW', 'OL', 'OF', 'OD']);

/** Sets an attribute by keyword; strings for text VRs, numbers for numeric (incl. IS/DS). */
export function put(ds: Dataset, keyword: string, value: AttributeValue): void {
  const t = tagOf(keyword);
  const vr = lookupVR(t);
  const values: ReadonlyArray<string | number> = Array.isArray(value) ? value : [value as string | number];
  if (vr === 'AT') {
    const bytes = new Uint8Array(values.length * 4);
    const dv = new DataView(bytes.buffer);
    values.forEach((v, i) => {
      const n = Number(v) >>> 0;
      dv.setUint16(i * 4, n >>> 16, true);
      dv.setUint16(i * 4 + 2, n & 0xffff, true);
    });
    ds.set({ tag: t, vr, bytes });
    return;
  }
  if (BINARY_NUMERIC.has(vr) || ((vr === 'IS' || vr === 'DS') && values.every((v) => typeof v === 'number'))) {
    setNumbers(ds, t, vr, values.map(Number));
    return;
  }
  setStrings(ds, t, vr, values.map(String));
}

/** Sets an attribute with an empty value (Type 2 attributes with nothing to say). */
export function putEmpty(ds: Dataset, keyword: string): void {
  const t = tagOf(keyword);
  const vr = lookupVR(t);
  if (vr === 'SQ') ds.set({ tag: t, vr, items: [] });
  else ds.set({ tag: t, vr, bytes: new Uint8Array(0) });
}

/** Creates a sequence item whose parent is `parent` (so the character set is inherited). */
export function newItem(parent: Dataset, fields: Record<string, AttributeValue> = {}): Dataset {
  const item = new Dataset(parent);
  for (const [k, v] of Object.entries(fields)) put(item, k, v);
  return item;
}

/** Sets a sequence by keyword; items are re-parented to `ds`. */
export function putSeq(ds: Dataset, keyword: string, items: Dataset[]): Dataset[] {
  for (const it of items) it.parent = ds;
  ds.set({ tag: tagOf(keyword), vr: 'SQ', items });
  return items;
}

/** A Code Sequence item: CodeValue, CodingSchemeDesignator, CodeMeaning. */
export function codeItem(parent: Dataset, code: CodeTriplet): Dataset {
  return newItem(parent, { CodeValue: code.value, CodingSchemeDesignator: code.scheme, CodeMeaning: code.meaning });
}

/** Sets a one-item code sequence. */
export function putCode(ds: Dataset, keyword: string, code: CodeTriplet): void {
  putSeq(ds, keyword, [codeItem(ds, code)]);
}

/** DICOM DA and TM of a moment, in UTC (the writers record Timezone Offset From UTC +0000). */
export function dicomDateTime(d: Date): { date: string; time: string } {
  const iso = d.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}
