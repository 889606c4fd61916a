import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildPhantom } from './phantom.js';
import { type GenerateOptions, generateSeries } from './series.js';
import type { StudySpec } from './spec.js';
import { buildTruth, type StudyTruth } from './truth/build.js';

export type ProgressCallback = (done: number, total: number) => void;

/**
 * Writes `<outDir>/<study name>/<series>/IM000001.dcm…` and `<outDir>/<study name>/truth.json`,
 * streaming slices so large series never sit in memory at once. Returns the truth.
 */
export async function writeStudyToDir(
  spec: StudySpec,
  outDir: string,
  onProgress?: ProgressCallback,
  options: GenerateOptions = {},
): Promise<StudyTruth> {
  const studyDir = path.join(outDir, spec.name);
  const model = buildPhantom(spec);
  let madeFolder = '';
  for await (const instance of generateSeries(spec, options, model)) {
    const file = path.join(studyDir, instance.path);
    const folder = path.dirname(file);
    if (folder !== madeFolder) {
      await mkdir(folder, { recursive: true });
      madeFolder = folder;
    }
    await writeFile(file, instance.bytes);
    onProgress?.(instance.index + 1, instance.count);
  }
  const truth = buildTruth(spec, model);
  await writeFile(path.join(studyDir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}
