import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { parseDicom } from './parser.js';
import { encodeFrame } from './pixels/encode/frame.js';
import { Tags } from './tag.js';
import { canTranscodeToNative, transcodeToExplicitLittleEndian } from './transcode.js';
import { SOPClass, TransferSyntax } from './uids.js';
import { getNumber, getString, setNumbers, setString } from './values.js';
import { writeDicom } from './writer.js';

function image(frames: number): { ds: Dataset; pixels: Uint16Array } {
  const ds = new Dataset();
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.SecondaryCaptureImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', '2.25.42');
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, Tags.Rows, 'US', [3]);
  setNumbers(ds, Tags.Columns, 'US', [5]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
  setNumbers(ds, Tags.BitsStored, 'US', [12]);
  setNumbers(ds, Tags.HighBit, 'US', [11]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [0]);
  if (frames > 1) setNumbers(ds, Tags.NumberOfFrames, 'IS', [frames]);
  const pixels = Uint16Array.from({ length: 15 * frames }, (_, i) => (i * 97) % 4096);
  return { ds, pixels };
}

describe('transcodeToExplicitLittleEndian', () => {
  it('rewrites implicit VR as explicit VR with the same values', async () => {
    const { ds, pixels } = image(1);
    ds.set({ tag: Tags.PixelData, vr: 'OW', bytes: new Uint8Array(pixels.buffer) });
    const implicit = parseDicom(writeDicom({ dataset: ds, transferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian }));
    const out = parseDicom(await transcodeToExplicitLittleEndian(implicit));
    expect(out.transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
    expect(out.dataset.get(Tags.Rows)?.vr).toBe('US');
    expect(new Uint16Array(new Uint8Array(out.dataset.get(Tags.PixelData)!.bytes!).buffer)).toEqual(pixels);
  });

  it('decodes every frame of an RLE multi-frame object into native pixel data', async () => {
    const { ds, pixels } = image(2);
    const layout = {
      rows: 3,
      columns: 5,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 0 as const,
    };
    const fragments = [
      await encodeFrame(pixels.subarray(0, 15), layout, TransferSyntax.RLELossless),
      await encodeFrame(pixels.subarray(15), layout, TransferSyntax.RLELossless),
    ];
    ds.set({ tag: Tags.PixelData, vr: 'OB', offsetTable: new Uint8Array(0), fragments });
    const rle = parseDicom(writeDicom({ dataset: ds, transferSyntaxUID: TransferSyntax.RLELossless }));
    const out = parseDicom(await transcodeToExplicitLittleEndian(rle));
    const el = out.dataset.get(Tags.PixelData)!;
    expect(el.fragments).toBeUndefined();
    expect(el.vr).toBe('OW');
    expect(new Uint16Array(new Uint8Array(el.bytes!).buffer)).toEqual(pixels);
    expect(getNumber(out.dataset, Tags.NumberOfFrames)).toBe(2);
    expect(getString(out.meta, Tags.TransferSyntaxUID)).toBe(TransferSyntax.ExplicitVRLittleEndian);
  });

  it('knows which syntaxes it can decode', () => {
    expect(canTranscodeToNative(TransferSyntax.HTJ2K)).toBe(true);
    expect(canTranscodeToNative('1.2.840.10008.1.2.4.100')).toBe(false);
  });
});
