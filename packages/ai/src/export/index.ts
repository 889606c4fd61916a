export * from './codes.js';
export * from './imagePoints.js';
export * from './objects.js';
export * from './seg.js';
export * from './sr.js';
