export * from './detect.js';
export { NoduleCodes } from './finding.js';
export * from './params.js';
export * from './ranker.js';
export * from './rankerFit.js';
export type * from './types.js';
