/**
 * The benchmark's input: one chest CT series from the phantom, written once per parameter set
 * under os.tmpdir()/lingshu-bench-<hash>/ in two variants (native explicit VR little endian, and
 * JPEG-LS lossless transcoded from it), reused by later runs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeFrame, getNumber, LingshuError, parseDicom, Tags, TransferSyntax, writeDicom } from '@lingshu/dicom';
import { demoStudies, generateSeries, type StudySpec } from '@lingshu/phantom';

export type SeriesVariant = 'native' | 'jpeg-ls';

export const VARIANT_LABEL: Record<SeriesVariant, string> = {
  native: 'explicit VR LE',
  'jpeg-ls': 'JPEG-LS lossless',
};

export interface BenchSeriesParams {
  slices: number;
  matrix: number;
  seed: number;
}

export interface VariantFiles {
  variant: SeriesVariant;
  dir: string;
  files: string[];
  bytes: number;
}

export interface BenchSeries {
  root: string;
  params: BenchSeriesParams;
  variants: Record<SeriesVariant, VariantFiles>;
  /** Seconds spent generating (0 when the cache was reused). */
  generationSeconds: number;
  cached: boolean;
}

/** Overlapping reconstruction (1 mm slices every 0.75 mm), centred on the phantom's thorax. */
const SLICE_SPACING_MM = 0.75;
const THORAX_CENTRE_Z_MM = 27.5;
const MARKER = 'complete.json';

export function benchStudySpec(params: BenchSeriesParams): StudySpec {
  const baseline = demoStudies(params.seed)[0];
  if (!baseline) throw new LingshuError('INTERNAL', 'The phantom has no demo study');
  const half = ((params.slices - 1) * SLICE_SPACING_MM) / 2;
  return {
    ...baseline,
    name: 'bench-chest',
    series: {
      ...baseline.series,
      matrix: params.matrix,
      sliceThicknessMm: 1,
      sliceSpacingMm: SLICE_SPACING_MM,
      zRangeMm: [THORAX_CENTRE_Z_MM - half, THORAX_CENTRE_Z_MM + half],
      seriesDescription: 'Bench chest 1mm',
    },
  };
}

export function benchSeriesRoot(params: BenchSeriesParams): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(benchStudySpec(params)))
    .digest('hex')
    .slice(0, 12);
  return path.join(os.tmpdir(), `lingshu-bench-${hash}`);
}

async function listVariant(root: string, variant: SeriesVariant): Promise<VariantFiles> {
  const dir = path.join(root, variant);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.dcm')).sort();
  const files = names.map((n) => path.join(dir, n));
  let bytes = 0;
  for (const f of files) bytes += (await stat(f)).size;
  return { variant, dir, files, bytes };
}

/** Re-encodes a native file's single frame as JPEG-LS lossless, keeping every other element. */
export async function transcodeToJpegLS(native: Uint8Array): Promise<Uint8Array> {
  const { dataset } = parseDicom(native);
  const pixelData = dataset.get(Tags.PixelData)?.bytes;
  if (!pixelData) throw new LingshuError('INTERNAL', 'The phantom file has no native Pixel Data');
  const copy = pixelData.slice();
  const pixels = new Uint16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2);
  const rows = getNumber(dataset, Tags.Rows);
  const columns = getNumber(dataset, Tags.Columns);
  const bitsStored = getNumber(dataset, Tags.BitsStored);
  if (!rows || !columns || !bitsStored) throw new LingshuError('INTERNAL', 'The phantom file lacks its pixel module');
  const encoded = await encodeFrame(
    pixels,
    {
      rows,
      columns,
      samplesPerPixel: 1,
      bitsAllocated: 16,
      bitsStored,
      pixelRepresentation: 0,
    },
    TransferSyntax.JPEGLSLossless,
  );
  dataset.set({ tag: Tags.PixelData, vr: 'OB', offsetTable: new Uint8Array(0), fragments: [encoded] });
  return writeDicom({ dataset, transferSyntaxUID: TransferSyntax.JPEGLSLossless });
}

/** Returns the cached series, generating it first when absent (or when `regenerate`). */
export async function prepareBenchSeries(
  params: BenchSeriesParams,
  options: { regenerate?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<BenchSeries> {
  const root = benchSeriesRoot(params);
  const cached = !options.regenerate && existsSync(path.join(root, MARKER));
  const t0 = performance.now();
  if (!cached) {
    await rm(root, { recursive: true, force: true });
    await mkdir(path.join(root, 'native'), { recursive: true });
    await mkdir(path.join(root, 'jpeg-ls'), { recursive: true });
    const spec = benchStudySpec(params);
    for await (const instance of generateSeries(spec)) {
      const name = path.basename(instance.path);
      await writeFile(path.join(root, 'native', name), instance.bytes);
      await writeFile(path.join(root, 'jpeg-ls', name), await transcodeToJpegLS(instance.bytes));
      options.onProgress?.(instance.index + 1, instance.count);
    }
    await writeFile(path.join(root, MARKER), `${JSON.stringify({ params, spec }, null, 2)}\n`);
  }
  const generationSeconds = cached ? 0 : (performance.now() - t0) / 1000;
  const variants = {
    native: await listVariant(root, 'native'),
    'jpeg-ls': await listVariant(root, 'jpeg-ls'),
  };
  for (const v of Object.values(variants)) {
    if (v.files.length !== params.slices) {
      throw new LingshuError('INTERNAL', `Expected ${params.slices} files in ${v.dir}, found ${v.files.length}`);
    }
  }
  return { root, params, variants, generationSeconds, cached };
}

export function readAll(files: readonly string[]): Promise<Uint8Array[]> {
  return Promise.all(files.map(async (f) => new Uint8Array(await readFile(f))));
}
