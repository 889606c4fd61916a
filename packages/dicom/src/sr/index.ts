export * from './build.js';
export * from './codes.js';
export * from './common.js';
export * from './content.js';
export * from './tid1500.js';
