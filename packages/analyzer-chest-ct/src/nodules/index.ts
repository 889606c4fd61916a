export * from './detect.js';
export { NoduleCodes } from './finding.js';
export * from './params.js';
export type * from './types.js';
