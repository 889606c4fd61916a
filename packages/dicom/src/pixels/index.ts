export { decodeFrame } from './decode.js';
export { type PixelDescription, readPixelDescription } from './describe.js';
export { encodeFrame } from './encode/frame.js';
export { encodeRLE, type RleFrame } from './encode/rle.js';
export { getFrameBytes, numberOfFrames } from './frames.js';
export { applyModalityLut, decodeFrameModality, type ModalityFrame } from './modality.js';
export type { DecodedFrame, PixelArray } from './types.js';
