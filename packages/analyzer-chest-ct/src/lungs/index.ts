export { defaultLungOptions, segmentLungs } from './segment.js';
export * from './types.js';
