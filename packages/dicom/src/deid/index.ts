export {
  type DeidContext,
  type DeidOptions,
  type DeidReport,
  type DeidResult,
  deidentify,
  deidentifyWithReport,
} from './deidentify.js';
export {
  type BasicProfileAction,
  DEID_BASIC_PROFILE,
  type DeidAction,
  type DeidRule,
  deidRuleFor,
  isRemovedByGroupRule,
  resolveCombinedAction,
} from './profile.js';
export { remapUid } from './uidRemap.js';
