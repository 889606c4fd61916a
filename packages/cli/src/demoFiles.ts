import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StudySpec } from '@lingshu/phantom';

/** Smaller matrix and thicker slices: a quick demo (tests, first start of `serve`). */
export function shrinkStudy(spec: StudySpec, matrix: number, sliceThicknessMm: number): StudySpec {
  return {
    ...spec,
    series: { ...spec.series, matrix, sliceThicknessMm, sliceSpacingMm: sliceThicknessMm },
  };
}

export interface WrittenFiles {
  files: number;
  series: number;
  truthFiles: number;
}

/** Counts what a demo run left in a folder: DICOM files (not JSON), their folders, truth files. */
export async function countWritten(dir: string): Promise<WrittenFiles> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const folders = new Set<string>();
  let files = 0;
  let truthFiles = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    if (e.name.endsWith('.json')) {
      if (e.name === 'truth.json') truthFiles++;
      continue;
    }
    files++;
    folders.add(dirname(path));
  }
  return { files, series: folders.size, truthFiles };
}
