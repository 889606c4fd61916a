import { LingshuError } from '../errors.js';
import type { CodecOutput } from './wasmDecode.js';

/**
 * Sequential DCT JPEG with Huffman coding (ISO 10918-1 processes 1, 2 and 4: baseline and
 * extended, 8- or 12-bit samples), written for DICOM JPEG Extended (1.2.840.10008.1.2.4.51),
 * which libjpeg-turbo-8bit cannot decode. Components are returned upsampled (pixel replication)
 * and interleaved, without colour conversion.
 */

const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
]);

/** IDCT basis: COS[x * 8 + u] = C(u) cos((2x+1)uπ/16) / 2. */
const COS = new Float64Array(64);
for (let x = 0; x < 8; x++) {
  for (let u = 0; u < 8; u++)
    COS[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;
}

interface Huffman {
  /** Map from (length << 16 | code) to symbol. */
  codes: Map<number, number>;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  /** Decoded samples, (blocksPerLine*8) × (blocksPerColumn*8). */
  plane: Float32Array;
  pred: number;
}

function fail(message: string, details: Record<string, number> = {}): never {
  throw new LingshuError('PIXEL_DECODE_FAILED', message, { details });
}

function buildHuffman(counts: Uint8Array, symbols: Uint8Array): Huffman {
  const codes = new Map<number, number>();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < (counts[len - 1] ?? 0); i++) codes.set((len << 16) | code++, symbols[k++] ?? 0);
    code <<= 1;
  }
  return { codes };
}

class BitReader {
  private bits = 0;
  private count = 0;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  bit(): number {
    if (this.count === 0) {
      const b = this.data[this.pos];
      if (b === undefined) fail('JPEG scan data ends early', { offset: this.pos });
      if (b !== 0xff) {
        this.pos++;
        this.bits = b;
      } else if (this.data[this.pos + 1] === 0) {
        this.pos += 2;
        this.bits = 0xff;
      } else {
        this.bits = 0; // a marker: feed zeros without consuming it
      }
      this.count = 8;
    }
    return this.take();
  }

  private take(): number {
    this.count--;
    return (this.bits >> this.count) & 1;
  }

  receive(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }

  decode(table: Huffman): number {
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | this.bit();
      const s = table.codes.get((len << 16) | code);
      if (s !== undefined) return s;
    }
    return fail('Invalid Huffman code in the JPEG scan', { offset: this.pos });
  }

  /** Byte-aligns and skips an RSTn marker if one is next. */
  restart(): void {
    this.count = 0;
    while (
      this.data[this.pos] === 0xff &&
      (this.data[this.pos + 1] ?? 0) >= 0xd0 &&
      (this.data[this.pos + 1] ?? 0) <= 0xd7
    ) {
      this.pos += 2;
    }
  }
}

function extend(v: number, t: number): number {
  return t === 0 ? 0 : v < 1 << (t - 1) ? v - (1 << t) + 1 : v;
}

function decodeBlock(
  r: BitReader,
  c: Component,
  dc: Huffman,
  ac: Huffman,
  q: Int32Array,
  row: number,
  col: number,
): void {
  const coef = new Float64Array(64);
  const t = r.decode(dc);
  if (t > 16) fail('Invalid DC magnitude category');
  c.pred += extend(r.receive(t), t);
  coef[0] = c.pred * (q[0] ?? 1);
  for (let k = 1; k < 64; ) {
    const rs = r.decode(ac);
    const s = rs & 15;
    const run = rs >> 4;
    if (s === 0) {
      if (run !== 15) break;
      k += 16;
      continue;
    }
    k += run;
    if (k > 63) fail('AC coefficient index out of range');
    coef[ZIGZAG[k] ?? 0] = extend(r.receive(s), s) * (q[k] ?? 1);
    k++;
  }
  // Separable IDCT: rows then columns.
  const tmp = new Float64Array(64);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      let s = 0;
      for (let u = 0; u < 8; u++) s += (COS[x * 8 + u] ?? 0) * (coef[y * 8 + u] ?? 0);
      tmp[y * 8 + x] = s;
    }
  }
  const stride = c.blocksPerLine * 8;
  for (let x = 0; x < 8; x++) {
    for (let y = 0; y < 8; y++) {
      let s = 0;
      for (let v = 0; v < 8; v++) s += (COS[y * 8 + v] ?? 0) * (tmp[v * 8 + x] ?? 0);
      c.plane[(row * 8 + y) * stride + col * 8 + x] = s;
    }
  }
}

