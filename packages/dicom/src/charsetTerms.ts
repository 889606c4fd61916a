/**
 * Defined Terms of Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 (Tables C.12-2 to C.12-5),
 * and the ISO 2022 graphic sets they designate (PS3.5 6.1.2.5).
 */
import { LingshuError } from './errors.js';

/** A graphic character set that ISO 2022 code extension can designate to G0 or G1. */
export type GraphicSet =
  | 'ascii'
  | 'jis-roman'
  | 'jisx0208'
  | 'jisx0212'
  | 'jis-katakana'
  | 'gb2312'
  | 'ksx1001'
  | 'iso-8859-1'
  | 'iso-8859-2'
  | 'iso-8859-3'
  | 'iso-8859-4'
  | 'iso-8859-5'
  | 'iso-8859-6'
  | 'iso-8859-7'
  | 'iso-8859-8'
  | 'iso-8859-9'
  | 'iso-8859-15'
  | 'tis-620';

export type Slot = 'G0' | 'G1';

export interface Designation {
  slot: Slot;
  set: GraphicSet;
  /** The escape sequence bytes after ESC (01/11). */
  escape: readonly number[];
}

const bytesOf = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Escape sequences of PS3.3 Tables C.12-3 and C.12-4 (plus JIS C 6226-1978 'ESC $ @', read only). */
export const DESIGNATIONS: readonly Designation[] = [
  { slot: 'G0', set: 'ascii', escape: bytesOf('(B') },
  { slot: 'G0', set: 'jis-roman', escape: bytesOf('(J') },
  { slot: 'G0', set: 'jisx0208', escape: bytesOf('$B') },
  { slot: 'G0', set: 'jisx0212', escape: bytesOf('$(D') },
  { slot: 'G1', set: 'jis-katakana', escape: bytesOf(')I') },
  { slot: 'G1', set: 'gb2312', escape: bytesOf('$)A') },
  { slot: 'G1', set: 'ksx1001', escape: bytesOf('$)C') },
  { slot: 'G1', set: 'iso-8859-1', escape: bytesOf('-A') },
  { slot: 'G1', set: 'iso-8859-2', escape: bytesOf('-B') },
  { slot: 'G1', set: 'iso-8859-3', escape: bytesOf('-C') },
  { slot: 'G1', set: 'iso-8859-4', escape: bytesOf('-D') },
  { slot: 'G1', set: 'iso-8859-5', escape: bytesOf('-L') },
  { slot: 'G1', set: 'iso-8859-6', escape: bytesOf('-G') },
  { slot: 'G1', set: 'iso-8859-7', escape: bytesOf('-F') },
  { slot: 'G1', set: 'iso-8859-8', escape: bytesOf('-H') },
  { slot: 'G1', set: 'iso-8859-9', escape: bytesOf('-M') },
  { slot: 'G1', set: 'iso-8859-15', escape: bytesOf('-b') },
  { slot: 'G1', set: 'tis-620', escape: bytesOf('-T') },
  { slot: 'G0', set: 'jisx0208', escape: bytesOf('$@') },
];

export function designationOf(set: GraphicSet): Designation {
  const d = DESIGNATIONS.find((x) => x.set === set);
  if (!d) throw new LingshuError('INTERNAL', 'A graphic set has no designation escape'); // unreachable
  return d;
}

/** What one Defined Term means. */
export type CharsetTerm =
  | { kind: 'default' }
  /** Single-byte set without code extensions (ISO_IR 100 …, ISO_IR 13). */
  | { kind: 'single'; g0: GraphicSet; g1: GraphicSet }
  /** Multi-byte without code extensions: the whole value is in this encoding. */
  | { kind: 'whole'; codec: 'utf-8' | 'gb18030' | 'gbk' }
  /** ISO 2022 term: the sets it may designate (first G0/G1 are the initial state as value 1). */
  | { kind: 'iso2022'; g0: GraphicSet; g1: GraphicSet | undefined; extra: GraphicSet | undefined }
  | { kind: 'unknown' };

const SINGLE_BYTE_IR: Readonly<Record<number, GraphicSet>> = {
  100: 'iso-8859-1',
  101: 'iso-8859-2',
  109: 'iso-8859-3',
  110: 'iso-8859-4',
  144: 'iso-8859-5',
  127: 'iso-8859-6',
  126: 'iso-8859-7',
  138: 'iso-8859-8',
  148: 'iso-8859-9',
  203: 'iso-8859-15',
  166: 'tis-620',
  13: 'jis-katakana',
};

const MULTI_BYTE_IR: Readonly<Record<number, { slot: Slot; set: GraphicSet }>> = {
  87: { slot: 'G0', set: 'jisx0208' },
  159: { slot: 'G0', set: 'jisx0212' },
  58: { slot: 'G1', set: 'gb2312' },
  149: { slot: 'G1', set: 'ksx1001' },
};

/** Parses one Defined Term, tolerating case and '_', '-' or ' ' variants ('ISO-IR 100', 'iso_ir 100'). */
export function parseCharsetTerm(raw: string): CharsetTerm {
  const term = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  if (term === '' || term === 'ISO_IR 6' || term === 'ISO IR 6') return { kind: 'default' };
  if (term === 'GB18030') return { kind: 'whole', codec: 'gb18030' };
  if (term === 'GBK' || term === 'GB2312') return { kind: 'whole', codec: 'gbk' };
  if (term === 'UTF-8' || term === 'UTF8') return { kind: 'whole', codec: 'utf-8' };
  const m = /^ISO[ _-]?(2022[ _-])?IR[ _-]?(\d+)$/.exec(term);
  if (!m) return { kind: 'unknown' };
  const extension = m[1] !== undefined;
  const ir = Number(m[2]);
  if (ir === 192) return { kind: 'whole', codec: 'utf-8' };
  const g0: GraphicSet = ir === 13 ? 'jis-roman' : 'ascii';
  if (ir === 6) return extension ? { kind: 'iso2022', g0, g1: undefined, extra: undefined } : { kind: 'default' };
  const single = SINGLE_BYTE_IR[ir];
  if (single)
    return extension ? { kind: 'iso2022', g0, g1: single, extra: undefined } : { kind: 'single', g0, g1: single };
  const multi = MULTI_BYTE_IR[ir];
  if (multi) {
    // Multi-byte sets are only defined with code extensions; accept 'ISO_IR 58' etc. leniently.
    return multi.slot === 'G1'
      ? { kind: 'iso2022', g0: 'ascii', g1: multi.set, extra: undefined }
      : { kind: 'iso2022', g0: 'ascii', g1: undefined, extra: multi.set };
  }
  return { kind: 'unknown' };
}

/** Terms of a Specific Character Set value that this implementation does not know (for warnings). */
export function unknownCharacterSetTerms(specificCharacterSet: readonly string[]): string[] {
  return specificCharacterSet.filter((t) => parseCharsetTerm(t).kind === 'unknown');
}
