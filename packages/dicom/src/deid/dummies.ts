import type { VR } from '../dataset.js';

/** Dummy text values for the D action, valid for each VR (ASCII, within each VR's length limit). */
const DUMMY_TEXT: Partial<Record<VR, string>> = {
  AE: 'ANONYMIZED',
  AS: '000Y',
  CS: 'ANONYMIZED',
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: 'ANONYMIZED',
  LT: 'ANONYMIZED',
  PN: 'ANONYMOUS',
  SH: 'ANONYMIZED',
  ST: 'ANONYMIZED',
  TM: '000000',
  UC: 'ANONYMIZED',
  UR: '',
  UT: 'ANONYMIZED',
};

/** The dummy text for a VR, or undefined for binary VRs (which get zero-filled bytes). */
export function dummyText(vr: VR): string | undefined {
  return DUMMY_TEXT[vr];
}
