import type { AnalyzerDescriptor } from '@lingshu/ai';
import { defaultEmphysemaOptions as emphysemaDefaults } from './emphysema.js';
import { defaultNoduleParams } from './nodules/index.js';

/** The nodule detector's tunables under their analyzer names (`noduleMinDiameterMm`, …). */
const noduleParameters: Record<string, number> = Object.fromEntries(
  Object.entries(defaultNoduleParams).map(([k, v]) => [`nodule${k[0]?.toUpperCase()}${k.slice(1)}`, v]),
);

/** Version of the analyzer's behaviour: bump when a default or a method changes results. */
export const CHEST_CT_ANALYZER_VERSION = '0.16.0';

/**
 * The chest CT analyzer as data. Parameters are flat (recorded as-is in provenance); requests
 * may override any of them with a value of the same type.
 */
export const chestCtDescriptor: AnalyzerDescriptor = {
  id: 'lingshu-chest-ct',
  version: CHEST_CT_ANALYZER_VERSION,
  name: { 'zh-CN': '胸部 CT 一查多筛', en: 'Chest CT suite' },
  intendedUse: {
    'zh-CN':
      '成人胸部 CT：肺与气道分割、肺容积、肺结节检出与测量、肺气肿（LAA-950、Perc15）及肺部感染负荷定量，作为医生阅片的辅助建议。',
    en: 'Adult chest CT: lung and airway segmentation, lung volumes, lung nodule detection and measurement, emphysema (LAA-950, Perc15) and infection burden quantification, as proposals for a reading physician.',
  },
  requirements: {
    modalities: ['CT'],
    bodyParts: ['CHEST', 'THORAX', 'LUNG', 'THX', '胸', '肺'],
    sliceThicknessMm: { min: 0.5, max: 8 },
    minCoverageMm: 150,
    contrast: 'any',
    minSlices: 16,
  },
  parameters: {
    /** Lung segmentation: per-side closing radius (mm). */
    lungClosingRadiusMm: 20,
    /** Emphysema: LAA threshold (HU), inclusive (≤) or not (<), PercN and optional smoothing. */
    /** (The values are emphysema.ts's defaults, under their analyzer names.) */
    laaThresholdHu: emphysemaDefaults.thresholdHu,
    laaInclusive: emphysemaDefaults.inclusive,
    percentile: emphysemaDefaults.percentile,
    emphysemaSmoothingSigmaMm: emphysemaDefaults.smoothingSigmaMm,
    emphysemaNoiseAdaptive: emphysemaDefaults.adaptive,
    emphysemaAdaptiveNoiseHu: emphysemaDefaults.adaptiveNoiseHu,
    emphysemaAdaptiveEdgeFraction: emphysemaDefaults.adaptiveEdgeFraction,
    emphysemaAdaptiveSigmaMm: emphysemaDefaults.adaptiveSigmaMm,
    emphysemaModerateNoiseHu: emphysemaDefaults.moderateNoiseHu,
    emphysemaModerateSigmaMm: emphysemaDefaults.moderateSigmaMm,
    emphysemaModerateEdgeFraction: emphysemaDefaults.moderateEdgeFraction,
    emphysemaThinSliceMm: emphysemaDefaults.thinSliceMm,
    /** Infection burden bands (HU; not standardised) and vessel-removal opening (mm). */
    ggoMinHu: -750,
    ggoMaxHu: -300,
    consolidationMaxHu: 50,
    vesselOpeningMm: 3,
    /** Findings are raised above these (LAA %, infection % of both lungs). */
    emphysemaFindingLaaPercent: 5,
    infectionFindingPercent: 1,
    ...noduleParameters,
  },
};
