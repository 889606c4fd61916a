export * from './pack.js';
export * from './syntheticSource.js';
export * from './writer.js';
