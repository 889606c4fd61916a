import { describe, expect, it } from 'vitest';
import { translator } from '../i18n.js';
import { truthNodule } from '../testing/truthNodules.js';
import { computeMetrics, type ScanOutcome } from './metrics.js';
import { formatEvalReport } from './report.js';

const truth = (id: string, x: number, d: number, type: string) =>
  truthNodule(id, x, d, type, { site: 'vessel-attached' });

const outcomes: ScanOutcome[] = [
  {
    seed: 1000,
    acquisition: { sliceThicknessMm: 1, dose: 'low', kernel: 'lung', matrix: 128 },
    status: 'ok',
    truth: [truth('a', 0, 8, 'solid'), truth('b', 100, 7, 'solid'), truth('c', 200, 9, 'ground-glass')],
    detections: [{ id: 'd', centerMm: [0, 0, 0], confidence: 0.9, volumeMm3: 270, meanDiameterMm: 8.1 }],
    missReasons: [null, 'not-blob', 'no-seed'],
    truthLungRads: [null, null, null],
    laa950: { truth: 1, measured: 1.2 },
    infectionPercent: null,
    runtimeMs: 4200,
  },
  {
    seed: 1001,
    acquisition: { sliceThicknessMm: 5, dose: 'standard', kernel: 'soft', matrix: 128 },
    status: 'not-applicable',
    reason: 'no axial CT series',
    truth: [],
    detections: [],
    truthLungRads: [],
    laa950: null,
    infectionPercent: null,
    runtimeMs: 10,
  },
];
const info = { seeds: { first: 1000, last: 1001 }, matrix: 128, peakRssMb: 321, heldOut: true };

describe('formatEvalReport', () => {
  const m = computeMetrics(outcomes);

  // The same figures in both languages; reason codes, types and sites stay codes.
  it.each([
    [
      'en',
      [
        '2 phantom scans (seeds 1000–1001, held out), matrix 128',
        'seed 1001: not-applicable — no axial CT series',
        'solid/part-solid ≥ 5 mm: 50.0 % (1/2)',
        'missed, by reason: solid/part-solid not-blob 1; ground-glass no-seed 1',
        'peak RSS 321 MB',
      ],
    ],
    [
      'zh-CN',
      [
        '种子 1000–1001，保留集',
        '种子 1001：not-applicable — no axial CT series',
        '实性/部分实性 ≥ 5 mm：50.0 % (1/2)',
        '漏检原因：实性/部分实性 not-blob 1；磨玻璃 no-seed 1',
        '峰值内存 321 MB',
      ],
    ],
  ] as const)('prints the targets with the reasons of the misses (%s)', (lang, lines) => {
    const text = formatEvalReport(m, info, translator(lang));
    for (const line of lines) expect(text).toContain(line);
    if (lang === 'zh-CN') expect(text).not.toContain('At ≤ 1 FP/scan');
  });
});
