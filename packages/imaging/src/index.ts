export * from './assemble.js';
export * from './fromDicom.js';
export * from './plan.js';
export * from './resampleSlice.js';
export * from './sample.js';
export * from './slice.js';
export * from './vec3.js';
export * from './volume.js';
