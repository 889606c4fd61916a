/** Seeded mutations of DICOM files for fuzz tests (mulberry32: deterministic per seed). */
export { mulberry32 } from '@lingshu/imaging';

export type Mutation = 'truncate' | 'flip' | 'length' | 'vr' | 'garbage-pixels' | 'insert' | 'huge-length' | 'splice';
export const MUTATIONS: readonly Mutation[] = [
  'truncate',
  'flip',
  'length',
  'vr',
  'garbage-pixels',
  'insert',
  'huge-length',
  'splice',
];

/** Offsets of plausible element headers (an even group/element followed by two uppercase letters). */
function headerOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 132; i + 8 < b.length && out.length < 4000; i += 2) {
    const c0 = b[i + 4]!;
    const c1 = b[i + 5]!;
    if (c0 >= 65 && c0 <= 90 && c1 >= 65 && c1 <= 90) out.push(i);
  }
  return out;
}

export function mutate(src: Uint8Array, kind: Mutation, rand: () => number): Uint8Array {
  const b = new Uint8Array(src);
  const at = (n: number): number => Math.floor(rand() * n);
  const headers = headerOffsets(b);
  const header = headers.length > 0 ? headers[at(headers.length)]! : 132;
  switch (kind) {
    case 'truncate':
      return b.subarray(0, at(b.length));
    case 'flip':
      for (let k = 1 + at(8); k > 0; k--) {
        const i = at(b.length);
        b[i] = (b[i] ?? 0) ^ (1 << at(8));
      }
      return b;
    case 'length': {
      const dv = new DataView(b.buffer);
      if (header + 8 <= b.length) dv.setUint16(header + 6, at(0x10000), true);
      return b;
    }
    case 'huge-length': {
      const dv = new DataView(b.buffer);
      if (header + 12 <= b.length)
        dv.setUint32(header + 8, [0xffffffff, 0x7fffffff, 0xfffffff0, b.length * 4][at(4)]!, true);
      return b;
    }
    case 'vr':
      if (header + 6 <= b.length) {
        b[header + 4] = at(256);
        b[header + 5] = at(256);
      }
      return b;
    case 'garbage-pixels': {
      const start = Math.max(132, b.length - 1 - at(Math.min(b.length - 132, 4096)));
      for (let i = start; i < b.length; i++) b[i] = at(256);
      return b;
    }
    case 'insert': {
      const pos = 132 + at(Math.max(1, b.length - 132));
      const junk = Uint8Array.from({ length: 1 + at(16) }, () => at(256));
      const out = new Uint8Array(b.length + junk.length);
      out.set(b.subarray(0, pos));
      out.set(junk, pos);
      out.set(b.subarray(pos), pos + junk.length);
      return out;
    }
    case 'splice': {
      const a = at(b.length);
      const len = at(Math.min(512, b.length - a));
      return new Uint8Array([...b.subarray(0, a), ...b.subarray(a + len)]);
    }
  }
}
