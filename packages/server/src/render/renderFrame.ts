import {
  applyModalityLut,
  decodeFrame,
  getNumbers,
  getString,
  isLingshuError,
  LingshuError,
  type ParsedDicom,
  readPixelDescription,
  Tags,
} from '@lingshu/dicom';
import { encodeJpeg } from './jpeg.js';
import { encodePng } from './png.js';
import { fitViewport, type Raster, resize } from './resize.js';
import { applyVoi, minMaxWindow, parseVoiFunction, type VoiWindow } from './voi.js';

const VOILUTFunction = 0x00281056;

export interface RenderOptions {
  /** Overrides the dataset's window (PS3.18 §8.3.5.1.3 `window=center,width,function`). */
  window?: VoiWindow;
  /** Fit inside this size, keeping the aspect ratio (PS3.18 §8.3.5.1.2 `viewport=vw,vh`). */
  viewport?: { width: number; height: number };
}

export type RenderedMediaType = 'image/jpeg' | 'image/png';

/** The dataset's first window (WindowCenter/Width with its VOI LUT Function), if it has one. */
export function datasetWindow(parsed: ParsedDicom): VoiWindow | undefined {
  const ds = parsed.dataset;
  try {
    const center = getNumbers(ds, Tags.WindowCenter)[0];
    const width = getNumbers(ds, Tags.WindowWidth)[0];
    if (center === undefined || width === undefined || !(width > 0)) return undefined;
    return { center, width, fn: parseVoiFunction(getString(ds, VOILUTFunction)) ?? 'LINEAR' };
  } catch {
    return undefined;
  }
}

function unsupported(cause?: unknown): LingshuError {
  return new LingshuError('RENDER_UNSUPPORTED', 'The instance has no image pixel data that can be rendered', {
    cause,
  });
}

/**
 * Renders one frame (0-based) to an 8-bit raster: modality LUT, then the VOI window (request,
 * else dataset, else the frame's min/max), MONOCHROME1 inverted; colour frames pass through,
 * scaled to 8 bits. Throws RENDER_UNSUPPORTED when there is nothing to render.
 */
export async function renderFrame(
  parsed: ParsedDicom,
  frameIndex: number,
  options: RenderOptions = {},
): Promise<Raster> {
  if (!parsed.dataset.has(Tags.PixelData)) throw unsupported();
  let raster: Raster;
  try {
    const d = readPixelDescription(parsed.dataset);
    const frame = await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, frameIndex);
    if (frame.samplesPerPixel === 3) {
      const shift = Math.max(0, frame.bitsStored - 8);
      const data = new Uint8Array(frame.pixels.length);
      for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, (frame.pixels[i] ?? 0) >> shift));
      raster = { width: frame.columns, height: frame.rows, channels: 3, data };
    } else {
      const values = applyModalityLut(frame, d.rescaleSlope, d.rescaleIntercept);
      const window = options.window ?? datasetWindow(parsed) ?? minMaxWindow(values);
      raster = {
        width: frame.columns,
        height: frame.rows,
        channels: 1,
        data: applyVoi(values, window, frame.inverted),
      };
    }
  } catch (e) {
    if (isLingshuError(e, 'PIXEL_FRAME_OUT_OF_RANGE')) throw e;
    if (isLingshuError(e) && (e.code.startsWith('PIXEL_') || e.code.startsWith('DICOM_'))) throw unsupported(e);
    throw e;
  }
  if (!options.viewport) return raster;
  const size = fitViewport(raster.width, raster.height, options.viewport.width, options.viewport.height);
  return resize(raster, size.width, size.height);
}

/** Encodes a raster in the negotiated media type (`quality` 1–100 applies to JPEG). */
export function encodeRaster(raster: Raster, mediaType: RenderedMediaType, quality = 90): Buffer {
  return mediaType === 'image/png'
    ? encodePng(raster.data, raster.width, raster.height, raster.channels)
    : encodeJpeg(raster.data, raster.width, raster.height, raster.channels, quality);
}
