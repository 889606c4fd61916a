import { decodeFrameModality } from '@lingshu/dicom';
import { type AssemblyResult, type FrameDecoder, volumeFromDatasets } from '@lingshu/imaging';
import type { SeriesInput } from './contract.js';

/** Decodes one frame into modality values (HU for CT): the pixel module's modality LUT. */
const decodeHu: FrameDecoder = async (dataset, transferSyntaxUID, frameIndex) => {
  const f = await decodeFrameModality(dataset, transferSyntaxUID, frameIndex);
  return { pixels: f.pixels, rows: f.rows, columns: f.columns };
};

/**
 * Builds the volume of a series in modality units (Hounsfield units for CT), Int16 where the
 * values allow. Gaps are resampled (and reported as volume warnings) rather than refused.
 * `sharedMemory`: Int16 voxels in a SharedArrayBuffer where the slices go straight in (for
 * analyzers that hand the volume to worker threads).
 */
export async function loadSeriesVolume(
  series: SeriesInput,
  options: { sharedMemory?: boolean } = {},
): Promise<AssemblyResult> {
  return volumeFromDatasets(
    series.instances.map((i) => ({ dataset: i.dataset, transferSyntaxUID: i.transferSyntaxUID })),
    decodeHu,
    {
      seriesInstanceUID: series.seriesInstanceUID,
      allowGaps: true,
      mixed: 'split',
      ...(options.sharedMemory ? { sharedMemory: true } : {}),
    },
  );
}
