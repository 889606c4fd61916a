import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeText, encodeText } from './charset.js';
import { Dataset } from './dataset.js';
import { Tags } from './tag.js';
import { padEven, setString, setStrings } from './values.js';
import { writeDicom } from './writer.js';

// Cross-check with dcmtk: `dcmdump +U8` converts the value to UTF-8 with its own (iconv-based)
// character-set handling; our decoding must show the same text.
const hasDcmdump = spawnSync('dcmdump', ['--version']).status === 0;
if (!hasDcmdump) console.warn('SKIP: dcmdump (dcmtk) not installed');

const dir = mkdtempSync(join(tmpdir(), 'lingshu-charset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hex(listing: string): Uint8Array {
  return Uint8Array.from(listing.trim().split(/\s+/), (x) => Number.parseInt(x, 16));
}

/** The PN value as dcmdump +U8 prints it (between the brackets). */
function dcmtkPatientName(specificCharacterSet: readonly string[], bytes: Uint8Array, name: string): string {
  const ds = new Dataset();
  setStrings(ds, Tags.SpecificCharacterSet, 'CS', specificCharacterSet);
  setString(ds, Tags.SOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.7');
  setString(ds, Tags.SOPInstanceUID, 'UI', '2.25.1');
  ds.set({ tag: Tags.PatientName, vr: 'PN', bytes: padEven(bytes, 'PN') });
  const file = join(dir, `${name}.dcm`);
  writeFileSync(file, writeDicom({ dataset: ds }));
  const run = spawnSync('dcmdump', ['+U8', '+P', '0010,0010', file], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const m = /PN \[(.*)\]/u.exec(run.stdout);
  expect(m?.[1], 'dcmdump printed no PatientName value').toBeDefined();
  return m?.[1] ?? '';
}

describe.skipIf(!hasDcmdump)('decoding agrees with dcmtk (dcmdump +U8)', () => {
  const cases: [string, string[], string][] = [
    [
      'iso2022-ir58-k2',
      ['', 'ISO 2022 IR 58'],
      '5a 68 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d 1b 24 29 41 d5 c5 5e 1b 24 29 41 d0 a1 b6 ab 3d',
    ],
    // J.3 plus a 0x5C trailing byte (81 5C), a four-byte character and a second value.
    [
      'gb18030',
      ['GB18030'],
      '57 61 6e 67 5e 58 69 61 6f 44 6f 6e 67 3d cd f5 5e d0 a1 b6 ab 3d 81 5c 95 32 82 36 5c 4c 69',
    ],
    ['gbk', ['GBK'], '81 5c 5c 41 42'],
    [
      'iso2022-ir149-i2',
      ['', 'ISO 2022 IR 149'],
      '48 6f 6e 67 5e 47 69 6c 64 6f 6e 67 3d 1b 24 29 43 fb f3 5e 1b 24 29 43 d1 ce d4 d7 3d 1b 24 29 43 c8 ab',
    ],
    ['latin1', ['ISO_IR 100'], '42 75 63 5e 4a e9 72 f4 6d 65'],
    ['greek', ['ISO_IR 126'], 'c4 e9 ef ed f5 f3 e9 ef f2'],
  ];
  for (const [name, scs, bytes] of cases) {
    it(`${name}: same text as dcmtk`, () => {
      const ours = decodeText(hex(bytes), scs, 'PN');
      expect(ours).not.toContain('\uFFFD');
      expect(ours).toBe(dcmtkPatientName(scs, hex(bytes), name));
    });
  }

  it('dcmtk reads what we write (UTF-8, GB18030, GBK, ISO 2022 IR 58)', () => {
    const text = 'Zhang^San=张^三=zhang^san';
    for (const scs of [['ISO_IR 192'], ['GB18030'], ['GBK'], ['', 'ISO 2022 IR 58']]) {
      expect(dcmtkPatientName(scs, encodeText(text, scs, 'PN'), `write-${scs.join('-')}`)).toBe(text);
    }
  });
});
