import type { ReportActor, ReportFinding, ReportInput } from './model.js';

/** Shared test data for the report tests (synthetic; no patient data). */

export const AT = new Date('2026-11-23T10:00:00Z');
export const RADIOLOGIST: ReportActor = { id: 'u-rad', role: 'radiologist', canSign: true };
export const RESIDENT: ReportActor = { id: 'u-res', role: 'resident', canSign: false };

export const RUL_4A: ReportFinding = {
  id: 'n1',
  kind: 'nodule',
  accepted: true,
  lobe: 'RUL',
  side: 'right',
  noduleType: 'solid',
  longAxisMm: 9.2,
  shortAxisMm: 7.4,
  meanDiameterMm: 8.3,
  volumeMm3: 280,
  categories: [{ system: 'lung-rads-2022', value: '4A' }],
};
/** RUL_4A grown since a prior six months earlier: every growth rule met, categorised 4B. */
export const RUL_GROWING: ReportFinding = {
  ...RUL_4A,
  categories: [{ system: 'lung-rads-2022', value: '4B' }],
  growth: {
    priorStudyDate: '2026-05-25',
    intervalDays: 182,
    priorMeanDiameterMm: 6.1,
    priorVolumeMm3: 146,
    volumeChangePercent: 91.8,
    volumeDoublingTimeDays: 193.4,
    growingLungRads: true,
    growingFleischner: true,
    growingVolume: true,
  },
};
export const LLL_GGN: ReportFinding = {
  id: 'n2',
  kind: 'nodule',
  accepted: true,
  lobe: 'LLL',
  side: 'left',
  noduleType: 'ground-glass',
  longAxisMm: 7,
  shortAxisMm: 5,
  meanDiameterMm: 6,
  volumeMm3: 90,
  categories: [{ system: 'lung-rads-2022', value: '2' }],
};
export const RLL_SMALL: ReportFinding = {
  id: 'n3',
  kind: 'nodule',
  accepted: true,
  lobe: 'RLL',
  side: 'right',
  noduleType: 'solid',
  longAxisMm: 3.4,
  shortAxisMm: 2.6,
  meanDiameterMm: 3,
  categories: [{ system: 'lung-rads-2022', value: '2' }],
};
/** Proposed by the AI but rejected by the reader: never in a report. */
export const LUL_REJECTED: ReportFinding = {
  id: 'n4',
  kind: 'nodule',
  accepted: false,
  lobe: 'LUL',
  noduleType: 'solid',
  longAxisMm: 20,
  shortAxisMm: 15,
  categories: [{ system: 'lung-rads-2022', value: '4B' }],
};
export const EMPHYSEMA: ReportFinding = {
  id: 'e1',
  kind: 'emphysema',
  accepted: true,
  laa950Percent: 12.34,
  categories: [],
};
export const INFECTION: ReportFinding = {
  id: 'i1',
  kind: 'infection',
  accepted: true,
  infectionPercent: 18.2,
  severityScore: 9,
  categories: [],
};

export function chestInput(
  findings: ReportFinding[],
  patient: ReportInput['patient'] = { sex: 'M', ageYears: 60 },
): ReportInput {
  return { findings, series: { contrast: false, sliceThicknessMm: 1.25, kernel: 'B70f' }, patient };
}

export const ALL = [RUL_4A, LLL_GGN, RLL_SMALL, LUL_REJECTED, EMPHYSEMA, INFECTION];
