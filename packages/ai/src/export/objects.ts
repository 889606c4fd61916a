import { LingshuError, uidFromName, writeDicom } from '@lingshu/dicom';
import type { AnalysisResult, StudyInput } from '../contract.js';
import { analysisToSeg } from './seg.js';
import { analysisToSr } from './sr.js';

export interface AnalysisObjectsOptions {
  language?: 'zh-CN' | 'en';
  /**
   * A stable key of the result (study, analyzer, version, inputs). When given, the SR and SEG
   * SOP/Series Instance UIDs are derived from it (2.25 form), so a re-run of the same analysis
   * writes the same objects instead of second copies.
   */
  resultKey?: string;
  now?: Date;
}

export interface AnalysisObjects {
  sr: { bytes: Uint8Array; sopInstanceUID: string; seriesInstanceUID: string };
  seg?: { bytes: Uint8Array; sopInstanceUID: string; seriesInstanceUID: string };
}

/**
 * The DICOM objects of a result: the SEG of its label map (when it has one) on the analysed
 * series, then the TID 1500 SR whose measurement groups reference it.
 */
export function analysisObjects(
  result: AnalysisResult,
  input: StudyInput,
  options: AnalysisObjectsOptions = {},
): AnalysisObjects {
  const series = input.series.find((s) => s.seriesInstanceUID === result.provenance.seriesInstanceUID);
  if (!series) throw new LingshuError('AI_FAILED', 'The analysed series is not in the input');
  const headers = series.instances.map((i) => i.dataset);
  const key = options.resultKey;
  const uids = (kind: string) =>
    key
      ? { sopInstanceUID: uidFromName(`${key}/${kind}/sop`), seriesInstanceUID: uidFromName(`${key}/${kind}/series`) }
      : {};
  const now = options.now ? { now: options.now } : {};
  const seg = analysisToSeg(result, headers, { ...uids('seg'), ...now });
  const sr = analysisToSr(result, headers, {
    language: options.language ?? 'en',
    ...uids('sr'),
    ...now,
    ...(seg ? { segmentation: { sopInstanceUID: seg.sopInstanceUID, seriesInstanceUID: seg.seriesInstanceUID } } : {}),
  });
  return {
    sr: {
      bytes: writeDicom({ dataset: sr.dataset }),
      sopInstanceUID: sr.sopInstanceUID,
      seriesInstanceUID: sr.seriesInstanceUID,
    },
    ...(seg
      ? {
          seg: {
            bytes: writeDicom({ dataset: seg.dataset }),
            sopInstanceUID: seg.sopInstanceUID,
            seriesInstanceUID: seg.seriesInstanceUID,
          },
        }
      : {}),
  };
}

/** The result as JSON: everything but the label map's voxels (those go into the SEG). */
export function analysisResultJson(result: AnalysisResult): unknown {
  if (!result.labels) return result;
  const { voxels: _voxels, ...grid } = result.labels.volume;
  return { ...result, labels: { grid: { ...grid, metadata: undefined }, segments: result.labels.segments } };
}
