import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Dataset } from '../dataset.js';
import { Tags } from '../tag.js';
import { SOPClass } from '../uids.js';
import { setNumbers, setString, setStrings } from '../values.js';

/** ../shared/data next to the repository (absent on a user's fresh clone). */
export const SHARED_DATA = resolve(import.meta.dirname, '../../../../../shared/data');
export const REAL_CT_DIR = resolve(SHARED_DATA, 'ct/lung-pet-ct-dx-A0002');
export const hasRealData = existsSync(REAL_CT_DIR);
if (!hasRealData) console.warn(`SKIP: real-data tests skipped, ${REAL_CT_DIR} is absent`);

/** A small dataset with every VR, nested sequences, empty items and multi-valued text. */
export function everyVrDataset(): Dataset {
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setStrings(ds, Tags.ImageType, 'CS', ['ORIGINAL', 'PRIMARY', 'AXIAL']);
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.SecondaryCaptureImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', '2.25.1234567890');
  setString(ds, Tags.StudyDate, 'DA', '20260101');
  setString(ds, Tags.StudyTime, 'TM', '101010.123');
  setString(ds, 0x0008002a, 'DT', '20260101101010.000000+0800');
  setString(ds, Tags.AccessionNumber, 'SH', 'A123');
  setString(ds, Tags.Modality, 'CS', 'OT');
  setString(ds, Tags.InstitutionName, 'LO', '灵枢医院');
  setString(ds, Tags.PatientName, 'PN', 'Zhang^San=张^三=zhang^san');
  setString(ds, Tags.PatientAge, 'AS', '053Y');
  setString(ds, 0x00104000, 'LT', '  leading spaces kept');
  setString(ds, 0x00324000, 'LT', 'long text');
  setString(ds, 0x00081190, 'UR', 'http://example.invalid/x');
  setString(ds, 0x00400280, 'ST', 'comment');
  setString(ds, 0x00080119, 'UC', 'unlimited characters');
  setString(ds, 0x0008030e, 'UT', 'unlimited text\r\nline 2');
  setString(ds, Tags.StationName, 'SH', 'CT01');
  setString(ds, 0x00080054, 'AE', 'LINGSHU');
  setNumbers(ds, Tags.SliceThickness, 'DS', [1.25]);
  setNumbers(ds, Tags.InstanceNumber, 'IS', [7]);
  setNumbers(ds, Tags.Rows, 'US', [4]);
  setNumbers(ds, Tags.Columns, 'US', [2]);
  setNumbers(ds, 0x00189219, 'SS', [-5, 6]);
  setNumbers(ds, 0x00289001, 'UL', [70000]);
  setNumbers(ds, 0x00186020, 'SL', [-70000]);
  setNumbers(ds, 0x00189306, 'FD', [Math.PI, -0.5]);
  setNumbers(ds, 0x00180013, 'FL', [1.5]);
  setNumbers(ds, 0x00720082, 'SV', [-(2 ** 40)]);
  setNumbers(ds, 0x00720083, 'UV', [2 ** 50]);
  setNumbers(ds, 0x00280009, 'US', [0x0018, 0x1063]);
  ds.set({ ...ds.get(0x00280009)!, vr: 'AT' });
  ds.set({ tag: 0x00420011, vr: 'OB', bytes: new Uint8Array([1, 2, 3, 4]) });
  setNumbers(ds, 0x00281201, 'OW', [1, 65535]);
  setNumbers(ds, 0x00640009, 'OF', [0.25, -2]);
  setNumbers(ds, 0x00660040, 'OL', [7, 8]);
  setNumbers(ds, 0x00701a07, 'OD', [1.125]);
  setNumbers(ds, 0x7fe00001, 'OV', [0]);
  ds.set({ tag: 0x00091010, vr: 'UN', bytes: new Uint8Array([9, 9]) });
  setString(ds, 0x00090010, 'LO', 'LINGSHU PRIVATE');
  // Nested sequences three deep, an empty item and an empty sequence.
  const leaf = new Dataset();
  setString(leaf, 0x00080100, 'SH', '113100');
  const middle = new Dataset();
  middle.set({ tag: 0x00400260, vr: 'SQ', items: [leaf, new Dataset()] });
  const top = new Dataset();
  setString(top, 0x00081150, 'UI', SOPClass.CTImageStorage);
  top.set({ tag: 0x00082218, vr: 'SQ', items: [middle] });
  for (const item of [top, middle, leaf]) item.parent = ds;
  ds.set({ tag: 0x00081140, vr: 'SQ', items: [top] });
  ds.set({ tag: 0x00081115, vr: 'SQ', items: [] });
  setNumbers(ds, Tags.PixelData, 'OW', [1, 2, 3, 4, 5, 6, 7, 8]);
  return ds;
}

/** Element-by-element comparison that the tests can assert on (VR, bytes, nested items, fragments). */
export function datasetSignature(ds: Dataset): unknown[] {
  return ds.sortedTags().map((t) => {
    const el = ds.get(t)!;
    return [
      t,
      el.vr,
      el.bytes ? Buffer.from(el.bytes).toString('hex') : null,
      el.items ? el.items.map(datasetSignature) : null,
      el.fragments ? el.fragments.map((f) => Buffer.from(f).toString('hex')) : null,
      el.offsetTable ? Buffer.from(el.offsetTable).toString('hex') : null,
    ];
  });
}
