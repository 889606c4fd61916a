export * from './charset.js';
export * from './dataset.js';
export * from './errors.js';
export * from './tag.js';
export * from './uids.js';
export * from './values.js';
