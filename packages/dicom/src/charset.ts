/**
 * Text decoding and encoding with the Specific Character Set (0008,0005): PS3.3 C.12.1.1.2 and
 * PS3.5 6.1. Single-byte sets (ISO_IR 100 …), multi-byte sets without code extensions
 * (ISO_IR 192 UTF-8, GB18030, GBK: the whole value is decoded at once, so a 0x5C trailing byte
 * is never taken for a backslash), and ISO 2022 code extensions (IR 58, 87, 159, 149, 13 …).
 * Readers never throw: unknown terms read as Latin-1, bad bytes become U+FFFD.
 */
import iconv from 'iconv-lite';
import { decodeIso2022, encodeInSet, encodeIso2022, iso2022Setup } from './charsetIso2022.js';
import { type CharsetTerm, parseCharsetTerm } from './charsetTerms.js';
import type { VR } from './dataset.js';
import { LingshuError } from './errors.js';

export { type CharsetTerm, parseCharsetTerm, unknownCharacterSetTerms } from './charsetTerms.js';

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** How a value must be read: one codec for the whole value, or ISO 2022 code extension. */
function strategy(specificCharacterSet: readonly string[]): CharsetTerm {
  const first = parseCharsetTerm(specificCharacterSet[0] ?? '');
  if (first.kind === 'whole' || first.kind === 'unknown') return first;
  if (specificCharacterSet.length > 1) return { kind: 'iso2022', g0: 'ascii', g1: undefined, extra: undefined };
  return first;
}

/** JIS X 0201: ASCII-compatible G0, half-width katakana at 0xA1–0xDF (ISO_IR 13). */
function decodeJisX0201(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b < 0x80) s += String.fromCharCode(b);
    else if (b >= 0xa1 && b <= 0xdf) s += String.fromCharCode(0xff61 + b - 0xa1);
    else s += '\uFFFD';
  }
  return s;
}

/**
 * Decodes the raw bytes of a text value with the Specific Character Set (0008,0005) in effect.
 * `specificCharacterSet` is the list of its values ('' for the default repertoire in position 1).
 */
export function decodeText(bytes: Uint8Array, specificCharacterSet: readonly string[], vr: VR): string {
  const how = strategy(specificCharacterSet);
  switch (how.kind) {
    case 'whole':
      return how.codec === 'utf-8' ? utf8Decoder.decode(bytes) : iconv.decode(asBuffer(bytes), how.codec);
    case 'single':
      return how.g1 === 'jis-katakana' ? decodeJisX0201(bytes) : iconv.decode(asBuffer(bytes), how.g1);
    case 'iso2022':
      return decodeIso2022(bytes, iso2022Setup(specificCharacterSet), vr === 'PN');
    default:
      // Default repertoire, and unknown terms: Latin-1 (ASCII-compatible, never fails).
      return asBuffer(bytes).toString('latin1');
  }
}

function charsetError(specificCharacterSet: readonly string[], reason: string): LingshuError {
  const declared = specificCharacterSet.join('\\');
  return new LingshuError('DICOM_CHARSET', `${reason} (Specific Character Set '${declared}')`, {
    details: { specificCharacterSet: declared },
  });
}

/** Encodes with one iconv codec, refusing characters the codec would replace. */
function encodeWhole(text: string, codec: string): Uint8Array | undefined {
  const bytes = iconv.encode(text, codec);
  return iconv.decode(bytes, codec) === text ? new Uint8Array(bytes) : undefined;
}

/**
 * Encodes text for a value with the given Specific Character Set. Throws
 * LingshuError('DICOM_CHARSET') when a character cannot be represented (the message names the
 * character set, never the text).
 */
export function encodeText(text: string, specificCharacterSet: readonly string[], vr: VR): Uint8Array {
  const how = strategy(specificCharacterSet);
  let out: Uint8Array | undefined;
  switch (how.kind) {
    case 'whole':
      if (how.codec === 'utf-8') {
        if (/\p{Cs}/u.test(text)) throw charsetError(specificCharacterSet, 'Text has an unpaired surrogate');
        return utf8Encoder.encode(text);
      }
      out = encodeWhole(text, how.codec);
      break;
    case 'single': {
      const bytes: number[] = [];
      for (const ch of text) {
        const b = encodeInSet(ch, how.g0) ?? encodeInSet(ch, how.g1);
        if (!b) throw charsetError(specificCharacterSet, 'A character is not in the declared character set');
        bytes.push(...b);
      }
      out = new Uint8Array(bytes);
      break;
    }
    case 'iso2022': {
      const bytes = encodeIso2022(text, iso2022Setup(specificCharacterSet), vr === 'PN');
      out = bytes && new Uint8Array(bytes);
      break;
    }
    case 'default':
      out = /^[\0-\x7f]*$/.test(text) ? new Uint8Array(Buffer.from(text, 'latin1')) : undefined;
      break;
    default:
      throw charsetError(specificCharacterSet, 'The character set is not supported for writing');
  }
  if (!out) throw charsetError(specificCharacterSet, 'A character is not in the declared character set');
  return out;
}
