import { type Dataset, getNumber, LingshuError, Tags, TransferSyntax } from '@lingshu/dicom';
import type { FrameDecoder } from '../fromDicom.js';

/**
 * Test helper: decodes native (uncompressed) little-endian 8/16-bit single-sample pixel data
 * into modality values (Rescale Slope/Intercept). The real decoder lives in @lingshu/dicom.
 */
export const decodeNativeFrame: FrameDecoder = async (ds: Dataset, ts: string, frameIndex: number) => {
  if (ts === TransferSyntax.ExplicitVRBigEndian || ds.get(Tags.PixelData)?.fragments) {
    throw new LingshuError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', 'Test decoder reads native little endian only');
  }
  const bytes = ds.get(Tags.PixelData)?.bytes;
  if (!bytes) throw new LingshuError('PIXEL_NO_DATA');
  const rows = getNumber(ds, Tags.Rows) ?? 0;
  const columns = getNumber(ds, Tags.Columns) ?? 0;
  const bits = getNumber(ds, Tags.BitsAllocated) ?? 16;
  const signed = getNumber(ds, Tags.PixelRepresentation) === 1;
  const slope = getNumber(ds, Tags.RescaleSlope) ?? 1;
  const intercept = getNumber(ds, Tags.RescaleIntercept) ?? 0;
  const n = rows * columns;
  const size = bits / 8;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = frameIndex * n * size;
  if (start + n * size > bytes.length) throw new LingshuError('PIXEL_FRAME_OUT_OF_RANGE');
  const integral = Number.isInteger(slope) && Number.isInteger(intercept);
  const pixels = integral ? new Int32Array(n) : new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const o = start + p * size;
    const raw =
      bits === 8 ? (signed ? dv.getInt8(o) : dv.getUint8(o)) : signed ? dv.getInt16(o, true) : dv.getUint16(o, true);
    pixels[p] = raw * slope + intercept;
  }
  return { pixels, rows, columns };
};
