import { inflateRawSync } from 'node:zlib';
import { Dataset, type Element, type VR } from './dataset.js';
import { lookupVR } from './dictionary.js';
import { LingshuError } from './errors.js';
import { formatTag, Tags } from './tag.js';
import { TransferSyntax } from './uids.js';
import { getString } from './values.js';
import { hasLongLength, swapBytes, swapSize, vrFromCode } from './vr.js';

export interface ParsedDicom {
  /** File Meta Information (group 0002); empty for raw datasets. */
  meta: Dataset;
  dataset: Dataset;
  transferSyntaxUID: string;
  hasPreamble: boolean;
  byteLength: number;
}

export interface ParseOptions {
  /** Stop before the first top-level element with a tag ≥ this (e.g. Tags.PixelData for headers only). */
  untilTag?: number;
  /** Largest value length accepted, in bytes (default 1 GiB). */
  maxElementLength?: number;
  /** Transfer syntax of a raw dataset without meta information (default: detected). */
  transferSyntaxUID?: string;
}

const MAX_DEPTH = 32;
const UNDEFINED = 0xffffffff;
const ITEM = Tags.Item;
const ITEM_DELIMITER = Tags.ItemDelimitationItem;
const SEQUENCE_DELIMITER = Tags.SequenceDelimitationItem;

interface Reader {
  u8: Uint8Array;
  dv: DataView;
  pos: number;
  little: boolean;
  explicit: boolean;
  maxLength: number;
  untilTag: number;
}

function fail(
  code: 'DICOM_TRUNCATED' | 'DICOM_BAD_LENGTH' | 'DICOM_BAD_VR' | 'DICOM_BAD_STRUCTURE',
  what: string,
  r: Reader,
  t?: number,
): never {
  const details: Record<string, string | number> = { offset: r.pos };
  if (t !== undefined) details.tag = formatTag(t);
  throw new LingshuError(code, `${what}${t === undefined ? '' : ` at ${formatTag(t)}`} (offset ${r.pos})`, { details });
}

function readTag(r: Reader): number {
  const g = r.dv.getUint16(r.pos, r.little);
  const e = r.dv.getUint16(r.pos + 2, r.little);
  r.pos += 4;
  return ((g << 16) | e) >>> 0;
}

function valueBytes(r: Reader, vr: VR, length: number): Uint8Array {
  const raw = r.u8.subarray(r.pos, r.pos + length);
  r.pos += length;
  if (r.little) return raw;
  const size = swapSize(vr);
  return size === 1 ? raw : swapBytes(raw, size);
}

function parseElements(r: Reader, end: number, ds: Dataset, depth: number, inUndefinedItem: boolean): void {
  while (r.pos < end) {
    if (end - r.pos < 8) {
      // Trailing padding some writers leave after the last element.
      if (depth === 0 && r.u8.subarray(r.pos, end).every((b) => b === 0)) {
        r.pos = end;
        return;
      }
      fail('DICOM_TRUNCATED', 'Data ends inside an element header', r);
    }
    const start = r.pos;
    const t = readTag(r);
    if (t === ITEM_DELIMITER) {
      r.pos += 4;
      if (inUndefinedItem) return;
      fail('DICOM_BAD_STRUCTURE', 'Item delimiter outside an item', r, t);
    }
    if (t === ITEM || t === SEQUENCE_DELIMITER) fail('DICOM_BAD_STRUCTURE', 'Unexpected item tag in a dataset', r, t);
    if (depth === 0 && t >= r.untilTag) {
      r.pos = start;
      return;
    }
    let vr: VR;
    let length: number;
    if (r.explicit) {
      const code = vrFromCode(r.u8[r.pos]!, r.u8[r.pos + 1]!);
      if (!code) fail('DICOM_BAD_VR', 'Invalid value representation', r, t);
      vr = code;
      if (hasLongLength(vr)) {
        if (end - r.pos < 8) fail('DICOM_TRUNCATED', 'Data ends inside an element header', r, t);
        length = r.dv.getUint32(r.pos + 4, r.little);
        r.pos += 8;
      } else {
        length = r.dv.getUint16(r.pos + 2, r.little);
        r.pos += 4;
      }
    } else {
      vr = lookupVR(t);
      length = r.dv.getUint32(r.pos, r.little);
      r.pos += 4;
    }
    const element = parseValue(r, t, vr, length, end, ds, depth);
    ds.elements.set(t, element);
  }
  if (inUndefinedItem) fail('DICOM_TRUNCATED', 'Data ends inside an item of undefined length', r);
}

