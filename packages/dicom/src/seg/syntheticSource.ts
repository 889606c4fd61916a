import { Dataset } from '../dataset.js';
import { put } from '../sr/build.js';
import { Tags } from '../tag.js';
import { uidFromName } from '../uid.js';
import { SOPClass } from '../uids.js';

/**
 * A tiny synthetic axial CT series (headers and 16-bit pixels) for SR/SEG writer tests: no real
 * patient data. Slice k is at z = k · spacing; UIDs derive from `name` (deterministic).
 */
export function syntheticCtSeries(
  options: { name?: string; slices?: number; size?: number; spacingMm?: number; patientName?: string } = {},
): Dataset[] {
  const name = options.name ?? 'lingshu-synthetic-ct';
  const n = options.slices ?? 4;
  const size = options.size ?? 16;
  const spacing = options.spacingMm ?? 2.5;
  const study = uidFromName(`${name}/study`);
  const series = uidFromName(`${name}/series`);
  const frame = uidFromName(`${name}/for`);
  const out: Dataset[] = [];
  for (let k = 0; k < n; k++) {
    const ds = new Dataset();
    put(ds, 'SpecificCharacterSet', 'ISO_IR 192');
    put(ds, 'ImageType', ['ORIGINAL', 'PRIMARY', 'AXIAL']);
    put(ds, 'SOPClassUID', SOPClass.CTImageStorage);
    put(ds, 'SOPInstanceUID', uidFromName(`${name}/instance/${k}`));
    put(ds, 'StudyDate', '20260101');
    put(ds, 'StudyTime', '120000');
    put(ds, 'AccessionNumber', 'SYN0001');
    put(ds, 'Modality', 'CT');
    put(ds, 'Manufacturer', 'Synthetic');
    put(ds, 'ReferringPhysicianName', '');
    put(ds, 'PatientName', options.patientName ?? 'Synthetic^Patient');
    put(ds, 'PatientID', 'SYN-0001');
    put(ds, 'PatientBirthDate', '19640101');
    put(ds, 'PatientSex', 'M');
    put(ds, 'SliceThickness', spacing);
    put(ds, 'KVP', 120);
    put(ds, 'StudyInstanceUID', study);
    put(ds, 'SeriesInstanceUID', series);
    put(ds, 'StudyID', '1');
    put(ds, 'SeriesNumber', 2);
    put(ds, 'InstanceNumber', k + 1);
    put(ds, 'ImagePositionPatient', [-20, -20, k * spacing]);
    put(ds, 'ImageOrientationPatient', [1, 0, 0, 0, 1, 0]);
    put(ds, 'FrameOfReferenceUID', frame);
    put(ds, 'PositionReferenceIndicator', '');
    put(ds, 'SliceLocation', k * spacing);
    put(ds, 'SamplesPerPixel', 1);
    put(ds, 'PhotometricInterpretation', 'MONOCHROME2');
    put(ds, 'Rows', size);
    put(ds, 'Columns', size);
    put(ds, 'PixelSpacing', [2.5, 2.5]);
    put(ds, 'BitsAllocated', 16);
    put(ds, 'BitsStored', 16);
    put(ds, 'HighBit', 15);
    put(ds, 'PixelRepresentation', 1);
    put(ds, 'RescaleIntercept', 0);
    put(ds, 'RescaleSlope', 1);
    put(ds, 'RescaleType', 'HU');
    const pixels = new Int16Array(size * size).fill(-800);
    ds.set({ tag: Tags.PixelData, vr: 'OW', bytes: new Uint8Array(pixels.buffer) });
    out.push(ds);
  }
  return out;
}
