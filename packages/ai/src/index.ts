export * from './contract.js';
export * from './export/index.js';
export * from './loadSeries.js';
export * from './progress.js';
export * from './requirements.js';
export * from './routing/index.js';
export * from './seriesFacts.js';
