import { describe, expect, it } from 'vitest';
import { decodeText, encodeText, unknownCharacterSetTerms } from './charset.js';
import { Dataset } from './dataset.js';
import { isLingshuError } from './errors.js';
import { Tags } from './tag.js';
import { getStrings, padEven, setString, setStrings } from './values.js';

/** Bytes from a hex listing as the standard prints them ('0x5A 0x68' or '5a 68'). */
function hex(listing: string): Uint8Array {
  return Uint8Array.from(
    listing
      .trim()
      .split(/\s+/)
      .map((x) => Number.parseInt(x.replace(/^0x/i, ''), 16)),
  );
}

const IR58 = ['', 'ISO 2022 IR 58'];
const IR87 = ['', 'ISO 2022 IR 87'];
const IR149 = ['', 'ISO 2022 IR 149'];

// PS3.5 Example K.2-1 (trailing 0x20 is value padding).
const K2_TEXT = 'Zhang^XiaoDong=张^小东=';
const K2_BYTES =
  '0x5A 0x68 0x61 0x6E 0x67 0x5E 0x58 0x69 0x61 0x6F 0x44 0x6F 0x6E 0x67 0x3D 0x1B 0x24 0x29 0x41 ' +
  '0xD5 0xC5 0x5E 0x1B 0x24 0x29 0x41 0xD0 0xA1 0xB6 0xAB 0x3D 0x20';

// PS3.5 Example K.3-1 (LT, every line starts and ends in ASCII).
const K3_TEXT = '1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n';
const K3_BYTES = [
  '0x31 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xD2 0xBB 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x1B 0x28 0x42 0x0D 0x0A',
  '0x32 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xB6 0xFE 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x1B 0x28 0x42 0x0D 0x0A',
  '0x33 0x2e 0x1B 0x24 0x29 0x41 0xB5 0xDA 0xC8 0xFD 0xD0 0xD0 0xCE 0xC4 0xD7 0xD6 0xA1 0xA3 0x1B 0x28 0x42 0x0D 0x0A',
].join(' ');

// PS3.5 Example J.3-1 (GB18030).
const J3_TEXT = 'Wang^XiaoDong=王^小东=';
const J3_BYTES =
  '0x57 0x61 0x6e 0x67 0x5e 0x58 0x69 0x61 0x6f 0x44 0x6f 0x6e 0x67 0x3d 0xcd 0xf5 0x5e 0xd0 0xa1 0xb6 0xab 0x3d';

// PS3.5 Example H.3-1 (JIS X 0208 in G0, switched back to ASCII before each delimiter).
const H3_TEXT = 'Yamada^Tarou=山田^太郎=やまだ^たろう';
const H3_BYTES =
  '59 61 6d 61 64 61 5e 54 61 72 6f 75 3d 1b 24 42 3b 33 45 44 1b 28 42 5e 1b 24 42 42 40 4f 3a 1b 28 42 3d ' +
  '1b 24 42 24 64 24 5e 24 40 1b 28 42 5e 1b 24 42 24 3f 24 6d 24 26 1b 28 42';

// PS3.5 Example H.3-2 (JIS X 0201 katakana as value 1: switched back with ESC ( J).
const H32_TEXT = 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう';
const H32_BYTES =
  'd4 cf c0 de 5e c0 db b3 3d 1b 24 42 3b 33 45 44 1b 28 4a 5e 1b 24 42 42 40 4f 3a 1b 28 4a 3d ' +
  '1b 24 42 24 64 24 5e 24 40 1b 28 4a 5e 1b 24 42 24 3f 24 6d 24 26 1b 28 4a';

// PS3.5 Example I.2-1 (KS X 1001 in G1).
const I2_TEXT = 'Hong^Gildong=洪^吉洞=홍^길동';
const I2_BYTES =
  '48 6f 6e 67 5e 47 69 6c 64 6f 6e 67 3d 1b 24 29 43 fb f3 5e 1b 24 29 43 d1 ce d4 d7 3d ' +
  '1b 24 29 43 c8 ab 5e 1b 24 29 43 b1 e6 b5 bf';

