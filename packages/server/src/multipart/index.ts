export * from './mediaType.js';
export * from './parser.js';
export * from './readParts.js';