interface Frame {
  precision: number;
  width: number;
  height: number;
  hmax: number;
  vmax: number;
  components: Component[];
}

function readFrame(d: Uint8Array, o: number): Frame {
  const precision = d[o] ?? 0;
  const height = ((d[o + 1] ?? 0) << 8) | (d[o + 2] ?? 0);
  const width = ((d[o + 3] ?? 0) << 8) | (d[o + 4] ?? 0);
  const n = d[o + 5] ?? 0;
  if ((precision !== 8 && precision !== 12) || width === 0 || height === 0 || (n !== 1 && n !== 3)) {
    fail('Unsupported JPEG frame header', { precision, width, height, components: n });
  }
  if (width * height > 1 << 26) fail('JPEG frame is too large', { width, height });
  const components: Component[] = [];
  for (let i = 0; i < n; i++) {
    const b = o + 6 + i * 3;
    const hv = d[b + 1] ?? 0;
    components.push({
      id: d[b] ?? 0,
      h: hv >> 4 || 1,
      v: hv & 15 || 1,
      tq: d[b + 2] ?? 0,
      blocksPerLine: 0,
      blocksPerColumn: 0,
      plane: new Float32Array(0),
      pred: 0,
    });
  }
  const hmax = Math.max(...components.map((c) => c.h));
  const vmax = Math.max(...components.map((c) => c.v));
  const mcusX = Math.ceil(width / (8 * hmax));
  const mcusY = Math.ceil(height / (8 * vmax));
  for (const c of components) {
    c.blocksPerLine = mcusX * c.h;
    c.blocksPerColumn = mcusY * c.v;
    c.plane = new Float32Array(c.blocksPerLine * c.blocksPerColumn * 64);
  }
  return { precision, width, height, hmax, vmax, components };
}