function parseValue(r: Reader, t: number, vr: VR, length: number, end: number, ds: Dataset, depth: number): Element {
  if (length === UNDEFINED) {
    if (t === Tags.PixelData) return { tag: t, vr: vr === 'OW' ? 'OW' : 'OB', ...parseEncapsulated(r, end, t) };
    if (vr === 'SQ' || vr === 'UN') {
      // UN of undefined length is a sequence encoded in implicit VR little endian (PS3.5 6.2.2).
      const wasExplicit = r.explicit;
      const wasLittle = r.little;
      if (vr === 'UN') {
        r.explicit = false;
        r.little = true;
      }
      const items = parseItems(r, end, undefined, ds, depth, t);
      r.explicit = wasExplicit;
      r.little = wasLittle;
      return { tag: t, vr: 'SQ', items };
    }
    fail('DICOM_BAD_LENGTH', 'Undefined length on a non-sequence element', r, t);
  }
  if (length > end - r.pos) fail('DICOM_TRUNCATED', `Declared length ${length} exceeds the remaining data`, r, t);
  if (length > r.maxLength) fail('DICOM_BAD_LENGTH', `Declared length ${length} exceeds the limit`, r, t);
  if (vr === 'SQ') return { tag: t, vr, items: parseItems(r, r.pos + length, r.pos + length, ds, depth, t) };
  return { tag: t, vr, bytes: valueBytes(r, vr, length) };
}

function parseItems(
  r: Reader,
  end: number,
  definedEnd: number | undefined,
  parent: Dataset,
  depth: number,
  seqTag: number,
): Dataset[] {
  if (depth + 1 > MAX_DEPTH) fail('DICOM_BAD_STRUCTURE', 'Sequences nested too deeply', r, seqTag);
  const items: Dataset[] = [];
  for (;;) {
    if (definedEnd !== undefined && r.pos >= definedEnd) {
      if (r.pos > definedEnd) fail('DICOM_BAD_LENGTH', 'Items overrun the sequence length', r, seqTag);
      return items;
    }
    if (end - r.pos < 8) fail('DICOM_TRUNCATED', 'Data ends inside a sequence', r, seqTag);
    const t = readTag(r);
    const length = r.dv.getUint32(r.pos, r.little);
    r.pos += 4;
    if (t === SEQUENCE_DELIMITER) {
      if (definedEnd === undefined) return items;
      fail('DICOM_BAD_STRUCTURE', 'Sequence delimiter in a sequence of defined length', r, seqTag);
    }
    if (t !== ITEM) fail('DICOM_BAD_STRUCTURE', 'Expected an item in a sequence', r, seqTag);
    const item = new Dataset(parent);
    if (length === UNDEFINED) {
      parseElements(r, end, item, depth + 1, true);
    } else {
      if (length > end - r.pos) fail('DICOM_TRUNCATED', 'Item length exceeds the remaining data', r, seqTag);
      const itemEnd = r.pos + length;
      parseElements(r, itemEnd, item, depth + 1, false);
    }
    items.push(item);
  }
}

function parseEncapsulated(r: Reader, end: number, t: number): { offsetTable: Uint8Array; fragments: Uint8Array[] } {
  const fragments: Uint8Array[] = [];
  let offsetTable: Uint8Array | undefined;
  for (;;) {
    if (end - r.pos < 8) fail('DICOM_TRUNCATED', 'Data ends inside encapsulated pixel data', r, t);
    // Item headers of encapsulated pixel data are always little endian.
    const g = r.dv.getUint16(r.pos, true);
    const e = r.dv.getUint16(r.pos + 2, true);
    const tagValue = ((g << 16) | e) >>> 0;
    const length = r.dv.getUint32(r.pos + 4, true);
    r.pos += 8;
    if (tagValue === SEQUENCE_DELIMITER) break;
    if (tagValue !== ITEM) fail('DICOM_BAD_STRUCTURE', 'Expected a fragment item in encapsulated pixel data', r, t);
    if (length === UNDEFINED || length > end - r.pos)
      fail('DICOM_TRUNCATED', 'Fragment length exceeds the remaining data', r, t);
    const bytes = r.u8.subarray(r.pos, r.pos + length);
    r.pos += length;
    if (offsetTable === undefined) offsetTable = bytes;
    else fragments.push(bytes);
  }
  return { offsetTable: offsetTable ?? new Uint8Array(0), fragments };
}

function isVrAt(u8: Uint8Array, pos: number): boolean {
  return pos + 1 < u8.length && vrFromCode(u8[pos]!, u8[pos + 1]!) !== undefined;
}

/** Quick check whether bytes look like a DICOM file or raw dataset. */
export function isDicom(bytes: Uint8Array): boolean {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) {
    return true;
  }
  if (bytes.length < 8) return false;
  const group = bytes[0]! | (bytes[1]! << 8);
  const groupBE = (bytes[0]! << 8) | bytes[1]!;
  return group === 0x0002 || group === 0x0008 || groupBE === 0x0008 || (group <= 0x0010 && isVrAt(bytes, 4));
}