describe('examples of PS3.5 Annexes H, I, J, K', () => {
  const cases: [string, string[], 'PN' | 'LT', string, string][] = [
    ['K.2-1 ISO 2022 IR 58 person name', IR58, 'PN', K2_TEXT, K2_BYTES],
    ['K.3-1 ISO 2022 IR 58 long text', IR58, 'LT', K3_TEXT, K3_BYTES],
    ['J.3-1 GB18030 person name', ['GB18030'], 'PN', J3_TEXT, J3_BYTES],
    ['H.3-1 ISO 2022 IR 87 person name', IR87, 'PN', H3_TEXT, H3_BYTES],
    ['H.3-2 ISO 2022 IR 13 with IR 87', ['ISO 2022 IR 13', 'ISO 2022 IR 87'], 'PN', H32_TEXT, H32_BYTES],
    ['I.2-1 ISO 2022 IR 149 person name', IR149, 'PN', I2_TEXT, I2_BYTES],
  ];
  for (const [name, scs, vr, text, bytes] of cases) {
    it(`decodes ${name}`, () => {
      expect(decodeText(hex(bytes), scs, vr).replace(/ +$/, '')).toBe(text);
    });
    it(`encodes ${name} to the standard's bytes`, () => {
      const expected = hex(bytes);
      const unpadded = expected.at(-1) === 0x20 ? expected.subarray(0, -1) : expected;
      expect([...encodeText(text, scs, vr)]).toEqual([...unpadded]);
    });
  }
});

describe('GB18030 and GBK', () => {
  // 0x81 0x5C is one character (U+4E57) whose trailing byte equals the backslash.
  const trailing5C = hex('81 5c 5c 41 42');

  it('decodes a 0x5C trailing byte as part of its character, not as a delimiter', () => {
    expect(decodeText(trailing5C, ['GB18030'], 'LO')).toBe('\u4E57\\AB');
    expect(decodeText(trailing5C, ['GBK'], 'LO')).toBe('\u4E57\\AB');
  });

  it('splits multi-valued elements after decoding (values.ts)', () => {
    for (const scs of ['GB18030', 'GBK']) {
      const ds = new Dataset();
      setString(ds, Tags.SpecificCharacterSet, 'CS', scs);
      ds.set({ tag: Tags.InstitutionName, vr: 'LO', bytes: padEven(trailing5C, 'LO') });
      expect(getStrings(ds, Tags.InstitutionName)).toEqual(['\u4E57', 'AB']);
    }
  });

  it('decodes and encodes four-byte GB18030 sequences', () => {
    // GB18030 linear mapping: U+0080 → 81 30 81 30, U+10000 → 90 30 81 30, U+20000 → 95 32 82 36.
    expect(decodeText(hex('81 30 81 30 90 30 81 30 95 32 82 36'), ['GB18030'], 'LO')).toBe('\u0080\u{10000}\u{20000}');
    expect([...encodeText('\u{20000}', ['GB18030'], 'LO')]).toEqual([0x95, 0x32, 0x82, 0x36]);
  });

  it('refuses in GBK a character only GB18030 has', () => {
    expect(() => encodeText('\u{20000}', ['GBK'], 'LO')).toThrow(/GBK/);
  });
});

describe('round trips of Zhang^San=张^三=zhang^san', () => {
  const name = 'Zhang^San=张^三=zhang^san';
  for (const scs of [['ISO_IR 192'], ['GB18030'], ['GBK'], IR58]) {
    it(`round-trips with ${scs.join('\\')}`, () => {
      expect(decodeText(encodeText(name, scs, 'PN'), scs, 'PN')).toBe(name);
    });
  }

  it('writes ISO 2022 IR 58 with one designation per component (PS3.5 K.2)', () => {
    expect([...encodeText(name, IR58, 'PN')]).toEqual([
      ...new TextEncoder().encode('Zhang^San='),
      ...[0x1b, 0x24, 0x29, 0x41, 0xd5, 0xc5], // ESC $ ) A 张
      0x5e,
      ...[0x1b, 0x24, 0x29, 0x41, 0xc8, 0xfd], // ESC $ ) A 三
      ...new TextEncoder().encode('=zhang^san'),
    ]);
  });

  it('writes UTF-8 for ISO_IR 192', () => {
    expect(encodeText(name, ['ISO_IR 192'], 'PN')).toEqual(new TextEncoder().encode(name));
  });

  it('round-trips through a dataset (setString → getStrings) with multiple values', () => {
    const ds = new Dataset();
    setStrings(ds, Tags.SpecificCharacterSet, 'CS', IR58);
    setStrings(ds, Tags.InstitutionName, 'LO', ['灵枢医院', 'North 院区']);
    expect(getStrings(ds, Tags.InstitutionName)).toEqual(['灵枢医院', 'North 院区']);
  });
});

