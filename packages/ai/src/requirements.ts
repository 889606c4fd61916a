import type { InputRequirements } from './contract.js';
import type { SeriesFacts } from './seriesFacts.js';

/** Stable reason codes of "not applicable" (part of the API: never reuse one for another meaning). */
export const NotApplicableReason = {
  NoSeries: 'no-series',
  Modality: 'modality',
  BodyPart: 'body-part',
  Orientation: 'orientation',
  SliceThickness: 'slice-thickness',
  Coverage: 'coverage',
  TooFewSlices: 'too-few-slices',
  Contrast: 'contrast',
  NoLungs: 'no-lungs',
} as const;
export type NotApplicableReasonCode = (typeof NotApplicableReason)[keyof typeof NotApplicableReason];

export interface RequirementFailure {
  reasonCode: NotApplicableReasonCode;
  /** English, PHI-free, says what was required and what was found. */
  reason: string;
}

/**
 * Checks one series against an analyzer's requirements; returns the first failure or undefined.
 * The body part passes when BodyPartExamined, or any description, names one of the required
 * parts (many scanners leave BodyPartExamined empty); a series with no such text at all passes
 * too — the lung segmentation then decides (no lungs → not applicable).
 */
export function checkRequirements(facts: SeriesFacts, req: InputRequirements): RequirementFailure | undefined {
  if (!req.modalities.includes(facts.modality)) {
    return {
      reasonCode: NotApplicableReason.Modality,
      reason: `modality ${facts.modality || 'unknown'} is not one of ${req.modalities.join(', ')}`,
    };
  }
  if (facts.orientation !== 'axial') {
    return { reasonCode: NotApplicableReason.Orientation, reason: `slices are ${facts.orientation}, not axial` };
  }
  const text = `${facts.bodyPart} ${facts.description}`;
  const namesPart = req.bodyParts.some((p) => text.includes(p));
  const namesOther = /\b(HEAD|BRAIN|NECK|PELVIS|KNEE|SPINE|EXTREMITY|HAND|FOOT)\b/.test(facts.bodyPart);
  if (!namesPart && namesOther) {
    return {
      reasonCode: NotApplicableReason.BodyPart,
      reason: `body part ${facts.bodyPart} is not one of ${req.bodyParts.join(', ')}`,
    };
  }
  if (facts.sliceCount < req.minSlices) {
    return {
      reasonCode: NotApplicableReason.TooFewSlices,
      reason: `${facts.sliceCount} slices, at least ${req.minSlices} required`,
    };
  }
  const th = facts.sliceThicknessMm;
  const { min, max } = req.sliceThicknessMm;
  // Half a percent of slack: headers round (0.625 is often written 0.62 or 0.63).
  if (th === undefined || th < min * 0.995 - 0.01 || th > max * 1.005) {
    return {
      reasonCode: NotApplicableReason.SliceThickness,
      reason: `slice thickness ${th === undefined ? 'unknown' : `${th.toFixed(2)} mm`} is outside ${min}–${max} mm`,
    };
  }
  if (facts.coverageMm < req.minCoverageMm) {
    return {
      reasonCode: NotApplicableReason.Coverage,
      reason: `cranio-caudal coverage ${facts.coverageMm.toFixed(0)} mm is below ${req.minCoverageMm} mm`,
    };
  }
  if (req.contrast === 'required' && !facts.contrast) {
    return { reasonCode: NotApplicableReason.Contrast, reason: 'a contrast-enhanced series is required' };
  }
  if (req.contrast === 'none' && facts.contrast) {
    return { reasonCode: NotApplicableReason.Contrast, reason: 'a non-contrast series is required' };
  }
  return undefined;
}
