export * from './encapsulated.js';
export * from './textSr.js';
