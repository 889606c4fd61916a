import type { Archive, InstanceFile } from '@lingshu/archive';
import { isLingshuError, LingshuError, type ParsedDicom } from '@lingshu/dicom';
import { type MultipartPart, multipartContentType, multipartStream, newBoundary } from '../http/multipartWriter.js';
import { encodeRaster, type RenderedMediaType, type RenderOptions, renderFrame } from '../render/renderFrame.js';
import { parseVoiFunction } from '../render/voi.js';
import { covers, parseAccept, partRange } from './wadoAccept.js';
import { badParameter, notAcceptable } from './wadoErrors.js';
import { middleOf, readParsed } from './wadoResolve.js';

const RENDERED: readonly RenderedMediaType[] = ['image/jpeg', 'image/png'];

/** Rendered media type by Accept (PS3.18 §8.7.4): JPEG unless PNG is preferred; 406 otherwise. */
export function negotiateRendered(accept: string | undefined, multipart = false): RenderedMediaType {
  for (const range of parseAccept(accept)) {
    const wanted = multipart ? (partRange(range, 'image/jpeg') ?? range.mediaType) : range.mediaType;
    const match = RENDERED.find((t) => covers(wanted, t));
    if (match) return match;
  }
  throw notAcceptable('a rendered image (image/jpeg or image/png)');
}

export interface RenderQuery {
  window?: string;
  viewport?: string;
  quality?: string;
}

function numbers(value: string, parameter: string, count: number): number[] {
  const parts = value.split(',');
  const nums = parts.slice(0, count).map((s) => Number(s.trim()));
  if (parts.length < count || nums.some((n) => !Number.isFinite(n))) {
    throw badParameter(parameter, `${parameter} needs ${count} comma-separated numbers`);
  }
  return nums;
}

/** Parses `window=center,width[,function]`, `viewport=vw,vh` and `quality` (PS3.18 §8.3.5.1). */
export function parseRenderQuery(q: RenderQuery): { options: RenderOptions; quality: number } {
  const options: RenderOptions = {};
  if (q.window !== undefined) {
    const [center = 0, width = 0] = numbers(q.window, 'window', 2);
    const fnText = q.window.split(',')[2];
    const fn = fnText === undefined ? 'LINEAR' : parseVoiFunction(fnText);
    if (!fn) throw badParameter('window', 'window function must be linear, linear-exact or sigmoid');
    if (!(width > 0)) throw badParameter('window', 'window width must be positive');
    options.window = { center, width, fn };
  }
  if (q.viewport !== undefined) {
    const [width = 0, height = 0] = numbers(q.viewport, 'viewport', 2);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 2 ** 26) {
      throw badParameter('viewport', 'viewport must be two positive integers');
    }
    options.viewport = { width, height };
  }
  let quality = 90;
  if (q.quality !== undefined) {
    quality = Number(q.quality);
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw badParameter('quality', 'quality must be an integer from 1 to 100');
    }
  }
  return { options, quality };
}

const notImage = (cause?: unknown) =>
  new LingshuError('RENDER_UNSUPPORTED', 'The instance has no image that can be rendered', { cause });

/** Renders frame `frameIndex` (0-based) of an instance; RENDER_UNSUPPORTED (406) when it has no image. */
export async function renderInstance(
  archive: Archive,
  file: InstanceFile,
  frameIndex: number,
  options: RenderOptions,
  mediaType: RenderedMediaType,
  quality: number,
): Promise<Buffer> {
  if (file.rows === null || file.columns === null) throw notImage();
  return renderParsed(await readParsed(archive, file), frameIndex, options, mediaType, quality);
}

async function renderParsed(
  parsed: ParsedDicom,
  frameIndex: number,
  options: RenderOptions,
  mediaType: RenderedMediaType,
  quality: number,
): Promise<Buffer> {
  try {
    return encodeRaster(await renderFrame(parsed, frameIndex, options), mediaType, quality);
  } catch (e) {
    if (isLingshuError(e, 'RENDER_UNSUPPORTED')) throw notImage(e);
    throw e;
  }
}

/** Renders several frames as multipart/related image parts (all rendered before the response starts). */
export async function renderFramesBody(
  archive: Archive,
  file: InstanceFile,
  frames: readonly number[],
  options: RenderOptions,
  mediaType: RenderedMediaType,
  quality: number,
): Promise<{ contentType: string; body: NodeJS.ReadableStream }> {
  const boundary = newBoundary();
  const parts: MultipartPart[] = [];
  for (const n of frames) {
    parts.push({
      contentType: mediaType,
      body: await renderInstance(archive, file, n - 1, options, mediaType, quality),
    });
  }
  return { contentType: multipartContentType(mediaType, boundary), body: multipartStream(parts, boundary) };
}

/**
 * A study or series rendered (PS3.18 §10.4.1.1.4): every frame of every image instance, in the
 * index's order (series number, instance number), as multipart/related image parts, each with a
 * Content-Location naming its frame's rendered resource. Instances without an image (SR, PDF)
 * are left out; when none has one, 406 RENDER_UNSUPPORTED. The first part is rendered before the
 * response starts (a coded error instead of a cut-short 200); the rest are rendered as the client
 * reads, so a 1 000-image series is never held in memory.
 */
export async function renderImagesBody(
  archive: Archive,
  files: readonly InstanceFile[],
  options: RenderOptions,
  mediaType: RenderedMediaType,
  quality: number,
  base: string,
): Promise<{ contentType: string; body: NodeJS.ReadableStream }> {
  const images = files.filter((f) => f.rows !== null && f.columns !== null);
  const [lead, ...rest] = images;
  if (!lead) throw new LingshuError('RENDER_UNSUPPORTED', 'No instance here has an image that can be rendered');
  const part = (file: InstanceFile, frame: number, body: Buffer): MultipartPart => ({
    contentType: mediaType,
    headers: {
      'Content-Location': `${base}/studies/${file.studyUid}/series/${file.seriesUid}/instances/${file.sopUid}/frames/${frame + 1}/rendered`,
    },
    body,
  });
  // Each file is read and parsed once, whatever its number of frames.
  async function* framesOf(file: InstanceFile, parsed: ParsedDicom, from: number): AsyncGenerator<MultipartPart> {
    for (let frame = from; frame < Math.max(file.numberOfFrames, 1); frame++) {
      yield part(file, frame, await renderParsed(parsed, frame, options, mediaType, quality));
    }
  }
  const first: InstanceFile = lead;
  const firstParsed = await readParsed(archive, first);
  const head = part(first, 0, await renderParsed(firstParsed, 0, options, mediaType, quality));
  async function* parts(): AsyncGenerator<MultipartPart> {
    yield head;
    yield* framesOf(first, firstParsed, 1);
    for (const file of rest) yield* framesOf(file, await readParsed(archive, file), 0);
  }
  const boundary = newBoundary();
  return { contentType: multipartContentType(mediaType, boundary), body: multipartStream(parts(), boundary) };
}

/**
 * The instance a series or study thumbnail shows: the middle image (by instance number) of the
 * first series, in series-number order, that has images.
 */
export function representativeInstance(files: readonly InstanceFile[]): InstanceFile | undefined {
  const images = files.filter((f) => f.rows !== null && f.columns !== null);
  const firstSeries = images[0]?.seriesUid;
  return middleOf(images.filter((f) => f.seriesUid === firstSeries));
}

/** Thumbnails default to 128×128 (aspect kept) unless a viewport is given. */
export const THUMBNAIL_VIEWPORT = { width: 128, height: 128 } as const;