function detectRawSyntax(u8: Uint8Array): string {
  if (u8.length >= 6 && u8[0] === 0x00 && u8[1] === 0x08) return TransferSyntax.ExplicitVRBigEndian;
  return isVrAt(u8, 4) ? TransferSyntax.ExplicitVRLittleEndian : TransferSyntax.ImplicitVRLittleEndian;
}

function reader(u8: Uint8Array, pos: number, ts: string, options: ParseOptions): Reader {
  return {
    u8,
    dv: new DataView(u8.buffer, u8.byteOffset, u8.byteLength),
    pos,
    little: ts !== TransferSyntax.ExplicitVRBigEndian,
    explicit: ts !== TransferSyntax.ImplicitVRLittleEndian,
    maxLength: options.maxElementLength ?? 0x40000000,
    untilTag: options.untilTag ?? 0x100000000,
  };
}

/** Parses a DICOM Part 10 file or a raw dataset. Throws LingshuError (DICOM_*) on malformed input. */
export function parseDicom(bytes: Uint8Array, options: ParseOptions = {}): ParsedDicom {
  try {
    return parseUnchecked(bytes, options);
  } catch (e) {
    if (e instanceof LingshuError) throw e;
    // A read past the end that a bounds check missed: still the caller's data, still coded.
    if (e instanceof RangeError) throw new LingshuError('DICOM_TRUNCATED', 'Data ends inside an element', { cause: e });
    throw e;
  }
}

function parseUnchecked(bytes: Uint8Array, options: ParseOptions): ParsedDicom {
  const hasPreamble =
    bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  let pos = hasPreamble ? 132 : 0;
  const meta = new Dataset();
  if (!hasPreamble && !isDicom(bytes)) {
    throw new LingshuError('DICOM_NOT_DICOM', 'No DICM prefix and no recognisable dataset start');
  }
  // File Meta Information: explicit VR little endian group 0002.
  if (bytes.length - pos >= 8 && bytes[pos] === 0x02 && bytes[pos + 1] === 0x00) {
    const r = reader(bytes, pos, TransferSyntax.ExplicitVRLittleEndian, {});
    r.explicit = isVrAt(bytes, pos + 4);
    while (r.pos + 8 <= bytes.length && bytes[r.pos] === 0x02 && bytes[r.pos + 1] === 0x00) {
      parseMetaElement(r, bytes.length, meta);
    }
    pos = r.pos;
  } else if (hasPreamble) {
    throw new LingshuError('DICOM_BAD_STRUCTURE', 'DICM prefix without File Meta Information', {
      details: { offset: pos },
    });
  }
  let ts = getString(meta, Tags.TransferSyntaxUID) ?? options.transferSyntaxUID ?? detectRawSyntax(bytes.subarray(pos));
  ts = ts.replace(/\0/g, '').trim();
  let body = bytes;
  if (ts === TransferSyntax.DeflatedExplicitVRLittleEndian) {
    try {
      body = new Uint8Array(
        inflateRawSync(bytes.subarray(pos), { maxOutputLength: options.maxElementLength ?? 0x40000000 }),
      );
    } catch (cause) {
      throw new LingshuError('DICOM_TRUNCATED', 'Deflated dataset could not be inflated', { cause });
    }
    pos = 0;
  }
  const r = reader(body, pos, ts, options);
  if (!/^[0-9.]{1,64}$/.test(ts)) {
    throw new LingshuError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', 'Unknown transfer syntax', {
      details: { transferSyntax: ts.slice(0, 64) },
    });
  }
  const dataset = new Dataset();
  parseElements(r, body.length, dataset, 0, false);
  return { meta, dataset, transferSyntaxUID: ts, hasPreamble, byteLength: bytes.length };
}

/** Parses exactly one element of the File Meta Information group into `ds`. */
function parseMetaElement(r: Reader, end: number, ds: Dataset): void {
  const start = r.pos;
  if (end - r.pos < 12) fail('DICOM_TRUNCATED', 'Data ends inside File Meta Information', r);
  const tagValue = readTag(r);
  let vr: VR;
  let length: number;
  if (r.explicit) {
    const code = vrFromCode(r.u8[r.pos]!, r.u8[r.pos + 1]!);
    if (!code) fail('DICOM_BAD_VR', 'Invalid value representation in File Meta Information', r, tagValue);
    vr = code;
    if (hasLongLength(vr)) {
      length = r.dv.getUint32(r.pos + 4, true);
      r.pos += 8;
    } else {
      length = r.dv.getUint16(r.pos + 2, true);
      r.pos += 4;
    }
  } else {
    vr = lookupVR(tagValue);
    length = r.dv.getUint32(r.pos, true);
    r.pos += 4;
  }
  if (length === UNDEFINED || length > end - r.pos) {
    r.pos = start;
    fail('DICOM_TRUNCATED', 'File Meta Information element exceeds the data', r, tagValue);
  }
  ds.set(parseValue(r, tagValue, vr, length, end, ds, 0));
}
