import {
  type Dataset,
  getNumbers,
  getString,
  LingshuError,
  type SegOutput,
  type SegSegment,
  Tags,
  writeSegmentation,
} from '@lingshu/dicom';
import type { Volume } from '@lingshu/imaging';
import type { AnalysisResult } from '../contract.js';

export interface SegExportOptions {
  seriesNumber?: number;
  /** Fixed UIDs (e.g. derived from the result key, so a re-run writes the same object). */
  sopInstanceUID?: string;
  seriesInstanceUID?: string;
  now?: Date;
}

/**
 * Orders the source headers as the label volume's k axis: by the volume's SOP Instance UIDs when
 * they map one to one, else by nearest slice position along the k direction.
 */
export function headersInVolumeOrder(volume: Volume, headers: readonly Dataset[]): Dataset[] {
  const nz = volume.dimensions[2];
  const byUid = new Map(headers.map((h) => [getString(h, Tags.SOPInstanceUID) ?? '', h]));
  const uids = volume.metadata.sopInstanceUIDs;
  const integral = (volume.metadata.sourceK ?? []).every((k, i) => k === i);
  if (uids.length === nz && integral && uids.every((u) => byUid.has(u)))
    return uids.map((u) => byUid.get(u) as Dataset);
  const dir = volume.direction[2];
  const along = (p: readonly number[]): number => (p[0] ?? 0) * dir[0] + (p[1] ?? 0) * dir[1] + (p[2] ?? 0) * dir[2];
  const o = along(volume.origin);
  const out: Dataset[] = [];
  for (let k = 0; k < nz; k++) {
    const want = o + k * volume.spacing[2];
    let best: Dataset | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const h of headers) {
      const d = Math.abs(along(getNumbers(h, Tags.ImagePositionPatient)) - want);
      if (d < bestD) {
        bestD = d;
        best = h;
      }
    }
    if (!best || bestD > volume.spacing[2] / 4)
      throw new LingshuError('AI_BAD_INPUT', 'The label map grid does not match the source slices');
    out.push(best);
  }
  return out;
}

/**
 * The result's label map as a binary DICOM SEG on the analysed series (one segment per
 * SegmentInfo). Undefined when the result has no label map.
 */
export function analysisToSeg(
  result: AnalysisResult,
  sourceHeaders: readonly Dataset[],
  options: SegExportOptions = {},
): SegOutput | undefined {
  if (!result.labels) return undefined;
  const { volume, segments } = result.labels;
  const ordered = headersInVolumeOrder(volume, sourceHeaders);
  const segs: SegSegment[] = segments.map((s) => ({
    number: s.number,
    label: s.label,
    type: s.code,
    category: s.category,
    algorithmName: `${result.provenance.analyzerId} ${result.provenance.analyzerVersion}`,
  }));
  const labels = volume.voxels instanceof Uint8Array ? volume.voxels : Uint8Array.from(volume.voxels);
  return writeSegmentation({
    sourceSlices: ordered,
    labels,
    segments: segs,
    seriesDescription: `AI segmentation (${result.provenance.analyzerId})`,
    contentLabel: 'AI_SEGMENTATION',
    seriesNumber: options.seriesNumber ?? 9001,
    ...(options.sopInstanceUID ? { sopInstanceUID: options.sopInstanceUID } : {}),
    ...(options.seriesInstanceUID ? { seriesInstanceUID: options.seriesInstanceUID } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
