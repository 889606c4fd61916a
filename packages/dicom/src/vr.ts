import type { VR } from './dataset.js';

const ALL_VRS: readonly VR[] = [
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FD',
  'FL',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'SV',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
  'UV',
];

/** VR by its two ASCII bytes packed as (b0 << 8) | b1. */
const VR_BY_CODE = new Map<number, VR>(ALL_VRS.map((vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr]));

export function vrFromCode(b0: number, b1: number): VR | undefined {
  return VR_BY_CODE.get((b0 << 8) | b1);
}

export function isVR(s: string): s is VR {
  return (ALL_VRS as readonly string[]).includes(s);
}

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2). */
const LONG_VRS = new Set<VR>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

export function hasLongLength(vr: VR): boolean {
  return LONG_VRS.has(vr);
}

/** Byte size of one binary value whose order must be swapped between endians (1 = none). */
export function swapSize(vr: VR): 1 | 2 | 4 | 8 {
  switch (vr) {
    case 'US':
    case 'SS':
    case 'OW':
    case 'AT':
      return 2;
    case 'UL':
    case 'SL':
    case 'FL':
    case 'OF':
    case 'OL':
      return 4;
    case 'FD':
    case 'OD':
    case 'SV':
    case 'UV':
    case 'OV':
      return 8;
    default:
      return 1;
  }
}

/** Copies `src` reversing the byte order of every `size`-byte word. */
export function swapBytes(src: Uint8Array, size: 2 | 4 | 8): Uint8Array {
  const out = new Uint8Array(src.length);
  const n = src.length - (src.length % size);
  for (let i = 0; i < n; i += size) {
    for (let k = 0; k < size; k++) out[i + k] = src[i + size - 1 - k]!;
  }
  out.set(src.subarray(n), n);
  return out;
}
