import { decodeText, encodeText } from './charset.js';
import type { Dataset, Element, VR } from './dataset.js';
import { LingshuError } from './errors.js';
import { formatTag, type Tag, Tags } from './tag.js';

const TEXT_VRS = new Set<VR>([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
/** VRs whose text is affected by the Specific Character Set (PS3.5 6.1.2.3). */
const CHARSET_VRS = new Set<VR>(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
/** VRs that hold exactly one value (no backslash splitting). */
const SINGLE_VALUE_TEXT_VRS = new Set<VR>(['LT', 'ST', 'UT', 'UR']);

export function isTextVR(vr: VR): boolean {
  return TEXT_VRS.has(vr);
}

/** The Specific Character Set in effect for this dataset (inherited by sequence items). */
export function specificCharacterSet(ds: Dataset): string[] {
  for (let d: Dataset | undefined = ds; d; d = d.parent) {
    const el = d.get(Tags.SpecificCharacterSet);
    if (el?.bytes) {
      const raw = Buffer.from(el.bytes.buffer, el.bytes.byteOffset, el.bytes.byteLength).toString('latin1');
      return raw.split('\\').map((s) => s.trim());
    }
  }
  return [];
}

function trimText(s: string, vr: VR): string {
  // Leading spaces are significant in LT/ST/UT; trailing spaces and NULs are padding everywhere.
  const trimmedEnd = s.replace(/[\s\0]+$/u, '');
  return vr === 'LT' || vr === 'ST' || vr === 'UT' ? trimmedEnd : trimmedEnd.replace(/^\s+/u, '');
}

/** The whole text of an element, decoded, without splitting on backslash. */
export function elementText(ds: Dataset, el: Element): string {
  if (!el.bytes || el.bytes.length === 0) return '';
  if (CHARSET_VRS.has(el.vr)) return decodeText(el.bytes, specificCharacterSet(ds), el.vr);
  return Buffer.from(el.bytes.buffer, el.bytes.byteOffset, el.bytes.byteLength).toString('latin1');
}

/** All values of a text element, each trimmed of padding. Empty array when absent or empty. */
export function getStrings(ds: Dataset, t: Tag): string[] {
  const el = ds.get(t);
  if (!el?.bytes || el.bytes.length === 0) return [];
  const text = elementText(ds, el);
  if (SINGLE_VALUE_TEXT_VRS.has(el.vr)) return [trimText(text, el.vr)];
  return text.split('\\').map((v) => trimText(v, el.vr));
}

/** First value of a text element (undefined when absent or empty). */
export function getString(ds: Dataset, t: Tag): string | undefined {
  const v = getStrings(ds, t)[0];
  return v === undefined || v === '' ? undefined : v;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** All numeric values of an element: binary numeric VRs, IS and DS. */
export function getNumbers(ds: Dataset, t: Tag): number[] {
  const el = ds.get(t);
  if (!el?.bytes || el.bytes.length === 0) return [];
  const b = el.bytes;
  const dv = view(b);
  const out: number[] = [];
  const read = (size: number, f: (o: number) => number): number[] => {
    for (let o = 0; o + size <= b.length; o += size) out.push(f(o));
    return out;
  };
  switch (el.vr) {
    case 'US':
    case 'OW':
      return read(2, (o) => dv.getUint16(o, true));
    case 'SS':
      return read(2, (o) => dv.getInt16(o, true));
    case 'UL':
    case 'OL':
      return read(4, (o) => dv.getUint32(o, true));
    case 'SL':
      return read(4, (o) => dv.getInt32(o, true));
    case 'FL':
    case 'OF':
      return read(4, (o) => dv.getFloat32(o, true));
    case 'FD':
    case 'OD':
      return read(8, (o) => dv.getFloat64(o, true));
    case 'SV':
      return read(8, (o) => Number(dv.getBigInt64(o, true)));
    case 'UV':
    case 'OV':
      return read(8, (o) => Number(dv.getBigUint64(o, true)));
    case 'IS':
    case 'DS':
      return getStrings(ds, t)
        .filter((s) => s !== '')
        .map((s) => {
          const n = Number(s);
          if (!Number.isFinite(n)) {
            throw new LingshuError(
              'DICOM_BAD_VALUE',
              `Element ${formatTag(t)} (${el.vr}) holds a value that is not a number`,
              {
                details: { tag: formatTag(t) },
              },
            );
          }
          return n;
        });
    default:
      return [];
  }
}

export function getNumber(ds: Dataset, t: Tag): number | undefined {
  return getNumbers(ds, t)[0];
}

export function getSequence(ds: Dataset, t: Tag): Dataset[] {
  return ds.get(t)?.items ?? [];
}

/** Pads to even length with the VR's padding byte (NUL for UI and binary, space for text). */
export function padEven(bytes: Uint8Array, vr: VR): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = vr === 'UI' || !TEXT_VRS.has(vr) ? 0 : 0x20;
  return out;
}

/** Sets a text element from one or more values, encoded with the dataset's character set. */
export function setStrings(ds: Dataset, t: Tag, vr: VR, values: readonly string[]): void {
  const joined = values.join('\\');
  const bytes = CHARSET_VRS.has(vr)
    ? encodeText(joined, specificCharacterSet(ds), vr)
    : new Uint8Array(Buffer.from(joined, 'latin1'));
  ds.set({ tag: t, vr, bytes: padEven(bytes, vr) });
}

export function setString(ds: Dataset, t: Tag, vr: VR, value: string): void {
  setStrings(ds, t, vr, [value]);
}

/** Sets a binary numeric element (US, SS, UL, SL, FL, FD, and their O* forms). */
export function setNumbers(ds: Dataset, t: Tag, vr: VR, values: readonly number[]): void {
  if (vr === 'IS' || vr === 'DS') {
    setStrings(
      ds,
      t,
      vr,
      values.map((v) => formatDecimal(v, vr)),
    );
    return;
  }
  const size =
    vr === 'US' || vr === 'SS' || vr === 'OW'
      ? 2
      : vr === 'FD' || vr === 'OD' || vr === 'SV' || vr === 'UV' || vr === 'OV'
        ? 8
        : 4;
  const bytes = new Uint8Array(values.length * size);
  const dv = view(bytes);
  values.forEach((v, i) => {
    const o = i * size;
    switch (vr) {
      case 'US':
      case 'OW':
        dv.setUint16(o, v, true);
        break;
      case 'SS':
        dv.setInt16(o, v, true);
        break;
      case 'UL':
      case 'OL':
        dv.setUint32(o, v, true);
        break;
      case 'SL':
        dv.setInt32(o, v, true);
        break;
      case 'FL':
      case 'OF':
        dv.setFloat32(o, v, true);
        break;
      case 'FD':
      case 'OD':
        dv.setFloat64(o, v, true);
        break;
      case 'SV':
        dv.setBigInt64(o, BigInt(Math.trunc(v)), true);
        break;
      case 'UV':
      case 'OV':
        dv.setBigUint64(o, BigInt(Math.trunc(v)), true);
        break;
      default:
        throw new LingshuError('DICOM_BAD_VR', `Cannot set numbers on VR ${vr}`);
    }
  });
  ds.set({ tag: t, vr, bytes });
}

/** IS: integer; DS: at most 16 characters (PS3.5 6.2). */
export function formatDecimal(v: number, vr: 'IS' | 'DS'): string {
  if (vr === 'IS') return String(Math.round(v));
  let s = String(v);
  if (s.length <= 16) return s;
  for (let p = 15; p > 0; p--) {
    s = Number(v.toPrecision(p)).toString();
    if (s.length <= 16) return s;
  }
  return v.toExponential(8);
}