describe('single-byte character sets', () => {
  const cases: [string, string, string][] = [
    ['ISO_IR 100', 'Buc^Jérôme', '42 75 63 5e 4a e9 72 f4 6d 65'],
    ['ISO_IR 126', 'Διονυσιος', 'c4 e9 ef ed f5 f3 e9 ef f2'],
    ['ISO_IR 144', 'Люк', 'bb ee da'],
    ['ISO_IR 138', 'שרון', 'f9 f8 e5 ef'],
    ['ISO_IR 203', '€', 'a4'],
    ['ISO_IR 13', 'ﾔﾏﾀﾞ^ﾀﾛｳ', 'd4 cf c0 de 5e c0 db b3'],
  ];
  for (const [scs, text, bytes] of cases) {
    it(`decodes and encodes ${scs}`, () => {
      expect(decodeText(hex(bytes), [scs], 'PN')).toBe(text);
      expect([...encodeText(text, [scs], 'PN')]).toEqual([...hex(bytes)]);
    });
  }

  it('accepts code-extension Latin-1 with escapes (ISO 2022 IR 100)', () => {
    const bytes = hex('1b 2d 41 4a e9 72 f4 6d 65');
    expect(decodeText(bytes, ['ISO 2022 IR 100'], 'PN')).toBe('Jérôme');
  });
});

describe('readers never throw', () => {
  it('reads unknown terms as Latin-1 and reports them', () => {
    expect(decodeText(hex('4a e9'), ['ISO_IR 999'], 'LO')).toBe('Jé');
    expect(unknownCharacterSetTerms(['ISO_IR 999', 'ISO 2022 IR 58', 'GB18030', ''])).toEqual(['ISO_IR 999']);
  });

  it('replaces undecodable bytes with U+FFFD', () => {
    expect(decodeText(hex('41 ff 42'), ['ISO_IR 192'], 'LO')).toBe('A\uFFFDB');
    // A truncated GB2312 pair, and an unknown escape sequence.
    expect(decodeText(hex('1b 24 29 41 d5'), IR58, 'LO')).toBe('\uFFFD');
    expect(decodeText(hex('1b 7a 41'), IR58, 'LO')).toBe('\uFFFDzA');
  });

  it('reads KS X 1001 without escape sequences when only G1 was declared (lenient)', () => {
    expect(decodeText(hex('c8 ab 5e b1 e6 b5 bf'), IR149, 'PN')).toBe('홍^길동');
  });

  it('resets the designations at delimiters: backslash always, ^ and = only in PN', () => {
    // Value 1 puts JIS X 0201 katakana in G1; ESC - A designates Latin-1 to G1 until a delimiter.
    const scs = ['ISO 2022 IR 13', 'ISO 2022 IR 100'];
    expect(decodeText(hex('1b 2d 41 c9 5c c9'), scs, 'LO')).toBe('É\\\uFF89');
    expect(decodeText(hex('1b 2d 41 c9 5e c9'), scs, 'PN')).toBe('É^\uFF89');
    expect(decodeText(hex('1b 2d 41 c9 5e c9'), scs, 'LO')).toBe('É^É');
    // In a two-byte G0 set, 0x5C is half of a character, not a delimiter.
    expect(decodeText(hex('1b 24 42 33 5c 1b 28 42'), IR87, 'LO')).not.toContain('\\');
  });

  it('decodes JIS X 0212 (ISO 2022 IR 159)', () => {
    expect(decodeText(hex('1b 24 28 44 30 21 1b 28 42'), ['', 'ISO 2022 IR 159'], 'LO')).toBe('丂');
  });
});

describe('writers refuse what the character set cannot hold', () => {
  it('throws DICOM_CHARSET without the text in the message', () => {
    const cases: [string, string[]][] = [
      ['张三', ['']],
      ['张三', ['ISO_IR 100']],
      ['홍', IR58],
      ['\uD800', ['ISO_IR 192']],
    ];
    for (const [text, scs] of cases) {
      let caught: unknown;
      try {
        encodeText(text, scs, 'PN');
      } catch (e) {
        caught = e;
      }
      expect(isLingshuError(caught, 'DICOM_CHARSET')).toBe(true);
      expect((caught as Error).message).not.toContain(text);
    }
  });

  it('throws for unknown terms when writing', () => {
    expect(() => encodeText('A', ['ISO_IR 999'], 'LO')).toThrow(/not supported/);
  });
});
