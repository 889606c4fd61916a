import type { SeriesInput } from '@lingshu/ai';
import { Dataset, SOPClass, setNumbers, setString, Tags, TransferSyntax, uidFromName } from '@lingshu/dicom';
import { createVolume, type Volume } from '@lingshu/imaging';

/** Geometry of the synthetic chest (mm, LPS; z grows towards the head). */
export interface SyntheticChestSpec {
  voxelMm: number;
  sliceMm: number;
  /** Add a −980 HU sphere (radius mm) in the left upper lung. */
  emphysemaRadiusMm?: number;
  /** Add a −650 HU ground-glass sphere (radius mm) in the right lower lung. */
  ggoRadiusMm?: number;
  /** Add a +30 HU nodule (radius mm) centred on the lateral pleura of the right lung. */
  juxtapleuralRadiusMm?: number;
}

export interface SyntheticChest {
  ct: Volume;
  /** Analytic truth (mm³ / mL) for the tests. */
  truth: {
    lungMl: number;
    emphysemaMl: number;
    ggoMl: number;
    juxtapleuralCentre: [number, number, number];
    emphysemaCentre: [number, number, number];
    ggoCentre: [number, number, number];
  };
}

const HALF = { x: 150, y: 112, z: 100 };
const LUNG = { ax: 45, ay: 60, az: 70, cx: 60, cy: 0, cz: -10 };

/**
 * A chest built from analytic shapes: body (40 HU elliptic cylinder) in air, two ellipsoid lungs
 * (−850 HU), a trachea (air tube from the top) with main bronchi into each lung, vessels
 * (cylinders of 40 HU, radius 2 mm) through each lung, and optional lesions.
 */
export function syntheticChest(spec: SyntheticChestSpec): SyntheticChest {
  const nx = Math.round((2 * HALF.x) / spec.voxelMm);
  const ny = Math.round((2 * HALF.y) / spec.voxelMm);
  const nz = Math.round((2 * HALF.z) / spec.sliceMm);
  const origin: [number, number, number] = [
    -HALF.x + spec.voxelMm / 2,
    -HALF.y + spec.voxelMm / 2,
    -HALF.z + spec.sliceMm / 2,
  ];
  const vox = new Int16Array(nx * ny * nz);
  const emph: [number, number, number] = [LUNG.cx, -10, LUNG.cz + 35];
  const ggo: [number, number, number] = [-LUNG.cx, 10, LUNG.cz - 30];
  const jux: [number, number, number] = [-LUNG.cx - LUNG.ax, 0, LUNG.cz];
  const inLung = (x: number, y: number, z: number): number => {
    for (const sx of [-1, 1]) {
      const dx = (x - sx * LUNG.cx) / LUNG.ax;
      const dy = (y - LUNG.cy) / LUNG.ay;
      const dz = (z - LUNG.cz) / LUNG.az;
      if (dx * dx + dy * dy + dz * dz <= 1) return sx;
    }
    return 0;
  };
  const d2 = (x: number, y: number, z: number, c: readonly number[]): number =>
    (x - c[0]!) ** 2 + (y - c[1]!) ** 2 + (z - c[2]!) ** 2;
  const carinaZ = LUNG.cz + 40;
  let p = 0;
  for (let k = 0; k < nz; k++) {
    const z = origin[2] + k * spec.sliceMm;
    for (let j = 0; j < ny; j++) {
      const y = origin[1] + j * spec.voxelMm;
      for (let i = 0; i < nx; i++, p++) {
        const x = origin[0] + i * spec.voxelMm;
        let hu = -1000;
        if ((x / 140) ** 2 + (y / 105) ** 2 <= 1) {
          hu = 40;
          const side = inLung(x, y, z);
          if (side !== 0) {
            hu = -850;
            // Vessels: vertical cylinders through each lung.
            for (const vx of [25, 50, 75]) if ((Math.abs(x) - vx) ** 2 + (y + 15) ** 2 <= 4) hu = 40;
            if (spec.emphysemaRadiusMm && d2(x, y, z, emph) <= spec.emphysemaRadiusMm ** 2) hu = -980;
            if (spec.ggoRadiusMm && d2(x, y, z, ggo) <= spec.ggoRadiusMm ** 2) hu = -650;
          }
          if (spec.juxtapleuralRadiusMm && d2(x, y, z, jux) <= spec.juxtapleuralRadiusMm ** 2) hu = 30;
          // Trachea from the top down to the carina, main bronchi from the carina into each lung.
          if (z >= carinaZ && x * x + (y + 20) ** 2 <= 64) hu = -1000;
          if (z < carinaZ && z > carinaZ - 20) {
            const t = (carinaZ - z) / 20;
            for (const sx of [-1, 1]) if ((x - sx * t * 30) ** 2 + (y + 20) ** 2 <= 25) hu = -1000;
          }
        }
        vox[p] = hu;
      }
    }
  }
  const ct = createVolume({
    voxels: vox,
    dimensions: [nx, ny, nz],
    spacing: [spec.voxelMm, spec.voxelMm, spec.sliceMm],
    origin,
    direction: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  });
  const ell = (4 / 3) * Math.PI * LUNG.ax * LUNG.ay * LUNG.az;
  const sphere = (r: number | undefined): number => (r ? ((4 / 3) * Math.PI * r ** 3) / 1000 : 0);
  return {
    ct,
    truth: {
      lungMl: ell / 1000,
      emphysemaMl: sphere(spec.emphysemaRadiusMm),
      ggoMl: sphere(spec.ggoRadiusMm),
      juxtapleuralCentre: jux,
      emphysemaCentre: emph,
      ggoCentre: ggo,
    },
  };
}

