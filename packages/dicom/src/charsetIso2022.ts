/**
 * ISO 2022 code extension for DICOM text (PS3.5 6.1.2.5, Annexes H, I, K): escape sequences
 * designate graphic sets to G0 (bytes 0x21–0x7E) and G1 (bytes 0xA1–0xFE); the designations
 * return to the initial state (value 1 of Specific Character Set) at each delimiter: '^' and '='
 * in PN (and '\' between values), CR, LF, FF, TAB and '\' in other text.
 */
import iconv from 'iconv-lite';
import { DESIGNATIONS, type Designation, designationOf, type GraphicSet, parseCharsetTerm } from './charsetTerms.js';

const ESC = 0x1b;
const REPLACEMENT = '\uFFFD';

export interface Iso2022State {
  g0: GraphicSet;
  g1: GraphicSet | undefined;
}

export interface Iso2022Setup {
  initial: Iso2022State;
  /** Initial state for reading: as `initial`, with leniency for files that omit escapes. */
  readingInitial: Iso2022State;
  /** Every set the declared terms allow, in declaration order (for encoding). */
  sets: GraphicSet[];
}

/** Initial designations and allowed sets from the Specific Character Set values. */
export function iso2022Setup(specificCharacterSet: readonly string[]): Iso2022Setup {
  const sets: GraphicSet[] = [];
  let initial: Iso2022State = { g0: 'ascii', g1: undefined };
  specificCharacterSet.forEach((raw, index) => {
    const term = parseCharsetTerm(raw);
    if (term.kind !== 'iso2022' && term.kind !== 'single') return;
    const own = [term.g0, term.g1, term.kind === 'iso2022' ? term.extra : undefined];
    for (const s of own) if (s && !sets.includes(s)) sets.push(s);
    if (index === 0) initial = { g0: term.g0, g1: term.g1 };
  });
  if (!sets.includes('ascii')) sets.unshift('ascii');
  // Leniency: files often declare '\ISO 2022 IR 149' (or IR 58) and then omit the escape
  // sequences; when value 1 leaves G1 empty, start with the first declared multi-byte G1 set.
  const fallbackG1 = sets.find((s) => s === 'gb2312' || s === 'ksx1001');
  const readingInitial = initial.g1 === undefined && fallbackG1 ? { g0: initial.g0, g1: fallbackG1 } : initial;
  return { initial, readingInitial, sets };
}

function isDelimiter(byte: number, isPersonName: boolean): boolean {
  if (byte === 0x5c) return true; // backslash: value delimiter
  if (isPersonName) return byte === 0x5e || byte === 0x3d || byte === 0x0a || byte === 0x0d;
  return byte === 0x0d || byte === 0x0a || byte === 0x0c || byte === 0x09;
}

function matchEscape(bytes: Uint8Array, at: number): Designation | undefined {
  return DESIGNATIONS.find((d) => d.escape.every((b, k) => bytes[at + k] === b));
}

const isDoubleG0 = (s: GraphicSet): boolean => s === 'jisx0208' || s === 'jisx0212';
const isDoubleG1 = (s: GraphicSet): boolean => s === 'gb2312' || s === 'ksx1001';
const inGR94 = (b: number | undefined): b is number => b !== undefined && b >= 0xa1 && b <= 0xfe;
const inGL94 = (b: number | undefined): b is number => b !== undefined && b >= 0x21 && b <= 0x7e;

/** The iconv-lite codec that decodes a set's bytes (double-byte sets in their EUC form). */
function codecOf(set: GraphicSet): string {
  switch (set) {
    case 'gb2312':
      return 'gb2312';
    case 'ksx1001':
      return 'euc-kr';
    case 'jisx0208':
    case 'jisx0212':
      return 'euc-jp';
    default:
      return set;
  }
}

