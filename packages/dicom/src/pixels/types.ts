/** Typed arrays a frame's samples can arrive in. */
export type PixelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array;

/** One decoded frame: stored values (before the modality LUT); colour frames interleaved. */
export interface DecodedFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** After conversion: YBR_* frames become RGB; MONOCHROME1 is kept as stored (see `inverted`). */
  photometricInterpretation: string;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  /** True for MONOCHROME1: the lowest value is meant to display as white. */
  inverted: boolean;
  pixels: PixelArray;
}

/** What a codec reports about the image it decoded. */
export interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}
