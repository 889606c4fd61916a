/**
 * Header-parse throughput of @lingshu/dicom against dcmjs and dicom-parser on the same files
 * (all parse up to Pixel Data; ours and dicom-parser also index the pixel element's position).
 */
import { createRequire } from 'node:module';
import { parseDicom, Tags } from '@lingshu/dicom';
import { fmt, median, table } from './stats.js';

const require = createRequire(import.meta.url);
const dcmjs = require('dcmjs') as {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: { untilTag?: string; ignoreErrors?: boolean }): unknown };
  };
  log: { setLevel?(level: string): void; level?: unknown };
};
const dicomParser = require('dicom-parser') as {
  parseDicom(bytes: Uint8Array, options?: { untilTag?: string }): unknown;
};

export interface ParseBenchResult {
  parser: string;
  filesPerSecond: number;
  ratioToLingshu: number;
}

export function benchHeaderParse(files: readonly Uint8Array[], runs = 5): ParseBenchResult[] {
  const buffers = files.map((f) => f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer);
  const candidates: Array<[string, (i: number) => void]> = [
    ['lingshu', (i) => parseDicom(files[i]!, { untilTag: Tags.PixelData })],
    ['dicom-parser', (i) => dicomParser.parseDicom(files[i]!, { untilTag: 'x7fe00010' })],
    ['dcmjs', (i) => dcmjs.data.DicomMessage.readFile(buffers[i]!, { untilTag: '7FE00010', ignoreErrors: true })],
  ];
  const rates = new Map<string, number>();
  for (const [name, parse] of candidates) {
    for (let i = 0; i < Math.min(files.length, 20); i++) parse(i); // warm-up
    const perRun: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      for (let i = 0; i < files.length; i++) parse(i);
      perRun.push(files.length / ((performance.now() - t0) / 1000));
    }
    rates.set(name, median(perRun));
  }
  const ours = rates.get('lingshu')!;
  return [...rates].map(([parser, filesPerSecond]) => ({
    parser,
    filesPerSecond,
    ratioToLingshu: filesPerSecond / ours,
  }));
}

export function printParseBench(results: readonly ParseBenchResult[], fileCount: number, runs = 5): void {
  console.log(`\nHeader parse (until Pixel Data), ${fileCount} files, median of ${runs} runs:`);
  console.log(
    table(
      results.map((r) => ({
        parser: r.parser,
        'files/s': fmt(r.filesPerSecond, 0),
        'lingshu ÷ this': fmt(1 / r.ratioToLingshu, 2),
      })),
    ),
  );
}
