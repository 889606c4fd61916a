/**
 * 10 000 small studies for the QIDO-RS latency figure: one 8×8 CT/MR/CR instance each, with
 * varied Chinese and Latin names, patient IDs, dates and modalities (seeded, reproducible).
 */
import { Dataset, SOPClass, setNumbers, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';

const SURNAMES: ReadonlyArray<[string, string]> = [
  ['Wang', '王'],
  ['Li', '李'],
  ['Zhang', '张'],
  ['Liu', '刘'],
  ['Chen', '陈'],
  ['Yang', '杨'],
  ['Zhao', '赵'],
  ['Huang', '黄'],
  ['Zhou', '周'],
  ['Wu', '吴'],
];
const GIVEN: ReadonlyArray<[string, string]> = [
  ['Wei', '伟'],
  ['Fang', '芳'],
  ['Min', '敏'],
  ['Jing', '静'],
  ['Lei', '磊'],
  ['Jun', '军'],
  ['Yang', '洋'],
  ['Yong', '勇'],
];
const MODALITIES: ReadonlyArray<[string, string]> = [
  ['CT', SOPClass.CTImageStorage],
  ['CT', SOPClass.CTImageStorage],
  ['MR', '1.2.840.10008.5.1.4.1.1.4'],
  ['CR', '1.2.840.10008.5.1.4.1.1.1'],
];

export function queryStudyInstance(n: number): Uint8Array {
  const [sa, si] = SURNAMES[n % SURNAMES.length]!;
  const [ga, gi] = GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]!;
  const [modality, sopClass] = MODALITIES[n % MODALITIES.length]!;
  const day = new Date(Date.UTC(2020, 0, 1) + (n % 2000) * 86_400_000);
  const date = day.toISOString().slice(0, 10).replaceAll('-', '');
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setString(ds, Tags.SOPClassUID, 'UI', sopClass);
  setString(ds, Tags.SOPInstanceUID, 'UI', uidFromName(`bench-qido-i:${n}`));
  setString(ds, Tags.StudyInstanceUID, 'UI', uidFromName(`bench-qido-st:${n}`));
  setString(ds, Tags.SeriesInstanceUID, 'UI', uidFromName(`bench-qido-se:${n}`));
  setString(ds, Tags.StudyDate, 'DA', date);
  setString(ds, Tags.StudyTime, 'TM', '093000');
  setString(ds, Tags.AccessionNumber, 'SH', `A${String(n).padStart(7, '0')}`);
  setString(ds, Tags.Modality, 'CS', modality);
  setString(ds, Tags.PatientName, 'PN', `${sa}^${ga}=${si}^${gi}`);
  setString(ds, Tags.PatientID, 'LO', `P${String(n % 7000).padStart(6, '0')}`);
  setString(ds, Tags.StudyDescription, 'LO', `Bench study ${n % 50}`);
  setNumbers(ds, Tags.InstanceNumber, 'IS', [1]);
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, Tags.Rows, 'US', [8]);
  setNumbers(ds, Tags.Columns, 'US', [8]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
  setNumbers(ds, Tags.BitsStored, 'US', [12]);
  setNumbers(ds, Tags.HighBit, 'US', [11]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [0]);
  setNumbers(ds, Tags.PixelData, 'OW', new Array(64).fill(n % 4096));
  return writeDicom({ dataset: ds });
}

/** QIDO-RS study searches a worklist or a viewer sends (the same list for both archives). */
export function qidoQueries(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = (i * 7919) % 10_000;
    const [sa] = SURNAMES[i % SURNAMES.length]!;
    const day = new Date(Date.UTC(2020, 0, 1) + ((i * 37) % 1900) * 86_400_000);
    const d0 = day.toISOString().slice(0, 10).replaceAll('-', '');
    const d1 = new Date(day.getTime() + 30 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    switch (i % 5) {
      case 0:
        out.push(`PatientID=P${String(n % 7000).padStart(6, '0')}`);
        break;
      case 1:
        out.push(`PatientName=${sa}*&limit=50`);
        break;
      case 2:
        out.push(`StudyDate=${d0}-${d1}&ModalitiesInStudy=CT&limit=100`);
        break;
      case 3:
        out.push(`AccessionNumber=A${String(n).padStart(7, '0')}`);
        break;
      default:
        out.push(`limit=25&offset=${(i * 13) % 500}&includefield=StudyDescription`);
    }
  }
  return out;
}
