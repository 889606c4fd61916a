export { Label, Region } from './chest/anatomy.js';
export { noiseStdHU, SliceRenderer, sliceGeometry } from './image/render.js';
export type { LesionEntry, PhantomModel } from './model.js';
export { buildPhantom } from './phantom.js';
export { demoStudies } from './presets.js';
export { Random } from './random.js';
export { type AxialGrid, type PaintOp, rasteriseSlice } from './raster.js';
export {
  type FrameEncoder,
  type GeneratedInstance,
  type GenerateOptions,
  generateSeries,
  generateStudy,
  hashFiles,
  PHANTOM_TRANSFER_SYNTAXES,
  studyUid,
} from './series.js';
export * from './spec.js';
export { buildTruth, type LesionTruth, type StudyTruth } from './truth/build.js';
export { type LesionMeasurement, measureLesion } from './truth/measure.js';
export type { LungTruth, RegionTruth } from './truth/regions.js';
export { VENDOR_STYLES, type VendorStyle } from './vendors.js';
export { type ProgressCallback, writeStudyToDir } from './writeStudy.js';
