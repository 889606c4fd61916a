import type { AnalysisResult, StudyInput } from '@lingshu/ai';
import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { createChestCtAnalyzer } from './analyzer.js';
import { lobeSeverity } from './infection.js';
import { seriesFromVolume, syntheticChest } from './testing/syntheticChest.js';

const chest = syntheticChest({ voxelMm: 2, sliceMm: 2.5, emphysemaRadiusMm: 18, ggoRadiusMm: 15 });
const series = seriesFromVolume(chest.ct, { series: 'lung', kernel: 'B70f' });
const study: StudyInput = { studyInstanceUID: '2.25.1', series: [series] };
// The nodule detector has its own tests (nodules/); these check the rest of the pipeline.
const analyzer = createChestCtAnalyzer({ detectNodules: false });

function measurement(r: AnalysisResult, key: string, region: string): number {
  const m = r.measurements.find((x) => x.key === key && x.region === region);
  if (!m) throw new Error(`missing ${key} ${region}`);
  return m.value;
}

describe('chest CT analyzer on a synthetic chest', () => {
  it('measures lung volumes, LAA-950, Perc15 and infection burden against analytic truth', async () => {
    const steps: string[] = [];
    const r = await analyzer.run(study, {
      onProgress: (p) => steps.push(p.step),
      parameters: { infectionFindingPercent: 0.5 },
    });
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(steps).toEqual(['select', 'load', 'lungs', 'nodules', 'emphysema', 'infection']);
    const lung = chest.truth.lungMl;
    expect(measurement(r, 'lungVolumeMl', 'right')).toBeGreaterThan(lung * 0.97);
    expect(measurement(r, 'lungVolumeMl', 'left')).toBeLessThan(lung * 1.04);

    // Emphysema sphere in the left upper lung; every other lung voxel is −850 or a vessel.
    const laaLeft = (100 * chest.truth.emphysemaMl) / measurement(r, 'lungVolumeMl', 'left');
    expect(Math.abs(measurement(r, 'laa950Percent', 'left') - laaLeft)).toBeLessThan(0.25);
    expect(measurement(r, 'laa950Percent', 'right')).toBe(0);
    expect(measurement(r, 'laa950Percent', 'left-upper')).toBeGreaterThan(measurement(r, 'laa950Percent', 'left'));
    expect(measurement(r, 'perc15Hu', 'right')).toBe(-850);

    // GGO sphere in the right lower lung; vessels (radius 2 mm) must not count.
    const ggo = measurement(r, 'ggoVolumeMl', 'right');
    expect(Math.abs(ggo - chest.truth.ggoMl) / chest.truth.ggoMl).toBeLessThan(0.15);
    expect(measurement(r, 'consolidationVolumeMl', 'whole')).toBeLessThan(0.5);
    expect(measurement(r, 'ggoVolumeMl', 'left')).toBeLessThan(0.5);
    // Each involved approximate lobe has < 5 % involvement, so scores 1; the patch lies in the RLL.
    const involved = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'].filter((l) => measurement(r, 'infectionPercent', l) > 0);
    expect(involved).toContain('RLL');
    expect(involved.every((l) => l.startsWith('R'))).toBe(true);
    expect(measurement(r, 'ctSeverityScore', 'whole')).toBe(involved.length);

    expect(r.findings.map((f) => f.type)).toEqual(['infection']);
    expect(r.warnings.map((w) => w.code)).toContain('nodules-not-analysed');
    expect(r.provenance.inputSopInstanceUIDs).toHaveLength(chest.ct.dimensions[2]);
    expect(r.provenance.seriesSelection).toMatch(/lung kernel/);
    expect(r.provenance.parameters.laaThresholdHu).toBe(-950);
    expect(r.labels?.segments.map((s) => s.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it('counts LAA strictly below the threshold when asked', async () => {
    const r = await analyzer.run(study, { parameters: { laaThresholdHu: -980, laaInclusive: false } });
    if (r.status !== 'ok') throw new Error('not ok');
    // Whole-lung burden below the default finding thresholds (5 % LAA, 1 % infection): measured, not raised.
    expect(r.findings).toEqual([]);
    // The emphysema sphere is exactly −980: counted by ≤, not by <.
    expect(measurement(r, 'laa980Percent', 'left')).toBe(0);
  });

  it('prefers the thinnest series, then the lung kernel, and says why', async () => {
    const soft = seriesFromVolume(chest.ct, { series: 'soft', kernel: 'B30f' });
    const r = await analyzer.run({ ...study, series: [soft, series] });
    if (r.status !== 'ok') throw new Error('not ok');
    expect(r.provenance.seriesInstanceUID).toBe(series.seriesInstanceUID);
  });

  it('returns not applicable with reason codes, never a guess', async () => {
    const mr = seriesFromVolume(chest.ct, { series: 'mr', modality: 'MR' });
    const head = seriesFromVolume(chest.ct, { series: 'head', bodyPart: 'HEAD' });
    const thick = seriesFromVolume(chest.ct, { series: 'thick', sliceThickness: 10 });
    const cases: Array<[StudyInput['series'], string]> = [
      [[], 'no-series'],
      [[mr], 'modality'],
      [[head], 'body-part'],
      [[thick], 'slice-thickness'],
      [[{ ...series, instances: series.instances.slice(0, 40) }], 'coverage'],
    ];
    for (const [s, code] of cases) {
      const r = await analyzer.run({ studyInstanceUID: '2.25.2', series: s });
      expect(r.status).toBe('not-applicable');
      if (r.status === 'not-applicable') expect(r.reasonCode).toBe(code);
    }
    const empty = syntheticChest({ voxelMm: 4, sliceMm: 5 }).ct;
    empty.voxels.fill(40);
    const r = await analyzer.run({
      studyInstanceUID: '2.25.3',
      series: [seriesFromVolume(empty, { series: 'solid' })],
    });
    expect(r.status === 'not-applicable' && r.reasonCode).toBe('no-lungs');
  });

  it('rejects unknown parameters and honours cancellation', async () => {
    await expect(analyzer.run(study, { parameters: { nope: 1 } })).rejects.toSatisfy((e) =>
      isLingshuError(e, 'AI_BAD_INPUT'),
    );
    const controller = new AbortController();
    const run = analyzer.run(study, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 'load') controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => isLingshuError(e, 'AI_CANCELLED'));
  });
});

describe('CT severity score per lobe', () => {
  it('follows the 0–5 bands', () => {
    expect([0, 2, 5, 25, 26, 49.9, 50, 75, 76].map(lobeSeverity)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5]);
  });
});
