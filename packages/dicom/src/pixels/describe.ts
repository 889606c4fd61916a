import type { Dataset } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { Tags } from '../tag.js';
import { getNumber, getString } from '../values.js';

/** The Image Pixel Module (PS3.3 C.7.6.3) plus the modality rescale, validated. */
export interface PixelDescription {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 = unsigned, 1 = two's complement. */
  pixelRepresentation: 0 | 1;
  photometricInterpretation: string;
  /** 0 = colour-by-pixel (interleaved), 1 = colour-by-plane. */
  planarConfiguration: 0 | 1;
  numberOfFrames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
}

function bad(message: string, details: Record<string, number | string>): never {
  throw new LingshuError('PIXEL_BAD_DESCRIPTION', message, { details });
}

function required(ds: Dataset, tag: number, name: string): number {
  const v = getNumber(ds, tag);
  if (v === undefined)
    throw new LingshuError('DICOM_MISSING_ATTRIBUTE', `${name} is missing`, { details: { attribute: name } });
  return v;
}

/** Reads and validates the Image Pixel Module. A highBit other than bitsStored-1 is accepted. */
export function readPixelDescription(ds: Dataset): PixelDescription {
  const rows = required(ds, Tags.Rows, 'Rows');
  const columns = required(ds, Tags.Columns, 'Columns');
  const bitsAllocated = required(ds, Tags.BitsAllocated, 'BitsAllocated');
  const samplesPerPixel = getNumber(ds, Tags.SamplesPerPixel) ?? 1;
  const bitsStored = getNumber(ds, Tags.BitsStored) ?? bitsAllocated;
  const highBit = getNumber(ds, Tags.HighBit) ?? bitsStored - 1;
  const pixelRepresentation = getNumber(ds, Tags.PixelRepresentation) ?? 0;
  const photometricInterpretation =
    getString(ds, Tags.PhotometricInterpretation) ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2');
  const planarConfiguration = samplesPerPixel > 1 ? (getNumber(ds, Tags.PlanarConfiguration) ?? 0) : 0;
  const numberOfFrames = getNumber(ds, Tags.NumberOfFrames) ?? 1;
  const rescaleSlope = getNumber(ds, Tags.RescaleSlope) ?? 1;
  const rescaleIntercept = getNumber(ds, Tags.RescaleIntercept) ?? 0;

  if (!Number.isInteger(rows) || rows <= 0 || !Number.isInteger(columns) || columns <= 0) {
    bad('Rows and Columns must be positive', { rows, columns });
  }
  if (![1, 8, 16, 32].includes(bitsAllocated)) bad('Bits Allocated must be 1, 8, 16 or 32', { bitsAllocated });
  if (bitsStored < 1 || bitsStored > bitsAllocated)
    bad('Bits Stored must be in 1..Bits Allocated', { bitsStored, bitsAllocated });
  if (highBit < bitsStored - 1 || highBit >= bitsAllocated)
    bad('High Bit is outside the allocated bits', { highBit, bitsStored, bitsAllocated });
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1)
    bad('Pixel Representation must be 0 or 1', { pixelRepresentation });
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) bad('Samples per Pixel must be 1 or 3', { samplesPerPixel });
  if (planarConfiguration !== 0 && planarConfiguration !== 1)
    bad('Planar Configuration must be 0 or 1', { planarConfiguration });
  if (!Number.isInteger(numberOfFrames) || numberOfFrames < 1)
    bad('Number of Frames must be at least 1', { numberOfFrames });
  if (rescaleSlope === 0) bad('Rescale Slope must not be zero', { rescaleSlope });
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation,
    photometricInterpretation,
    planarConfiguration,
    numberOfFrames,
    rescaleSlope,
    rescaleIntercept,
  };
}
