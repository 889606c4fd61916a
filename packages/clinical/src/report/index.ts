export * from './findings.js';
export * from './lifecycle.js';
export * from './model.js';
export * from './qc.js';
export * from './render.js';
export * from './templates/index.js';
export {
  laterality,
  lungRadsMentions,
  mentionsFollowUp,
  oppositeSexTerm,
  SEX_SPECIFIC_TERMS,
  sizesMm,
  statements,
} from './textParse.js';
