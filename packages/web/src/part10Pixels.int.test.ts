import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, part10Pixels } from './part10Pixels.js';

// A 2×2 16-bit image whose SOP Instance UID also occurs inside nested undefined-length
// sequences, written by dcmtk's dump2dcm in each transfer syntax.
const DUMP = `(0008,0016) UI [1.2.840.10008.5.1.4.1.1.2]
(0008,0018) UI [1.2.826.0.1.3680043.2.1125.7.1]
(0008,0060) CS [CT]
(0008,1140) SQ (Sequence with undefined length)
  (fffe,e000) na (Item with undefined length)
    (0008,1155) UI [1.2.826.0.1.3680043.2.1125.7.9]
    (0040,a730) SQ (Sequence with undefined length)
      (fffe,e000) na (Item with undefined length)
        (0008,0018) UI [9.9.9.9]
      (fffe,e00d) na (ItemDelimitationItem)
    (fffe,e0dd) na (SequenceDelimitationItem)
  (fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 2
(0028,0011) US 2
(0028,0100) US 16
(0028,0101) US 16
(0028,0102) US 15
(0028,0103) US 1
(0028,1052) DS [-1024]
(0028,1053) DS [1]
(7fe0,0010) OW 0001\\0002\\fffe\\0400
`;

const dir = mkdtempSync(join(tmpdir(), 'lingshu-part10-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function written(...args: string[]): Uint8Array {
  const dump = join(dir, 'in.dump');
  const out = join(dir, `${args.join('')}.dcm`);
  writeFileSync(dump, DUMP);
  execFileSync('dump2dcm', [...args, dump, out]);
  return new Uint8Array(readFileSync(out));
}

const PIXELS = [0x01, 0x00, 0x02, 0x00, 0xfe, 0xff, 0x00, 0x04];

describe('part10Pixels (dcmtk-written objects)', () => {
  it.each([
    ['explicit VR, undefined-length sequences', ['+te', '-e'], EXPLICIT_VR_LITTLE_ENDIAN],
    ['explicit VR, explicit-length sequences', ['+te', '+e'], EXPLICIT_VR_LITTLE_ENDIAN],
    ['implicit VR, undefined-length sequences', ['+ti', '-e'], IMPLICIT_VR_LITTLE_ENDIAN],
  ])('finds the top-level SOP Instance UID and the pixel data: %s', (_name, args, ts) => {
    const found = part10Pixels(written(...args));
    expect(found.transferSyntaxUid).toBe(ts);
    expect(found.sopInstanceUid).toBe('1.2.826.0.1.3680043.2.1125.7.1');
    expect([...(found.pixelData ?? [])]).toEqual(PIXELS);
    // the header's pixel description (top level only), which the series stream decodes by
    expect(found.facts).toEqual({
      modality: 'CT',
      samplesPerPixel: 1,
      photometricInterpretation: 'MONOCHROME2',
      rows: 2,
      columns: 2,
      bitsAllocated: 16,
      bitsStored: 16,
      pixelRepresentation: 1,
      rescaleIntercept: -1024,
      rescaleSlope: 1,
    });
    expect(found.frames).toBeUndefined();
  });

  it('reports other transfer syntaxes without pixels (loaded frame by frame instead)', () => {
    const found = part10Pixels(written('+tb'));
    expect(found.transferSyntaxUid).toBe('1.2.840.10008.1.2.2');
    expect(found.pixelData).toBeUndefined();
  });

  it('refuses bytes that are not Part 10', () => {
    expect(() => part10Pixels(new Uint8Array(200))).toThrow(/Part 10/);
  });
});
