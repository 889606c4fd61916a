import type { PixelFacts } from './nativeFrames.js';

/**
 * Finds the SOP Instance UID and the native Pixel Data of a DICOM Part 10 object (PS3.10 §7.1)
 * without parsing the rest: enough to hand a series' frames to Cornerstone from one retrieve.
 * Only the native little-endian transfer syntaxes are read; anything else (encapsulated, deflated,
 * big endian) reports its transfer syntax and no pixels, and the caller loads it frame by frame.
 */

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';

export interface Part10Pixels {
  transferSyntaxUid: string;
  sopInstanceUid?: string;
  /** The top-level pixel description and modality rescale, as read from this object's header. */
  facts?: PixelFacts;
  /** Number of Frames (0028,0008); 1 when absent. */
  frames?: number;
  /** The Pixel Data value (a view into the object), when native and little endian. */
  pixelData?: Uint8Array;
}

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 §7.1.2). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const SOP_INSTANCE_UID = 0x00080018;
const PIXEL_DATA = 0x7fe00010;

/** Top-level attributes read into `PixelFacts` (US: 2-byte unsigned; strings trimmed). */
const US_FACTS = new Map<number, keyof PixelFacts>([
  [0x00280002, 'samplesPerPixel'],
  [0x00280010, 'rows'],
  [0x00280011, 'columns'],
  [0x00280100, 'bitsAllocated'],
  [0x00280101, 'bitsStored'],
  [0x00280103, 'pixelRepresentation'],
]);
const MODALITY = 0x00080060;
const NUMBER_OF_FRAMES = 0x00280008;
const PHOTOMETRIC = 0x00280004;
const RESCALE_INTERCEPT = 0x00281052;
const RESCALE_SLOPE = 0x00281053;
const MODALITY_LUT_SEQUENCE = 0x00283000;

interface Element {
  tag: number;
  length: number;
  /** Offset of the value. */
  value: number;
}

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public explicit: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  element(pos: number): Element {
    const v = this.view;
    const tag = ((v.getUint16(pos, true) << 16) | v.getUint16(pos + 2, true)) >>> 0;
    if (tag >>> 16 === 0xfffe) return { tag, length: v.getUint32(pos + 4, true), value: pos + 8 };
    if (!this.explicit) return { tag, length: v.getUint32(pos + 4, true), value: pos + 8 };
    const vr = String.fromCharCode(this.bytes[pos + 4] as number, this.bytes[pos + 5] as number);
    if (LONG_VRS.has(vr)) return { tag, length: v.getUint32(pos + 8, true), value: pos + 12 };
    return { tag, length: v.getUint16(pos + 6, true), value: pos + 8 };
  }

  /** The offset after an undefined-length value that starts at `pos` (items up to the sequence delimiter). */
  skipUndefined(pos: number): number {
    for (;;) {
      const item = this.element(pos);
      if (item.tag === SEQUENCE_END) return item.value;
      if (item.tag !== ITEM) throw new Error('malformed sequence');
      if (item.length !== UNDEFINED) {
        pos = item.value + item.length;
        continue;
      }
      pos = item.value;
      for (;;) {
        const e = this.element(pos);
        if (e.tag === ITEM_END) {
          pos = e.value;
          break;
        }
        pos = e.length === UNDEFINED ? this.skipUndefined(e.value) : e.value + e.length;
      }
    }
  }

  text(e: Element): string {
    let s = '';
    for (let i = e.value; i < e.value + e.length; i++) s += String.fromCharCode(this.bytes[i] as number);
    return s.replace(/[\0 ]+$/, '');
  }
}

/** Reads the file meta information and the top level of the data set up to Pixel Data. */
export function part10Pixels(bytes: Uint8Array): Part10Pixels {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM')
    throw new Error('not a DICOM Part 10 object');
  const meta = new Reader(bytes, true);
  let pos = 132;
  let transferSyntaxUid = '';
  while (pos + 8 <= bytes.length) {
    const e = meta.element(pos);
    if (e.tag >>> 16 !== 0x0002) break;
    if (e.tag === 0x00020010) transferSyntaxUid = meta.text(e);
    pos = e.value + e.length;
  }
  if (transferSyntaxUid !== EXPLICIT_VR_LITTLE_ENDIAN && transferSyntaxUid !== IMPLICIT_VR_LITTLE_ENDIAN)
    return { transferSyntaxUid };
  const r = new Reader(bytes, transferSyntaxUid === EXPLICIT_VR_LITTLE_ENDIAN);
  const facts: PixelFacts = {};
  const out: Part10Pixels = { transferSyntaxUid, facts };
  while (pos + 8 <= bytes.length) {
    const e = r.element(pos);
    if (e.tag === SOP_INSTANCE_UID) out.sopInstanceUid = r.text(e);
    else if (e.tag === MODALITY) facts.modality = r.text(e);
    else if (e.tag === PHOTOMETRIC) facts.photometricInterpretation = r.text(e);
    else if (e.tag === RESCALE_INTERCEPT) facts.rescaleIntercept = decimal(r.text(e));
    else if (e.tag === RESCALE_SLOPE) facts.rescaleSlope = decimal(r.text(e));
    else if (e.tag === NUMBER_OF_FRAMES) out.frames = decimal(r.text(e));
    else if (e.tag === MODALITY_LUT_SEQUENCE) facts.modalityLutSequence = e.length !== 0;
    else {
      const key = US_FACTS.get(e.tag);
      if (key && e.length >= 2) (facts as Record<string, number>)[key] = r.view.getUint16(e.value, true);
    }
    if (e.tag === PIXEL_DATA) {
      if (e.length !== UNDEFINED && e.value + e.length <= bytes.length)
        out.pixelData = bytes.subarray(e.value, e.value + e.length);
      break;
    }
    if (e.tag > PIXEL_DATA) break;
    pos = e.length === UNDEFINED ? r.skipUndefined(e.value) : e.value + e.length;
  }
  return out;
}

/** The first value of a DS/IS string, or undefined when it is not a number. */
function decimal(text: string): number | undefined {
  const first = text.split('\\')[0]?.trim() ?? '';
  if (first === '') return undefined;
  const n = Number(first);
  return Number.isFinite(n) ? n : undefined;
}
