import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AnalysisResult, analysisResultJson, type StudyInput } from '@lingshu/ai';
import type { Lang } from '../i18n.js';
import type { ResultExporters } from './integrations.js';

/** Default output folder name: a short hash of the study UID (the UID itself stays out of names). */
export function defaultOutDirName(studyInstanceUID: string): string {
  return `lingshu-analysis-${createHash('sha256').update(studyInstanceUID).digest('hex').slice(0, 8)}`;
}

/** The result as JSON: everything but the label map's voxels (those go into the SEG). */
export function resultJson(result: AnalysisResult): unknown {
  return analysisResultJson(result);
}

export interface WrittenOutputs {
  resultJson: string;
  sr?: string;
  seg?: string;
  /** Why an output could not be written (no PHI: the error code and message of the writer). */
  problems: Array<{ file: string; message: string }>;
}

/** Writes result.json, then sr.dcm and seg.dcm (a writer's failure is reported, the JSON is kept). */
export async function writeOutputs(
  outDir: string,
  result: AnalysisResult,
  input: StudyInput,
  exporters: Pick<ResultExporters, 'objects'>,
  lang: Lang,
): Promise<WrittenOutputs> {
  await mkdir(outDir, { recursive: true });
  const written: WrittenOutputs = { resultJson: join(outDir, 'result.json'), problems: [] };
  await writeFile(written.resultJson, `${JSON.stringify(resultJson(result), null, 2)}\n`);
  let objects: { sr: Uint8Array; seg?: Uint8Array };
  try {
    objects = exporters.objects(result, input, lang);
  } catch (e) {
    written.problems.push({ file: 'sr.dcm', message: e instanceof Error ? e.message : 'The writer failed' });
    return written;
  }
  written.sr = join(outDir, 'sr.dcm');
  await writeFile(written.sr, objects.sr);
  if (objects.seg) {
    written.seg = join(outDir, 'seg.dcm');
    await writeFile(written.seg, objects.seg);
  } else written.problems.push({ file: 'seg.dcm', message: 'The result has no label map' });
  return written;
}