/** Decodes a value that may contain ISO 2022 escape sequences. Never throws; bad bytes → U+FFFD. */
export function decodeIso2022(bytes: Uint8Array, setup: Iso2022Setup, isPersonName: boolean): string {
  const out: string[] = [];
  let pending: number[] = [];
  let pendingCodec = '';
  const flush = (): void => {
    if (pending.length > 0) out.push(iconv.decode(Buffer.from(pending), pendingCodec));
    pending = [];
  };
  const emitBytes = (codec: string, ...bs: number[]): void => {
    if (codec !== pendingCodec) {
      flush();
      pendingCodec = codec;
    }
    pending.push(...bs);
  };
  const emitText = (s: string): void => {
    flush();
    out.push(s);
  };
  const initial = setup.readingInitial;
  let { g0, g1 } = initial;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b === ESC) {
      const d = matchEscape(bytes, i + 1);
      if (d) {
        if (d.slot === 'G0') g0 = d.set;
        else g1 = d.set;
        i += 1 + d.escape.length;
      } else {
        emitText(REPLACEMENT);
        i += 1;
      }
      continue;
    }
    if (b < 0x80) {
      if (isDoubleG0(g0) && inGL94(b)) {
        const b2 = bytes[i + 1];
        if (inGL94(b2)) {
          if (g0 === 'jisx0212') emitBytes('euc-jp', 0x8f, b | 0x80, b2 | 0x80);
          else emitBytes('euc-jp', b | 0x80, b2 | 0x80);
          i += 2;
        } else {
          emitText(REPLACEMENT);
          i += 1;
        }
        continue;
      }
      // Single-byte G0 (ASCII; JIS X 0201 Roman is read as ASCII so '\' keeps delimiting values).
      emitBytes('latin1', b);
      if (isDelimiter(b, isPersonName)) ({ g0, g1 } = initial);
      i += 1;
      continue;
    }
    if (g1 === undefined) {
      emitText(REPLACEMENT);
      i += 1;
    } else if (isDoubleG1(g1)) {
      const b2 = bytes[i + 1];
      if (inGR94(b) && inGR94(b2)) {
        emitBytes(codecOf(g1), b, b2);
        i += 2;
      } else {
        emitText(REPLACEMENT);
        i += 1;
      }
    } else if (g1 === 'jis-katakana') {
      emitText(b >= 0xa1 && b <= 0xdf ? String.fromCharCode(0xff61 + b - 0xa1) : REPLACEMENT);
      i += 1;
    } else {
      emitBytes(codecOf(g1), b);
      i += 1;
    }
  }
  flush();
  return out.join('');
}

/** The bytes of one character in a set (without designation), or undefined if it has none. */
export function encodeInSet(ch: string, set: GraphicSet): number[] | undefined {
  const cp = ch.codePointAt(0) as number;
  switch (set) {
    case 'ascii':
    case 'jis-roman':
      return cp < 0x80 ? [cp] : undefined;
    case 'jis-katakana':
      return cp >= 0xff61 && cp <= 0xff9f ? [cp - 0xff61 + 0xa1] : undefined;
    default:
      break;
  }
  const codec = codecOf(set);
  const enc = iconv.encode(ch, codec);
  if (iconv.decode(enc, codec) !== ch) return undefined;
  const bytes = [...enc];
  if (set === 'jisx0208') return bytes.length === 2 && bytes.every(inGR94) ? bytes.map((x) => x & 0x7f) : undefined;
  if (set === 'jisx0212') {
    const [lead, ...rest] = bytes;
    return lead === 0x8f && rest.length === 2 && rest.every(inGR94) ? rest.map((x) => x & 0x7f) : undefined;
  }
  if (isDoubleG1(set)) return bytes.length === 2 && bytes.every(inGR94) ? bytes : undefined;
  // Single-byte G1 sets: only the upper half (0xA0–0xFF) belongs to G1.
  return bytes.length === 1 && (bytes[0] as number) >= 0xa0 ? bytes : undefined;
}

/**
 * Encodes text with ISO 2022 escape sequences, following PS3.5 Annexes H, I and K: a designation
 * escape before the first character of another set in each component; G0 switched back to the
 * initial set before each delimiter and at the end; in non-PN text, lines also end in ASCII
 * (Example K.3-1). Returns undefined at the first character no declared set can represent.
 */
export function encodeIso2022(text: string, setup: Iso2022Setup, isPersonName: boolean): number[] | undefined {
  const out: number[] = [];
  const { initial } = setup;
  let { g0, g1 } = initial;
  const designate = (set: GraphicSet): void => {
    const d = designationOf(set);
    out.push(ESC, ...d.escape);
    if (d.slot === 'G0') g0 = set;
    else g1 = set;
  };
  const backToInitial = (): void => {
    if (g0 !== initial.g0) designate(initial.g0);
    else if (!isPersonName && g1 !== initial.g1) out.push(ESC, ...designationOf(initial.g0).escape);
  };
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) {
      if (isDelimiter(cp, isPersonName)) {
        backToInitial();
        out.push(cp);
        ({ g0, g1 } = initial);
        continue;
      }
      if (isDoubleG0(g0)) designate(initial.g0);
      out.push(cp);
      continue;
    }
    const candidates = [g1, g0, ...setup.sets].filter((s): s is GraphicSet => s !== undefined);
    let done = false;
    for (const set of candidates) {
      const bytes = encodeInSet(ch, set);
      if (!bytes) continue;
      const slot = designationOf(set).slot;
      if ((slot === 'G0' ? g0 : g1) !== set) designate(set);
      out.push(...bytes);
      done = true;
      break;
    }
    if (!done) return undefined;
  }
  backToInitial();
  return out;
}
