import { randomBytes } from 'node:crypto';
import { Dataset, SOPClass, setNumbers, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';
import { bossSchemaFor } from '../jobs/boss.js';

/** What a test instance looks like; UIDs derive from the short names (`uidFromName('st:' + study)`). */
export interface TestInstanceSpec {
  study: string;
  series: string;
  instance: string;
  instanceNumber?: number;
  patientName?: string;
  patientId?: string;
  modality?: string;
  studyDate?: string;
  studyDescription?: string;
}

/** A small valid CT-like Part 10 file (4×4 pixels) for server tests. */
export function testInstance(spec: TestInstanceSpec): Uint8Array {
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.CTImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', uidFromName(`i:${spec.instance}`));
  setString(ds, Tags.StudyDate, 'DA', spec.studyDate ?? '20260315');
  if (spec.studyDescription) setString(ds, Tags.StudyDescription, 'LO', spec.studyDescription);
  setString(ds, Tags.Modality, 'CS', spec.modality ?? 'CT');
  setString(ds, Tags.PatientName, 'PN', spec.patientName ?? 'Li^Si=李^四');
  setString(ds, Tags.PatientID, 'LO', spec.patientId ?? 'P001');
  setString(ds, Tags.StudyInstanceUID, 'UI', uidFromName(`st:${spec.study}`));
  setString(ds, Tags.SeriesInstanceUID, 'UI', uidFromName(`se:${spec.series}`));
  setNumbers(ds, Tags.InstanceNumber, 'IS', [spec.instanceNumber ?? 1]);
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, Tags.Rows, 'US', [4]);
  setNumbers(ds, Tags.Columns, 'US', [4]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
  setNumbers(ds, Tags.BitsStored, 'US', [16]);
  setNumbers(ds, Tags.HighBit, 'US', [15]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [1]);
  setNumbers(ds, Tags.PixelData, 'OW', new Array(16).fill(0));
  return writeDicom({ dataset: ds });
}

/** A fresh PostgreSQL schema name per test run. */
export function testSchema(): string {
  return `lingshu_test_${randomBytes(6).toString('hex')}`;
}

/** What removes a test schema from PostgreSQL: the archive's schema and its job queue's. */
export function dropSchemaStatements(schema: string): string[] {
  return [`DROP SCHEMA IF EXISTS ${schema} CASCADE`, `DROP SCHEMA IF EXISTS ${bossSchemaFor(schema)} CASCADE`];
}
