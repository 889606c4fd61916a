import { BROCK_2013 } from './brock.js';
import { EMPHYSEMA_LAA950 } from './emphysema.js';
import { FLEISCHNER_2017 } from './fleischner.js';
import { GROWTH_RULES } from './growth.js';
import { LUNG_RADS_2022 } from './lungRads.js';
import { CT_SEVERITY_SCORE, INFECTION_HU_BANDS_SOURCE } from './severity.js';
import type { RuleSource } from './types.js';

/** Every rule source the engines use, keyed by the `system` ids results carry (for docs and the UI). */
export const GUIDELINE_SOURCES: Readonly<Record<string, RuleSource>> = {
  'lung-rads-2022': LUNG_RADS_2022,
  'fleischner-2017': FLEISCHNER_2017,
  brock: BROCK_2013,
  'ct-severity-score': CT_SEVERITY_SCORE,
  'infection-hu-bands': INFECTION_HU_BANDS_SOURCE,
  'emphysema-laa950': EMPHYSEMA_LAA950,
  'growth-volume': GROWTH_RULES.volume.source,
};
