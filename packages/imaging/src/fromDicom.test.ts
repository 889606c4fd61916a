import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrameModality, getNumbers, getString, parseDicom, Tags } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { volumeFromDatasets } from './fromDicom.js';

import { add, norm, scale, sub, vec3 } from './vec3.js';
import { getVoxel, voxelToWorld } from './volume.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const caseDir = path.resolve(repoRoot, '../shared/data/ct/lung-pet-ct-dx-A0002');
const hasData = existsSync(caseDir);
if (!hasData) console.warn('SKIP: ../shared/data absent (lung-pet-ct-dx-A0002)');

function readSeries(name: string): ReturnType<typeof parseDicom>[] {
  const dir = path.join(caseDir, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .map((f) => parseDicom(new Uint8Array(readFileSync(path.join(dir, f)))));
}

/** Pascal VOC boxes keyed by SOP Instance UID (the file name). */
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

describe.skipIf(!hasData)('volumeFromDatasets on real CT (LUNG-PET-CT-Dx A0002)', () => {
  for (const series of ['series-B70f', 'series-B40f']) {
    it(`assembles ${series} with DICOM-exact geometry and plausible HU`, async () => {
      const parsed = readSeries(series);
      const { volume, warnings } = await volumeFromDatasets(
        parsed.map((p) => ({ dataset: p.dataset, transferSyntaxUID: p.transferSyntaxUID })),
        decodeFrameModality,
      );
      expect(warnings).toEqual([]);
      expect(volume.dimensions).toEqual([512, 512, 30]);
      expect(volume.voxels).toBeInstanceOf(Int16Array);
      expect(volume.metadata.modality).toBe('CT');

      // Spacing along k equals the median difference of IPP projections on the normal.
      const zs = parsed.map((p) => getNumbers(p.dataset, Tags.ImagePositionPatient)[2] ?? 0).sort((a, b) => a - b);
      const diffs = zs
        .slice(1)
        .map((z, k) => z - (zs[k] ?? 0))
        .sort((a, b) => a - b);
      expect(volume.spacing[2]).toBeCloseTo(diffs[Math.floor(diffs.length / 2)] ?? 0, 3);

      // PS3.3 C.7.6.2.1.1: P = IPP + i·Δc·rowCosine + j·Δr·columnCosine, for the corners of every slice.
      for (const p of parsed) {
        const k = volume.metadata.sopInstanceUIDs.indexOf(getString(p.dataset, Tags.SOPInstanceUID) ?? '');
        expect(k).toBeGreaterThanOrEqual(0);
        const ipp = vec3(getNumbers(p.dataset, Tags.ImagePositionPatient));
        const iop = getNumbers(p.dataset, Tags.ImageOrientationPatient);
        const [dr, dc] = getNumbers(p.dataset, Tags.PixelSpacing);
        for (const [i, j] of [
          [0, 0],
          [511, 0],
          [0, 511],
          [511, 511],
        ] as const) {
          const expected = add(ipp, add(scale(vec3(iop, 0), i * (dc ?? 0)), scale(vec3(iop, 3), j * (dr ?? 0))));
          expect(norm(sub(voxelToWorld(volume, [i, j, k]), expected))).toBeLessThan(1e-6);
        }
        // Corner of the field of view is air.
        expect(Math.abs((getVoxel(volume, 0, 0, k) ?? 0) + 1000)).toBeLessThan(60);
      }

      // Annotated tumour boxes lie inside the body on their slice; the body centre holds soft tissue.
      const boxes = readBoxes();
      let matched = 0;
      for (const [sop, box] of boxes) {
        const k = volume.metadata.sopInstanceUIDs.indexOf(sop);
        if (k < 0) continue;
        matched++;
        let lo = [Infinity, Infinity];
        let hi = [-Infinity, -Infinity];
        for (let j = 0; j < 512; j++)
          for (let i = 0; i < 512; i++) {
            if ((getVoxel(volume, i, j, k) ?? -1000) > -300) {
              lo = [Math.min(lo[0] ?? 0, i), Math.min(lo[1] ?? 0, j)];
              hi = [Math.max(hi[0] ?? 0, i), Math.max(hi[1] ?? 0, j)];
            }
          }
        // The tumour (box centre, 5×5 pixels) is soft tissue, far from air (−1000) and bone (> 300).
        const ci = Math.round((box.xmin + box.xmax) / 2);
        const cj = Math.round((box.ymin + box.ymax) / 2);
        let sum = 0;
        for (let dj = -2; dj <= 2; dj++)
          for (let di = -2; di <= 2; di++) sum += getVoxel(volume, ci + di, cj + dj, k) ?? 0;
        expect(sum / 25).toBeGreaterThan(-100);
        expect(sum / 25).toBeLessThan(150);
        const bodyMin = voxelToWorld(volume, [lo[0] ?? 0, lo[1] ?? 0, k]);
        const bodyMax = voxelToWorld(volume, [hi[0] ?? 0, hi[1] ?? 0, k]);
        for (const corner of [
          voxelToWorld(volume, [box.xmin, box.ymin, k]),
          voxelToWorld(volume, [box.xmax, box.ymax, k]),
        ]) {
          expect(corner[0]).toBeGreaterThanOrEqual(bodyMin[0]);
          expect(corner[0]).toBeLessThanOrEqual(bodyMax[0]);
          expect(corner[1]).toBeGreaterThanOrEqual(bodyMin[1]);
          expect(corner[1]).toBeLessThanOrEqual(bodyMax[1]);
        }
      }
      expect(matched).toBeGreaterThan(0);
    }, 30_000);
  }
});
