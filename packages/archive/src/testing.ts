import { randomBytes } from 'node:crypto';
import { Dataset, SOPClass, setNumbers, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';

export interface TinyInstanceSpec {
  patientId?: string;
  patientName?: string;
  study: string;
  series: string;
  instance: string;
  modality?: string;
  pixelValue?: number;
  /** Rows and columns (default 4). */
  matrix?: number;
}

/** A small, valid CT-like Part 10 file (4×4 pixels unless `matrix` says otherwise) for tests. */
export function tinyInstance(spec: TinyInstanceSpec): Uint8Array {
  const matrix = spec.matrix ?? 4;
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.CTImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', uidFromName(`i:${spec.instance}`));
  setString(ds, Tags.StudyDate, 'DA', '20260315');
  setString(ds, Tags.Modality, 'CS', spec.modality ?? 'CT');
  setString(ds, Tags.PatientName, 'PN', spec.patientName ?? 'Li^Si=李^四');
  setString(ds, Tags.PatientID, 'LO', spec.patientId ?? 'P001');
  setString(ds, Tags.StudyInstanceUID, 'UI', uidFromName(`st:${spec.study}`));
  setString(ds, Tags.SeriesInstanceUID, 'UI', uidFromName(`se:${spec.series}`));
  setNumbers(ds, Tags.InstanceNumber, 'IS', [Number.parseInt(spec.instance.replace(/\D/g, '') || '1', 10)]);
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, Tags.Rows, 'US', [matrix]);
  setNumbers(ds, Tags.Columns, 'US', [matrix]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
  setNumbers(ds, Tags.BitsStored, 'US', [16]);
  setNumbers(ds, Tags.HighBit, 'US', [15]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [1]);
  setNumbers(ds, Tags.PixelData, 'OW', new Array(matrix * matrix).fill(spec.pixelValue ?? 0));
  return writeDicom({ dataset: ds });
}

export function randomSchema(): string {
  return `lingshu_test_${randomBytes(6).toString('hex')}`;
}