/** The synthetic volume as a DICOM series (one dataset per slice, HU stored directly). */
export function seriesFromVolume(
  ct: Volume,
  options: { series: string; kernel?: string; bodyPart?: string; modality?: string; sliceThickness?: number },
): SeriesInput {
  const [nx, ny, nz] = ct.dimensions;
  const seriesUid = uidFromName(`synthetic-series:${options.series}`);
  const instances: SeriesInput['instances'] = [];
  for (let k = 0; k < nz; k++) {
    const ds = new Dataset();
    const sop = uidFromName(`synthetic:${options.series}:${k}`);
    setString(ds, Tags.SOPClassUID, 'UI', SOPClass.CTImageStorage);
    setString(ds, Tags.SOPInstanceUID, 'UI', sop);
    setString(ds, Tags.SeriesInstanceUID, 'UI', seriesUid);
    setString(ds, Tags.Modality, 'CS', options.modality ?? 'CT');
    setString(ds, Tags.BodyPartExamined, 'CS', options.bodyPart ?? 'CHEST');
    setString(ds, Tags.ConvolutionKernel, 'SH', options.kernel ?? 'B70f');
    setStringList(ds, Tags.ImageType, ['ORIGINAL', 'PRIMARY', 'AXIAL']);
    setNumbers(ds, Tags.InstanceNumber, 'IS', [k + 1]);
    setNumbers(ds, Tags.ImagePositionPatient, 'DS', [ct.origin[0], ct.origin[1], ct.origin[2] + k * ct.spacing[2]]);
    setNumbers(ds, Tags.ImageOrientationPatient, 'DS', [1, 0, 0, 0, 1, 0]);
    setNumbers(ds, Tags.PixelSpacing, 'DS', [ct.spacing[1], ct.spacing[0]]);
    setNumbers(ds, Tags.SliceThickness, 'DS', [options.sliceThickness ?? ct.spacing[2]]);
    setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
    setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
    setNumbers(ds, Tags.Rows, 'US', [ny]);
    setNumbers(ds, Tags.Columns, 'US', [nx]);
    setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
    setNumbers(ds, Tags.BitsStored, 'US', [16]);
    setNumbers(ds, Tags.HighBit, 'US', [15]);
    setNumbers(ds, Tags.PixelRepresentation, 'US', [1]);
    setNumbers(ds, Tags.RescaleIntercept, 'DS', [0]);
    setNumbers(ds, Tags.RescaleSlope, 'DS', [1]);
    setNumbers(ds, Tags.PixelData, 'OW', Array.from(ct.voxels.subarray(k * nx * ny, (k + 1) * nx * ny)));
    instances.push({ dataset: ds, transferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian, sopInstanceUID: sop });
  }
  return { seriesInstanceUID: seriesUid, instances };
}

function setStringList(ds: Dataset, t: number, values: string[]): void {
  setString(ds, t, 'CS', values.join('\\'));
}
