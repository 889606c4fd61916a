import { LingshuError } from './errors.js';
import type { ParsedDicom } from './parser.js';
import { decodeFrame } from './pixels/decode.js';
import { readPixelDescription } from './pixels/describe.js';
import { numberOfFrames } from './pixels/frames.js';
import { Tags } from './tag.js';
import { isEncapsulatedTransferSyntax, TransferSyntax } from './uids.js';
import { setNumbers, setString } from './values.js';
import { writeDicom } from './writer.js';

/** Transfer syntaxes whose pixel data `decodeFrame` can turn into native values. */
const DECODABLE = new Set<string>(Object.values(TransferSyntax));

/** True when an instance stored in `transferSyntaxUID` can be rewritten as explicit VR little endian. */
export function canTranscodeToNative(transferSyntaxUID: string): boolean {
  return DECODABLE.has(transferSyntaxUID);
}

const ExtendedOffsetTable = 0x7fe00001;
const ExtendedOffsetTableLengths = 0x7fe00002;

/**
 * Rewrites a parsed Part 10 object as Explicit VR Little Endian (PS3.5 A.2), the default
 * transfer syntax of `application/dicom` in PS3.18 §8.7.3.5. Native datasets only change their
 * encoding; encapsulated pixel data is decoded frame by frame and written native. Decoded colour
 * frames are interleaved RGB (decodeFrame converts YBR), so Photometric Interpretation and
 * Planar Configuration are updated to match. Lossy Image Compression is kept: once lossy, always lossy.
 */
export async function transcodeToExplicitLittleEndian(parsed: ParsedDicom): Promise<Uint8Array> {
  const ts = parsed.transferSyntaxUID;
  const ds = parsed.dataset;
  const pixelData = ds.get(Tags.PixelData);
  if (isEncapsulatedTransferSyntax(ts) && pixelData?.fragments) {
    if (!canTranscodeToNative(ts)) {
      throw new LingshuError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', 'Pixel data in this syntax cannot be decoded', {
        details: { transferSyntaxUID: ts },
      });
    }
    const d = readPixelDescription(ds);
    const frames = numberOfFrames(ds);
    const bytesPerSample = d.bitsAllocated <= 8 ? 1 : d.bitsAllocated / 8;
    const frameBytes = d.rows * d.columns * d.samplesPerPixel * bytesPerSample;
    const out = new Uint8Array(frameBytes * frames);
    let photometric = d.photometricInterpretation;
    for (let f = 0; f < frames; f++) {
      const frame = await decodeFrame(ds, ts, f);
      photometric = frame.photometricInterpretation;
      const px = frame.pixels;
      if (px.BYTES_PER_ELEMENT !== bytesPerSample || px.length * bytesPerSample !== frameBytes) {
        throw new LingshuError('PIXEL_DECODE_FAILED', 'Decoded frame does not match Bits Allocated', {
          details: { frame: f, bitsAllocated: d.bitsAllocated },
        });
      }
      out.set(new Uint8Array(px.buffer, px.byteOffset, px.byteLength), f * frameBytes);
    }
    ds.set({ tag: Tags.PixelData, vr: bytesPerSample === 1 ? 'OB' : 'OW', bytes: out });
    ds.delete(ExtendedOffsetTable);
    ds.delete(ExtendedOffsetTableLengths);
    if (photometric !== d.photometricInterpretation) setString(ds, Tags.PhotometricInterpretation, 'CS', photometric);
    if (d.samplesPerPixel > 1) setNumbers(ds, Tags.PlanarConfiguration, 'US', [0]);
  }
  return writeDicom({ dataset: ds, meta: parsed.meta, transferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian });
}
