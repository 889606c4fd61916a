import type { StudySpec } from '@lingshu/phantom';

export interface TinyChestOptions {
  name: string;
  seed: number;
  transferSyntaxUID: string;
  patient: { name: string; id: string; sex: 'F' | 'M' };
  characterSet?: 'ISO_IR 192' | 'GB18030';
}

/** A few 32×32 phantom chest slices (10 mm, z 20–40 mm) for fast server tests. */
export function tinyChestSpec(o: TinyChestOptions): StudySpec {
  return {
    name: o.name,
    seed: o.seed,
    patient: { ...o.patient, birthDate: '19600101', anatomySeed: o.seed },
    studyDate: '20240101',
    institutionName: '灵枢测试医院',
    truthGridMm: 6,
    phantom: { kind: 'chest', nodules: [] },
    series: {
      matrix: 32,
      fieldOfViewMm: 360,
      sliceThicknessMm: 10,
      zRangeMm: [20, 40],
      kernel: 'standard',
      dose: 'standard',
      vendor: 'siemens',
      transferSyntaxUID: o.transferSyntaxUID,
      ...(o.characterSet ? { characterSet: o.characterSet } : {}),
    },
  };
}
