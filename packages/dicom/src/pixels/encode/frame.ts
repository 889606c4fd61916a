import { LingshuError } from '../../errors.js';
import { TransferSyntax } from '../../uids.js';
import { loadCharLS, loadOpenJpeg, loadOpenJph, type WasmEncoder } from '../codecs.js';
import type { PixelDescription } from '../describe.js';
import type { PixelArray } from '../types.js';
import { encodeRLE } from './rle.js';

type FrameLayout = Pick<
  PixelDescription,
  'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated' | 'bitsStored' | 'pixelRepresentation'
>;

function runEncoder(encoder: WasmEncoder, pixels: PixelArray, d: FrameLayout, codec: string): Uint8Array {
  try {
    const info = {
      width: d.columns,
      height: d.rows,
      bitsPerSample: d.bitsStored,
      componentCount: d.samplesPerPixel,
      isSigned: d.pixelRepresentation === 1,
      isUsingColorTransform: d.samplesPerPixel === 3,
    };
    const input = encoder.getDecodedBuffer(info);
    const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    if (input.length < bytes.length) throw new Error('codec input buffer too small');
    input.set(bytes);
    encoder.encode();
    return encoder.getEncodedBuffer().slice();
  } catch (cause) {
    throw new LingshuError('INTERNAL', `The ${codec} encoder failed`, { cause, details: { codec } });
  } finally {
    encoder.delete();
  }
}

function toUnsigned(pixels: PixelArray, bitsStored: number): PixelArray {
  const out = pixels.BYTES_PER_ELEMENT === 1 ? new Uint8Array(pixels.length) : new Uint16Array(pixels.length);
  const span = 2 ** bitsStored;
  for (let i = 0; i < pixels.length; i++) out[i] = (((pixels[i] ?? 0) % span) + span) % span;
  return out;
}

/**
 * Compresses one frame of stored values (colour interleaved; array kind matching Bits
 * Allocated) into the codestream of a lossless transfer syntax: RLE Lossless, JPEG-LS
 * Lossless, JPEG 2000 Lossless or HTJ2K Lossless (all also readable by decodeFrame).
 */
export async function encodeFrame(
  pixels: PixelArray,
  description: FrameLayout,
  transferSyntaxUID: string,
): Promise<Uint8Array> {
  switch (transferSyntaxUID) {
    case TransferSyntax.RLELossless:
      return encodeRLE({ ...description, pixels });
    case TransferSyntax.JPEGLSLossless: {
      const codec = await loadCharLS();
      const encoder = new codec.JpegLSEncoder();
      if (description.samplesPerPixel > 1) encoder.setInterleaveMode?.(2); // sample-interleaved, like the input
      // JPEG-LS codes unsigned samples: signed values travel as their Bits Stored bit pattern.
      const unsigned = description.pixelRepresentation === 1 ? toUnsigned(pixels, description.bitsStored) : pixels;
      return runEncoder(encoder, unsigned, { ...description, pixelRepresentation: 0 }, 'JPEG-LS');
    }
    case TransferSyntax.JPEG2000Lossless: {
      const codec = await loadOpenJpeg();
      return runEncoder(new codec.J2KEncoder(), pixels, description, 'JPEG 2000');
    }
    case TransferSyntax.HTJ2KLossless: {
      const codec = await loadOpenJph();
      const encoder = new codec.HTJ2KEncoder();
      encoder.setQuality?.(true, 0);
      return runEncoder(encoder, pixels, description, 'HTJ2K');
    }
    default:
      throw new LingshuError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', 'No encoder for this transfer syntax', {
        details: { transferSyntaxUID },
      });
  }
}
