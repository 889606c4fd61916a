import type { StudySpec } from './spec.js';

/** A small, fast chest study for tests (64×64, a few slices through the given z range). */
export function smallChestSpec(seed: number, overrides: Partial<StudySpec> = {}): StudySpec {
  return {
    name: 'test-chest',
    seed,
    patient: { name: 'Zhang^San=张^三=zhang^san', id: 'T0001', birthDate: '19600101', sex: 'M', anatomySeed: seed },
    studyDate: '20240101',
    institutionName: '灵枢测试医院',
    truthGridMm: 3,
    phantom: {
      kind: 'chest',
      nodules: [{ id: 'N1', type: 'solid', shape: 'ellipsoid', site: 'parenchymal', lobe: 'RUL', diameterMm: 10 }],
    },
    series: {
      matrix: 64,
      fieldOfViewMm: 360,
      sliceThicknessMm: 5,
      zRangeMm: [20, 55],
      kernel: 'standard',
      dose: 'standard',
      vendor: 'siemens',
    },
    ...overrides,
  };
}
