import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeriesInput } from '@lingshu/ai';
import { loadSeriesVolume } from '@lingshu/ai';
import { getString, parseDicom, Tags } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { createChestCtAnalyzer } from './analyzer.js';
import { segmentLungs } from './lungs/segment.js';
import { LungLabel } from './lungs/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const caseDir = path.resolve(repoRoot, '../shared/data/ct/lung-pet-ct-dx-A0002');
const hasData = existsSync(caseDir);
if (!hasData) console.warn('SKIP: ../shared/data absent (lung-pet-ct-dx-A0002): real-CT lung tests skipped');

function readSeries(name: string): SeriesInput {
  const dir = path.join(caseDir, name);
  const instances = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => {
      const p = parseDicom(new Uint8Array(readFileSync(path.join(dir, f))));
      return {
        dataset: p.dataset,
        transferSyntaxUID: p.transferSyntaxUID,
        sopInstanceUID: getString(p.dataset, Tags.SOPInstanceUID) ?? '',
      };
    });
  return { seriesInstanceUID: getString(instances[0]!.dataset, Tags.SeriesInstanceUID) ?? name, instances };
}

/** The dataset's tumour boxes (Pascal VOC, pixel coordinates), keyed by SOP Instance UID. */
function readBoxes(): Map<string, { xmin: number; ymin: number; xmax: number; ymax: number }> {
  const dir = path.join(caseDir, 'annotations');
  const out = new Map<string, { xmin: number; ymin: number; xmax: number; ymax: number }>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.xml'))) {
    const xml = readFileSync(path.join(dir, f), 'utf8');
    const n = (t: string): number => Number(new RegExp(`<${t}>([^<]+)</${t}>`).exec(xml)?.[1]);
    out.set(f.replace(/\.xml$/, ''), { xmin: n('xmin'), ymin: n('ymin'), xmax: n('xmax'), ymax: n('ymax') });
  }
  return out;
}

describe.skipIf(!hasData)('lungs on real CT (LUNG-PET-CT-Dx A0002, Siemens, 8 mm)', () => {
  for (const name of ['series-B70f', 'series-B40f']) {
    it(`segments both lungs of ${name} and takes in much of the tumour`, async () => {
      const { volume } = await loadSeriesVolume(readSeries(name));
      const seg = segmentLungs(volume);
      expect(seg.warnings).toEqual([]);
      for (const ml of [seg.volumesMl.right, seg.volumesMl.left]) {
        expect(ml).toBeGreaterThan(1000);
        expect(ml).toBeLessThan(4000);
      }
      expect(seg.volumesMl.airway).toBeGreaterThan(3);
      // Tumour (soft tissue > −300 HU inside the annotated boxes) that lies in the right lung mask.
      const [nx, ny] = volume.dimensions;
      let dense = 0;
      let inLung = 0;
      let left = 0;
      for (const [uid, b] of readBoxes()) {
        const k = volume.metadata.sopInstanceUIDs.indexOf(uid);
        if (k < 0) continue;
        for (let j = b.ymin; j <= b.ymax; j++) {
          for (let i = b.xmin; i <= b.xmax; i++) {
            const p = i + nx * (j + ny * k);
            if (volume.voxels[p]! <= -300) continue;
            dense++;
            if (seg.labels[p] === LungLabel.RightLung) inLung++;
            if (seg.labels[p] === LungLabel.LeftLung) left++;
          }
        }
      }
      expect(dense).toBeGreaterThan(1000);
      // Measured 0.45–0.5: the central part abutting the mediastinum on the caudal slices stays outside.
      expect(inLung / dense).toBeGreaterThan(0.4);
      expect(left).toBe(0);
    });
  }

  it('runs the analyzer on the study and picks the lung-kernel series', async () => {
    const b70 = readSeries('series-B70f');
    const b40 = readSeries('series-B40f');
    const r = await createChestCtAnalyzer({ detectNodules: false }).run({
      studyInstanceUID: '2.25.9',
      series: [b40, b70],
    });
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.provenance.seriesInstanceUID).toBe(b70.seriesInstanceUID);
    expect(r.provenance.seriesSelection).toMatch(/B70F/);
    const total = r.measurements.find((m) => m.key === 'lungVolumeMl' && m.region === 'whole');
    expect(total?.value).toBeGreaterThan(2000);
    // No pneumonia in this patient: hilar vessels and mediastinum that the lung closing takes in
    // must not count as consolidation (was ≈ 7 % before the burden was restricted to parenchyma;
    // what is left is mostly the tumour, as nodules are not analysed here).
    const infection = r.measurements.find((m) => m.key === 'infectionPercent' && m.region === 'whole');
    expect(infection?.value).toBeLessThan(1.5);
  });
});
