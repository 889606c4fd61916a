import jpeg from 'jpeg-js';

/** Encodes 8-bit greyscale or RGB samples as baseline JPEG (jpeg-js wants RGBA input). */
export function encodeJpeg(data: Uint8Array, width: number, height: number, channels: 1 | 3, quality: number): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, o = 0; i < width * height; i++, o += 4) {
    const r = data[i * channels] ?? 0;
    rgba[o] = r;
    rgba[o + 1] = channels === 1 ? r : (data[i * 3 + 1] ?? 0);
    rgba[o + 2] = channels === 1 ? r : (data[i * 3 + 2] ?? 0);
    rgba[o + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width, height }, quality).data;
}