export function decodeJpegSequential(data: Uint8Array): CodecOutput {
  if (data[0] !== 0xff || data[1] !== 0xd8) fail('JPEG codestream does not start with SOI');
  const qt: Int32Array[] = [];
  const dcT: Huffman[] = [];
  const acT: Huffman[] = [];
  let frame: Frame | undefined;
  let restartInterval = 0;
  let o = 2;
  while (o + 4 <= data.length) {
    if (data[o] !== 0xff) fail('Expected a JPEG marker', { offset: o });
    const marker = data[o + 1] ?? 0;
    if (marker === 0xff) {
      o++;
      continue;
    }
    if (marker === 0xd9) break;
    const len = ((data[o + 2] ?? 0) << 8) | (data[o + 3] ?? 0);
    const seg = o + 4;
    const end = o + 2 + len;
    if (len < 2 || end > data.length) fail('JPEG segment length is invalid', { offset: o });
    if (marker === 0xdb) {
      for (let p = seg; p < end; ) {
        const pq = (data[p] ?? 0) >> 4;
        const tq = (data[p] ?? 0) & 15;
        const table = new Int32Array(64);
        for (let k = 0; k < 64; k++) {
          table[k] = pq ? ((data[p + 1 + 2 * k] ?? 0) << 8) | (data[p + 2 + 2 * k] ?? 0) : (data[p + 1 + k] ?? 0);
        }
        qt[tq] = table;
        p += 1 + (pq ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      for (let p = seg; p < end; ) {
        const tc = (data[p] ?? 0) >> 4;
        const th = (data[p] ?? 0) & 15;
        const counts = data.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = buildHuffman(counts, data.subarray(p + 17, p + 17 + total));
        (tc === 0 ? dcT : acT)[th] = table;
        p += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      frame = readFrame(data, seg);
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      fail('Only sequential Huffman JPEG is supported by this decoder', { marker });
    } else if (marker === 0xdd) {
      restartInterval = ((data[seg] ?? 0) << 8) | (data[seg + 1] ?? 0);
    } else if (marker === 0xda) {
      if (!frame) fail('JPEG scan before frame header');
      o = decodeScan(data, seg, frame, qt, dcT, acT, restartInterval);
      continue;
    }
    o = end;
  }
  if (!frame) fail('JPEG codestream has no frame header');
  return assemble(frame);
}

function decodeScan(
  d: Uint8Array,
  seg: number,
  f: Frame,
  qt: Int32Array[],
  dcT: Huffman[],
  acT: Huffman[],
  ri: number,
): number {
  const len = ((d[seg - 2] ?? 0) << 8) | (d[seg - 1] ?? 0);
  const n = d[seg] ?? 0;
  const scan: { c: Component; dc: Huffman; ac: Huffman; q: Int32Array }[] = [];
  for (let i = 0; i < n; i++) {
    const id = d[seg + 1 + 2 * i];
    const tables = d[seg + 2 + 2 * i] ?? 0;
    const c = f.components.find((x) => x.id === id);
    const dc = dcT[tables >> 4];
    const ac = acT[tables & 15];
    const q = c ? qt[c.tq] : undefined;
    if (!c || !dc || !ac || !q) fail('JPEG scan refers to a missing component or table');
    c.pred = 0;
    scan.push({ c, dc, ac, q });
  }
  const r = new BitReader(d, seg + len - 2);
  const single = scan.length === 1 ? scan[0] : undefined;
  const mcusX = single ? Math.ceil(Math.ceil((f.width * single.c.h) / f.hmax) / 8) : Math.ceil(f.width / (8 * f.hmax));
  const mcusY = single
    ? Math.ceil(Math.ceil((f.height * single.c.v) / f.vmax) / 8)
    : Math.ceil(f.height / (8 * f.vmax));
  const total = mcusX * mcusY;
  for (let m = 0; m < total; m++) {
    if (ri > 0 && m > 0 && m % ri === 0) {
      r.restart();
      for (const s of scan) s.c.pred = 0;
    }
    const my = Math.floor(m / mcusX);
    const mx = m % mcusX;
    if (single) {
      decodeBlock(r, single.c, single.dc, single.ac, single.q, my, mx);
      continue;
    }
    for (const s of scan) {
      for (let v = 0; v < s.c.v; v++) {
        for (let h = 0; h < s.c.h; h++) decodeBlock(r, s.c, s.dc, s.ac, s.q, my * s.c.v + v, mx * s.c.h + h);
      }
    }
  }
  r.restart();
  // Find the next marker after the entropy-coded data.
  let p = r.pos;
  while (
    p + 1 < d.length &&
    !(d[p] === 0xff && (d[p + 1] ?? 0) !== 0 && ((d[p + 1] ?? 0) < 0xd0 || (d[p + 1] ?? 0) > 0xd7))
  )
    p++;
  return p;
}

function assemble(f: Frame): CodecOutput {
  const n = f.components.length;
  const out = f.precision === 8 ? new Uint8Array(f.width * f.height * n) : new Uint16Array(f.width * f.height * n);
  const shift = 1 << (f.precision - 1);
  const max = (1 << f.precision) - 1;
  f.components.forEach((c, ci) => {
    const stride = c.blocksPerLine * 8;
    for (let y = 0; y < f.height; y++) {
      const sy = Math.floor((y * c.v) / f.vmax);
      for (let x = 0; x < f.width; x++) {
        const sx = Math.floor((x * c.h) / f.hmax);
        const v = Math.round((c.plane[sy * stride + sx] ?? 0) + shift);
        out[(y * f.width + x) * n + ci] = Math.min(max, Math.max(0, v));
      }
    }
  });
  return {
    info: { width: f.width, height: f.height, bitsPerSample: f.precision, componentCount: n, isSigned: false },
    pixels: out,
  };
}
