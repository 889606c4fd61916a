import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeFrameModality, parseDicom } from '@lingshu/dicom';
import { volumeFromDatasets } from '@lingshu/imaging';
import { describe, expect, it } from 'vitest';
import { segmentLungs } from '../lungs/index.js';
import { detectNodulesWithStats } from './detect.js';

// ../shared/data next to the checkout (absent on a fresh clone: the tests skip and say so).
const REAL_CT_DIR = resolve(import.meta.dirname, '../../../../../shared/data/ct/lung-pet-ct-dx-A0002');
const hasRealData = existsSync(REAL_CT_DIR);
if (!hasRealData) console.warn(`SKIP: real-CT nodule tests skipped, ${REAL_CT_DIR} is absent`);

/** Pascal-VOC tumour boxes of the dataset: SOP Instance UID → [xmin, ymin, xmax, ymax] (pixels). */
function annotationBoxes(): Map<string, [number, number, number, number]> {
  const dir = join(REAL_CT_DIR, 'annotations');
  const out = new Map<string, [number, number, number, number]>();
  for (const f of readdirSync(dir)) {
    const xml = readFileSync(join(dir, f), 'utf8');
    const n = (t: string): number => Number(new RegExp(`<${t}>([^<]+)</${t}>`).exec(xml)?.[1]);
    out.set(f.replace(/\.xml$/, ''), [n('xmin'), n('ymin'), n('xmax'), n('ymax')]);
  }
  return out;
}

describe.skipIf(!hasRealData)('detectNodules on the real CT (Lung-PET-CT-Dx A0002, 8 mm slices)', () => {
  for (const series of ['series-B70f', 'series-B40f']) {
    it(`${series}: finds the tumour inside an annotated box and reports the other findings`, async () => {
      const dir = join(REAL_CT_DIR, series);
      const parsed = readdirSync(dir)
        .filter((f) => f.endsWith('.dcm'))
        .map((f) => parseDicom(new Uint8Array(readFileSync(join(dir, f)))));
      const { volume } = await volumeFromDatasets(
        parsed.map((p) => ({ dataset: p.dataset, transferSyntaxUID: p.transferSyntaxUID })),
        decodeFrameModality,
      );
      const lungs = segmentLungs(volume);
      const { nodules, stats } = detectNodulesWithStats(volume, lungs, { parameters: {} });
      const boxes = annotationBoxes();
      const uids = volume.metadata.sopInstanceUIDs;
      // A finding overlaps an annotation when its voxel box intersects the box on an annotated slice.
      const overlaps = nodules.filter((n) => {
        const [i0, j0, k0, i1, j1, k1] = n.finding.geometry?.boxVoxel ?? [0, 0, 0, -1, -1, -1];
        for (let k = k0; k <= k1; k++) {
          const b = boxes.get(uids[k] ?? '');
          if (b && i0 <= b[2] && i1 >= b[0] && j0 <= b[3] && j1 >= b[1]) return true;
        }
        return false;
      });
      console.info(
        `${series}: ${nodules.length} findings, ${overlaps.length} on the tumour, ${nodules.length - overlaps.length} other`,
        JSON.stringify(stats),
        nodules.map(
          (n) =>
            `${n.finding.type}/${n.details?.type} ${n.details?.meanDiameterMm} mm conf ${n.details?.confidence} elongation ${n.details?.shape.elongation} blobness ${n.details?.shape.blobness}`,
        ),
      );
      expect(overlaps.length).toBeGreaterThanOrEqual(1);
      const tumour = overlaps[0]?.details;
      // The tumour is several centimetres across: a mass or a large nodule, not a speck.
      expect(tumour?.meanDiameterMm).toBeGreaterThan(15);
    }, 120_000);
  }
});
