import { Dataset, type VR } from './dataset.js';
import { LingshuError } from './errors.js';
import { parseTagHex, type Tag, tagHex } from './tag.js';
import { getNumbers, getStrings, padEven, setNumbers, setStrings } from './values.js';

/** One attribute of the DICOM JSON model (PS3.18 F.2). */
export interface DicomJsonAttribute {
  vr: VR;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

export interface PersonNameJson {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export interface ToJsonOptions {
  /**
   * Called for binary values (and Pixel Data always); return a URI to emit BulkDataURI instead
   * of InlineBinary, or undefined to inline. `path` lists the tags from the top dataset down.
   */
  bulkDataUri?: (path: readonly Tag[], tag: Tag, byteLength: number) => string | undefined;
  /** Omit binary values entirely above this size when no URI is given (default: inline all). */
  bulkDataThreshold?: number;
}

const BINARY_VRS = new Set<VR>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const NUMERIC_VRS = new Set<VR>(['FD', 'FL', 'SL', 'SS', 'UL', 'US', 'SV', 'UV', 'IS', 'DS']);

function personNameJson(value: string): PersonNameJson | null {
  if (value === '') return null;
  const [a, i, p] = value.split('=');
  const out: PersonNameJson = {};
  if (a) out.Alphabetic = a;
  if (i) out.Ideographic = i;
  if (p) out.Phonetic = p;
  return out;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Converts a dataset to the DICOM JSON model. Text is decoded with the character set in effect. */
export function toDicomJson(ds: Dataset, options: ToJsonOptions = {}, path: readonly Tag[] = []): DicomJsonDataset {
  const out: DicomJsonDataset = {};
  for (const t of ds.sortedTags()) {
    const el = ds.elements.get(t)!;
    const key = tagHex(t);
    const attr: DicomJsonAttribute = { vr: el.vr };
    if (el.items) {
      if (el.items.length > 0) attr.Value = el.items.map((item) => toDicomJson(item, options, [...path, t]));
    } else if (el.fragments || BINARY_VRS.has(el.vr)) {
      const length = el.fragments ? el.fragments.reduce((n, f) => n + f.length, 0) : (el.bytes?.length ?? 0);
      const uri = options.bulkDataUri?.(path, t, length);
      if (uri) attr.BulkDataURI = uri;
      else if (
        el.bytes &&
        el.bytes.length > 0 &&
        (options.bulkDataThreshold === undefined || length <= options.bulkDataThreshold)
      ) {
        attr.InlineBinary = toBase64(el.bytes);
      }
    } else if (el.vr === 'AT') {
      const n = getNumbers(ds, t);
      const values: string[] = [];
      for (let i = 0; i + 1 < n.length; i += 2) values.push(tagHex(((n[i]! << 16) | n[i + 1]!) >>> 0));
      if (values.length > 0) attr.Value = values;
    } else if (NUMERIC_VRS.has(el.vr)) {
      const values =
        el.vr === 'IS' || el.vr === 'DS'
          ? getStrings(ds, t).map((s) => (s === '' ? null : Number(s)))
          : getNumbers(ds, t);
      if (values.length > 0) attr.Value = values.map((v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    } else if (el.vr === 'PN') {
      const values = getStrings(ds, t);
      if (values.length > 0) attr.Value = values.map(personNameJson);
    } else {
      const values = getStrings(ds, t);
      if (values.length > 0) attr.Value = values.map((s) => (s === '' ? null : s));
    }
    out[key] = attr;
  }
  return out;
}

/** Converts DICOM JSON back to a dataset (text stored as UTF-8 when the dataset declares ISO_IR 192). */
export function fromDicomJson(json: DicomJsonDataset, parent?: Dataset): Dataset {
  const ds = new Dataset(parent);
  // Character set first, so text elements are encoded with it.
  const keys = Object.keys(json).sort();
  for (const key of keys) {
    const t = parseTagHex(key);
    const attr = json[key];
    if (t === undefined || !attr)
      throw new LingshuError('DICOM_BAD_VALUE', `Invalid DICOM JSON attribute key "${key.slice(0, 16)}"`);
    const values = attr.Value ?? [];
    if (attr.vr === 'SQ') {
      ds.set({ tag: t, vr: 'SQ', items: values.map((v) => fromDicomJson(v as DicomJsonDataset, ds)) });
    } else if (attr.InlineBinary !== undefined) {
      ds.set({
        tag: t,
        vr: attr.vr,
        bytes: padEven(new Uint8Array(Buffer.from(attr.InlineBinary, 'base64')), attr.vr),
      });
    } else if (attr.BulkDataURI !== undefined) {
      ds.set({ tag: t, vr: attr.vr, bytes: new Uint8Array(0) });
    } else if (attr.vr === 'AT') {
      const nums = values.flatMap((v) => {
        const tv = parseTagHex(String(v)) ?? 0;
        return [tv >>> 16, tv & 0xffff];
      });
      setNumbers(ds, t, 'US', nums);
      ds.set({ ...ds.get(t)!, vr: 'AT' });
    } else if (attr.vr === 'PN') {
      setStrings(
        ds,
        t,
        'PN',
        values.map((v) => {
          const pn = (v ?? {}) as PersonNameJson;
          return [pn.Alphabetic ?? '', pn.Ideographic ?? '', pn.Phonetic ?? ''].join('=').replace(/=+$/, '');
        }),
      );
    } else if (NUMERIC_VRS.has(attr.vr) && attr.vr !== 'IS' && attr.vr !== 'DS') {
      setNumbers(
        ds,
        t,
        attr.vr,
        values.map((v) => Number(v)),
      );
    } else {
      setStrings(
        ds,
        t,
        attr.vr,
        values.map((v) => (v === null || v === undefined ? '' : String(v))),
      );
    }
  }
  return ds;
}
