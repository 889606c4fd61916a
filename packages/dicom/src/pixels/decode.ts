import type { Dataset } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { TransferSyntax } from '../uids.js';
import { expandYbr422, planarToInterleaved, ybrFullToRgb } from './color.js';
import { type PixelDescription, readPixelDescription } from './describe.js';
import { getFrameBytes } from './frames.js';
import { decodeHTJ2K } from './htj2k.js';
import { decodeJpeg2000 } from './jpeg2000.js';
import { decodeJpegBaseline } from './jpegBaseline.js';
import { decodeJpegSequential } from './jpegExtended.js';
import { decodeJpegLossless } from './jpegLossless.js';
import { decodeJpegLS } from './jpegls.js';
import { decodeNative, normaliseStored } from './native.js';
import { decodeRLE } from './rle.js';
import type { DecodedFrame, PixelArray } from './types.js';
import type { CodecOutput } from './wasmDecode.js';

const NATIVE = new Set<string>([
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.DeflatedExplicitVRLittleEndian,
  TransferSyntax.ExplicitVRBigEndian,
]);

/** How a decoder leaves colour: already RGB (the codec converted), or as the dataset declares it. */
type ColourOutcome = 'codec-rgb' | 'as-declared';

interface Decoded {
  pixels: PixelArray;
  colour: ColourOutcome;
}

function isYbr(photometric: string): boolean {
  return photometric.startsWith('YBR');
}

/** Precision byte of the first SOFn in a JPEG codestream (8 when absent). */
function jpegPrecision(codestream: Uint8Array): number {
  for (let o = 2; o + 4 < codestream.length; ) {
    if (codestream[o] !== 0xff) return 8;
    const marker = codestream[o + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return codestream[o + 4] ?? 8;
    }
    o += 2 + (((codestream[o + 2] ?? 0) << 8) | (codestream[o + 3] ?? 0));
  }
  return 8;
}

function fromCodec(out: CodecOutput, d: PixelDescription, colour: ColourOutcome): Decoded {
  const { info } = out;
  if (info.width !== d.columns || info.height !== d.rows || info.componentCount !== d.samplesPerPixel) {
    throw new LingshuError(
      'PIXEL_DECODE_FAILED',
      'The decoded image does not match Rows, Columns and Samples per Pixel',
      {
        details: {
          width: info.width,
          height: info.height,
          components: info.componentCount,
          rows: d.rows,
          columns: d.columns,
        },
      },
    );
  }
  let pixels = out.pixels;
  if (out.planar) pixels = planarToInterleaved(pixels, d.rows * d.columns, d.samplesPerPixel);
  const signed = d.pixelRepresentation === 1;
  const bytesOk =
    pixels.BYTES_PER_ELEMENT * 8 === d.bitsAllocated || (d.bitsAllocated === 32 && pixels.BYTES_PER_ELEMENT === 4);
  const needsNormalise = signed || info.bitsPerSample > d.bitsStored || !bytesOk || info.isSigned;
  if (needsNormalise)
    pixels = normaliseStored(pixels, d.bitsStored, signed, Math.max(d.bitsAllocated, info.bitsPerSample > 8 ? 16 : 8));
  return { pixels, colour };
}

async function decodeStored(bytes: Uint8Array, ts: string, d: PixelDescription): Promise<Decoded> {
  if (NATIVE.has(ts)) {
    if (d.photometricInterpretation === 'YBR_FULL_422' && d.samplesPerPixel === 3 && d.bitsAllocated === 8) {
      return { pixels: expandYbr422(bytes, d.rows, d.columns), colour: 'as-declared' };
    }
    let pixels = decodeNative(bytes, d);
    if (d.planarConfiguration === 1 && d.samplesPerPixel > 1) {
      pixels = planarToInterleaved(pixels, d.rows * d.columns, d.samplesPerPixel);
    }
    return { pixels, colour: 'as-declared' };
  }
  switch (ts) {
    case TransferSyntax.RLELossless:
      return { pixels: decodeRLE(bytes, d), colour: 'as-declared' };
    case TransferSyntax.JPEGBaseline8Bit:
      return fromCodec(await decodeJpegBaseline(bytes), d, 'codec-rgb');
    case TransferSyntax.JPEGExtended12Bit:
      return jpegPrecision(bytes) === 8
        ? fromCodec(await decodeJpegBaseline(bytes), d, 'codec-rgb')
        : fromCodec(decodeJpegSequential(bytes), d, 'as-declared');
    case TransferSyntax.JPEGLossless:
    case TransferSyntax.JPEGLosslessSV1:
      return fromCodec(decodeJpegLossless(bytes), d, 'as-declared');
    case TransferSyntax.JPEGLSLossless:
    case TransferSyntax.JPEGLSNearLossless:
      return fromCodec(await decodeJpegLS(bytes), d, 'as-declared');
    case TransferSyntax.JPEG2000Lossless:
    case TransferSyntax.JPEG2000:
      return fromCodec(await decodeJpeg2000(bytes), d, 'codec-rgb');
    case TransferSyntax.HTJ2KLossless:
    case TransferSyntax.HTJ2KLosslessRPCL:
    case TransferSyntax.HTJ2K:
      return fromCodec(await decodeHTJ2K(bytes), d, 'codec-rgb');
    default:
      throw new LingshuError(
        'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
        'Pixel data in this transfer syntax cannot be decoded',
        {
          details: { transferSyntaxUID: ts },
        },
      );
  }
}

/**
 * Decodes one frame to stored values. Colour frames come back interleaved; YBR_FULL,
 * YBR_FULL_422, YBR_RCT and YBR_ICT become RGB (converted here, or by the codec for JPEG and
 * JPEG 2000 family codestreams, which carry their own colour transform). MONOCHROME1 is kept.
 */
export async function decodeFrame(ds: Dataset, transferSyntaxUID: string, frameIndex = 0): Promise<DecodedFrame> {
  const d = readPixelDescription(ds);
  const bytes = getFrameBytes(ds, transferSyntaxUID, frameIndex);
  const { pixels, colour } = await decodeStored(bytes, transferSyntaxUID, d);
  let photometricInterpretation = d.photometricInterpretation;
  if (d.samplesPerPixel === 3 && isYbr(photometricInterpretation)) {
    if (colour === 'as-declared') ybrFullToRgb(pixels, 2 ** d.bitsStored - 1);
    photometricInterpretation = 'RGB';
  }
  return {
    rows: d.rows,
    columns: d.columns,
    samplesPerPixel: d.samplesPerPixel,
    photometricInterpretation,
    bitsStored: d.bitsStored,
    pixelRepresentation: d.pixelRepresentation,
    inverted: photometricInterpretation === 'MONOCHROME1',
    pixels,
  };
}
