import { type Dataset, getNumber, getNumbers, getString, getStrings, LingshuError, Tags } from '@lingshu/dicom';
import { type AssemblyResult, assembleVolume } from './assemble.js';
import type { AssembleOptions, SliceInput, SlicePixels } from './slice.js';

/** Decodes one frame into modality values (e.g. HU), as the pixel module of @lingshu/dicom does. */
export type FrameDecoder = (
  dataset: Dataset,
  transferSyntaxUID: string,
  frameIndex: number,
) => Promise<{ pixels: SlicePixels; rows: number; columns: number }>;

export interface DatasetWithSyntax {
  dataset: Dataset;
  transferSyntaxUID: string;
}

/** Reads the geometry of a single-frame image; pixels are decoded only when assembly asks for them. */
export function sliceInputFromDataset(ds: Dataset, transferSyntaxUID: string, decode: FrameDecoder): SliceInput {
  const slice: SliceInput = {
    sopInstanceUID: getString(ds, Tags.SOPInstanceUID) ?? '',
    imagePositionPatient: getNumbers(ds, Tags.ImagePositionPatient),
    imageOrientationPatient: getNumbers(ds, Tags.ImageOrientationPatient),
    pixelSpacing: getNumbers(ds, Tags.PixelSpacing),
    rows: getNumber(ds, Tags.Rows) ?? 0,
    columns: getNumber(ds, Tags.Columns) ?? 0,
    imageType: getStrings(ds, Tags.ImageType),
    pixels: async () => {
      const frame = await decode(ds, transferSyntaxUID, 0);
      if (frame.rows !== slice.rows || frame.columns !== slice.columns) {
        throw new LingshuError('VOLUME_INCONSISTENT_SLICES', 'Decoded frame size differs from Rows/Columns', {
          details: { rows: frame.rows, columns: frame.columns },
        });
      }
      return frame.pixels;
    },
  };
  const optional: [keyof SliceInput, number | undefined][] = [
    ['instanceNumber', getNumber(ds, Tags.InstanceNumber)],
    ['acquisitionNumber', getNumber(ds, Tags.AcquisitionNumber)],
    ['sliceThickness', getNumber(ds, Tags.SliceThickness)],
    ['gantryDetectorTilt', getNumber(ds, Tags.GantryDetectorTilt)],
  ];
  for (const [key, value] of optional) if (value !== undefined) Object.assign(slice, { [key]: value });
  return slice;
}

/**
 * Builds a volume of modality values from the datasets of one series (headers are read first,
 * pixels decoded only for the slices that are used). Series UID and modality come from the
 * first dataset unless given in the options.
 */
export async function volumeFromDatasets(
  items: readonly DatasetWithSyntax[],
  decode: FrameDecoder,
  options: AssembleOptions = {},
): Promise<AssemblyResult> {
  const first = items[0]?.dataset;
  const seriesInstanceUID = options.seriesInstanceUID ?? (first && getString(first, Tags.SeriesInstanceUID));
  const modality = options.modality ?? (first && getString(first, Tags.Modality));
  const slices = items.map((it) => sliceInputFromDataset(it.dataset, it.transferSyntaxUID, decode));
  return assembleVolume(slices, {
    ...options,
    ...(seriesInstanceUID ? { seriesInstanceUID } : {}),
    ...(modality ? { modality } : {}),
  });
}
