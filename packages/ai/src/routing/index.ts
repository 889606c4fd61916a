export * from './match.js';
export * from './rules.js';
