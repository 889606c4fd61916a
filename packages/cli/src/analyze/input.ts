import { existsSync } from 'node:fs';
import type { SeriesInput, StudyInput } from '@lingshu/ai';
import { ALL_STUDIES, openArchive } from '@lingshu/archive';
import { getString, isDicom, LingshuError, parseDicom, Tags } from '@lingshu/dicom';
import { discover } from '../discover.js';

/** Files read so far / in all, and the bytes of the file just read (for the progress bar). */
export type ReadProgress = (done: number, total: number, bytes: number) => void;

export interface LoadedStudy {
  input: StudyInput;
  /** Instances read, and files skipped because they were not DICOM or could not be parsed. */
  instances: number;
  skipped: number;
}

/** A DICOM UID: digits and dots, 64 characters at most (PS3.5 §9.1). */
const UID_RE = /^[0-9]+(\.[0-9]+)+$/;

export function looksLikeUid(value: string): boolean {
  return value.length <= 64 && UID_RE.test(value);
}

class StudyCollector {
  private readonly studies = new Map<string, Map<string, SeriesInput>>();
  instances = 0;
  skipped = 0;

  add(bytes: Uint8Array): void {
    if (!isDicom(bytes)) {
      this.skipped++;
      return;
    }
    let parsed: ReturnType<typeof parseDicom>;
    try {
      parsed = parseDicom(bytes);
    } catch {
      this.skipped++;
      return;
    }
    const ds = parsed.dataset;
    const studyUid = getString(ds, Tags.StudyInstanceUID);
    const seriesUid = getString(ds, Tags.SeriesInstanceUID);
    const sopUid = getString(ds, Tags.SOPInstanceUID);
    // DICOMDIR and other non-image objects lack these: not part of a study to analyse.
    if (!studyUid || !seriesUid || !sopUid) {
      this.skipped++;
      return;
    }
    let series = this.studies.get(studyUid);
    if (!series) {
      series = new Map();
      this.studies.set(studyUid, series);
    }
    let s = series.get(seriesUid);
    if (!s) {
      s = { seriesInstanceUID: seriesUid, instances: [] };
      series.set(seriesUid, s);
    }
    s.instances.push({ dataset: ds, transferSyntaxUID: parsed.transferSyntaxUID, sopInstanceUID: sopUid });
    this.instances++;
  }

  /** The one study read; several studies in one input are refused rather than guessed between. */
  study(): StudyInput {
    if (this.studies.size === 0) throw new LingshuError('AI_BAD_INPUT', 'No DICOM images were found in the input');
    if (this.studies.size > 1) {
      throw new LingshuError(
        'AI_BAD_INPUT',
        `The input holds ${this.studies.size} studies; give the folder of one study, or a Study Instance UID`,
        { details: { studies: this.studies.size } },
      );
    }
    const [[studyInstanceUID, series]] = [...this.studies.entries()] as [[string, Map<string, SeriesInput>]];
    return { studyInstanceUID, series: [...series.values()] };
  }
}

/** Reads a folder, a file, a zip archive or a DICOMDIR (anything `lingshu import` accepts) as one study. */
export async function loadStudyFromPath(path: string, onProgress?: ReadProgress): Promise<LoadedStudy> {
  const discovery = await discover([path]);
  const collector = new StudyCollector();
  try {
    if (discovery.candidates.length === 0) {
      const problem = discovery.problems[0];
      throw new LingshuError(
        'AI_BAD_INPUT',
        problem ? `The input cannot be read: ${problem.message}` : 'The input holds no files',
      );
    }
    const total = discovery.candidates.length;
    let done = 0;
    for (const candidate of discovery.candidates) {
      let bytes = 0;
      try {
        const data = await candidate.load();
        bytes = data.length;
        collector.add(data);
      } catch {
        collector.skipped++;
      }
      onProgress?.(++done, total, bytes);
    }
  } finally {
    discovery.close();
  }
  return { input: collector.study(), instances: collector.instances, skipped: collector.skipped };
}

/** Reads a stored study from the archive by its Study Instance UID. */
export async function loadStudyFromArchive(
  studyUid: string,
  archiveOptions: { dataDir: string; databaseUrl?: string; schema?: string },
  onProgress?: ReadProgress,
): Promise<LoadedStudy> {
  if (!existsSync(archiveOptions.dataDir)) {
    throw new LingshuError('AI_BAD_INPUT', 'The path does not exist and there is no archive to look the study up in');
  }
  const archive = await openArchive(archiveOptions);
  const collector = new StudyCollector();
  try {
    const files = await archive.findInstances({ studyUid }, ALL_STUDIES);
    if (files.length === 0) {
      throw new LingshuError(
        'ARCHIVE_NOT_FOUND',
        'No stored study has this Study Instance UID (and no such path exists)',
      );
    }
    let done = 0;
    for (const f of files) {
      const data = await archive.readInstance(f.sopUid, ALL_STUDIES);
      collector.add(data);
      onProgress?.(++done, files.length, data.length);
    }
  } finally {
    await archive.close();
  }
  return { input: collector.study(), instances: collector.instances, skipped: collector.skipped };
}
