/**
 * Builds the Cornerstone image for a frame the series stream worker decoded, as the DICOM image
 * loader's `createImage` does for a grayscale frame (same fields, same metadata modules, same
 * pre-scaling flags), so that the viewport, the tools (HU statistics) and the cache cannot tell
 * it from one the loader made.
 */
import { Enums, metaData, type Types, utilities } from '@cornerstonejs/core';
import { getImageFrame } from '@cornerstonejs/dicom-image-loader';
import type { FramePlan, PixelArray, PixelFacts } from './nativeFrames.js';

interface Modules {
  imagePlane: { columnPixelSpacing?: number; rowPixelSpacing?: number };
  voiLut: { windowCenter?: number[]; windowWidth?: number[]; voiLUTFunction?: string[]; voiLUTSequence?: unknown[] };
  modalityLut: { rescaleSlope?: number; rescaleIntercept?: number; modalityLUTSequence?: unknown[] };
  calibration: Record<string, unknown>;
}

function modules(imageId: string): Modules {
  const M = Enums.MetadataModules;
  return {
    imagePlane: metaData.get(M.IMAGE_PLANE, imageId) ?? {},
    voiLut: metaData.get(M.VOI_LUT, imageId) ?? {},
    modalityLut: metaData.get(M.MODALITY_LUT, imageId) ?? {},
    calibration: metaData.get(M.CALIBRATION, imageId) ?? {},
  };
}

/** The facts `framePlan` needs, from the metadata the viewer registered for `imageId`. */
export function pixelFacts(imageId: string): PixelFacts {
  const px = (metaData.get(Enums.MetadataModules.IMAGE_PIXEL, imageId) ?? {}) as PixelFacts;
  const lut = (metaData.get(Enums.MetadataModules.MODALITY_LUT, imageId) ?? {}) as PixelFacts & {
    modalityLUTSequence?: unknown[];
  };
  const series = (metaData.get(Enums.MetadataModules.GENERAL_SERIES, imageId) ?? {}) as { modality?: string };
  return {
    rows: px.rows,
    columns: px.columns,
    samplesPerPixel: px.samplesPerPixel,
    bitsAllocated: px.bitsAllocated,
    bitsStored: px.bitsStored,
    pixelRepresentation: px.pixelRepresentation,
    photometricInterpretation: px.photometricInterpretation,
    rescaleSlope: lut.rescaleSlope,
    rescaleIntercept: lut.rescaleIntercept,
    modality: series.modality,
    modalityLutSequence: (lut.modalityLUTSequence?.length ?? 0) > 0,
  };
}

export interface NativeFrame {
  pixels: PixelArray;
  min: number;
  max: number;
  scaled: boolean;
  transferSyntaxUid: string;
  decodeMs: number;
}

export function nativeImage(imageId: string, plan: FramePlan, frame: NativeFrame, modality?: string): Types.IImage {
  const m = modules(imageId);
  const imageFrame = getImageFrame(imageId) as unknown as Record<string, unknown>;
  imageFrame.pixelData = frame.pixels;
  imageFrame.pixelDataLength = frame.pixels.length;
  imageFrame.smallestPixelValue = frame.min;
  imageFrame.largestPixelValue = frame.max;
  imageFrame.decodeTimeInMS = frame.decodeMs;
  if (frame.scaled && plan.rescale)
    imageFrame.preScale = {
      enabled: true,
      scaled: true,
      scalingParameters: { rescaleSlope: plan.rescale.slope, rescaleIntercept: plan.rescale.intercept, modality },
    };
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({
    scalarData: frame.pixels,
    width: plan.columns,
    height: plan.rows,
    numberOfComponents: 1,
  });
  let windowCenter = m.voiLut.windowCenter?.[0];
  let windowWidth = m.voiLut.windowWidth?.[0];
  if (windowCenter === undefined || windowWidth === undefined) {
    const wl = utilities.windowLevel.toWindowLevel(frame.min, frame.max);
    windowCenter = wl.windowCenter;
    windowWidth = wl.windowWidth;
  }
  const image = {
    imageId,
    dataType: frame.pixels.constructor.name,
    color: false,
    calibration: m.calibration,
    columnPixelSpacing: m.imagePlane.columnPixelSpacing,
    columns: plan.columns,
    height: plan.rows,
    preScale: imageFrame.preScale,
    intercept: m.modalityLut.rescaleIntercept ? m.modalityLut.rescaleIntercept : 0,
    slope: m.modalityLut.rescaleSlope ? m.modalityLut.rescaleSlope : 1,
    invert: imageFrame.photometricInterpretation === 'MONOCHROME1',
    minPixelValue: frame.min,
    maxPixelValue: frame.max,
    rowPixelSpacing: m.imagePlane.rowPixelSpacing,
    rows: plan.rows,
    sizeInBytes: frame.pixels.byteLength,
    width: plan.columns,
    windowCenter,
    windowWidth,
    voiLUTFunction: m.voiLut.voiLUTFunction?.[0] || undefined,
    voiLUT: m.voiLut.voiLUTSequence?.[0],
    decodeTimeInMS: frame.decodeMs,
    floatPixelData: undefined,
    imageFrame,
    voxelManager,
    rgba: false,
    getPixelData: () => frame.pixels,
    getCanvas: undefined,
    numberOfComponents: 1,
    imageQualityStatus: Enums.ImageQualityStatus.FULL_RESOLUTION,
    transferSyntaxUID: frame.transferSyntaxUid,
  };
  return image as unknown as Types.IImage;
}
