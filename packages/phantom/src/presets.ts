import type { PatientSpec, SeriesOptions, StudySpec } from './spec.js';

function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(4, 6)) - 1 + months;
  const d = date.slice(6, 8);
  const year = y + Math.floor(m / 12);
  return `${year}${String((m % 12) + 1).padStart(2, '0')}${d}`;
}

const CHEST_SERIES: SeriesOptions = {
  matrix: 512,
  fieldOfViewMm: 360,
  sliceThicknessMm: 1,
  kernel: 'lung',
  dose: 'low',
  vendor: 'united-imaging',
  characterSet: 'ISO_IR 192',
};

/**
 * The demo set: a baseline low-dose chest CT with one nodule of each kind, emphysema, a
 * ground-glass and a consolidation patch and coronary calcium; its 12-month follow-up with
 * growth and a new nodule; and a head CT with haemorrhages. Same seed → same studies.
 */
export function demoStudies(seed: number): StudySpec[] {
  const patient: PatientSpec = {
    name: 'Zhang^San=张^三=zhang^san',
    id: `LS${String(seed).padStart(6, '0')}`,
    birthDate: '19620314',
    sex: 'M',
    anatomySeed: seed,
  };
  const baseline: StudySpec = {
    name: 'chest-baseline',
    seed,
    patient,
    studyDate: '20240315',
    studyTime: '091500',
    institutionName: '灵枢示范医院',
    studyDescription: 'CT 胸部平扫 (低剂量)',
    phantom: {
      kind: 'chest',
      emphysemaSeverity: 0.4,
      coronaryCalciumSpots: 5,
      infection: [
        { type: 'ggo', lobe: 'RLL', sizeMm: 35 },
        { type: 'consolidation', lobe: 'LLL', sizeMm: 25 },
      ],
      nodules: [
        {
          id: 'N1',
          type: 'solid',
          shape: 'lobulated',
          site: 'parenchymal',
          lobe: 'RUL',
          diameterMm: 9,
          volumeChange: 1.6,
        },
        {
          id: 'N2',
          type: 'part-solid',
          shape: 'ellipsoid',
          site: 'parenchymal',
          lobe: 'LUL',
          diameterMm: 14,
          solidCoreMm: 6,
          volumeChange: 1.3,
        },
        { id: 'N3', type: 'ground-glass', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RLL', diameterMm: 10 },
        { id: 'N4', type: 'calcified', shape: 'ellipsoid', site: 'parenchymal', lobe: 'LLL', diameterMm: 5 },
        { id: 'N5', type: 'solid', shape: 'ellipsoid', site: 'juxtapleural', lobe: 'RLL', diameterMm: 7 },
        { id: 'N6', type: 'solid', shape: 'ellipsoid', site: 'perifissural', lobe: 'RML', diameterMm: 6 },
        {
          id: 'N7',
          type: 'solid',
          shape: 'spiculated',
          site: 'vessel-attached',
          lobe: 'LUL',
          diameterMm: 12,
          volumeChange: 2,
        },
        {
          id: 'N8',
          type: 'solid',
          shape: 'lobulated',
          site: 'parenchymal',
          lobe: 'RUL',
          diameterMm: 6,
          newInFollowUp: true,
        },
      ],
    },
    series: CHEST_SERIES,
  };
  const followUp: StudySpec = {
    ...baseline,
    name: 'chest-followup-12m',
    seed: seed + 1,
    studyDate: addMonths(baseline.studyDate, 12),
    followUp: { monthsAfterBaseline: 12, translationMm: [2.5, -1.5, 4] },
  };
  const head: StudySpec = {
    name: 'head-haemorrhage',
    seed: seed + 2,
    patient: {
      name: 'Li^Si=李^四=li^si',
      id: `LS${String(seed + 1).padStart(6, '0')}`,
      birthDate: '19480702',
      sex: 'F',
      anatomySeed: seed + 2,
    },
    studyDate: '20240316',
    institutionName: '灵枢示范医院',
    studyDescription: 'CT 颅脑平扫',
    phantom: {
      kind: 'head',
      haemorrhages: [
        { id: 'H1', type: 'intraparenchymal', side: 'right', sizeMm: 28 },
        { id: 'H2', type: 'subdural', side: 'left', sizeMm: 8 },
      ],
    },
    series: {
      matrix: 512,
      fieldOfViewMm: 240,
      sliceThicknessMm: 5,
      kernel: 'soft',
      dose: 'standard',
      vendor: 'siemens',
    },
  };
  return [baseline, followUp, head];
}
