import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, SOPClass, setNumbers, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const CLI = resolve(REPO_ROOT, 'packages/cli/bin/lingshu.js');
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');

export interface InstanceNames {
  study: string;
  series: string;
  instance: number;
  patient?: string;
}

/** A small CT image (8×8, explicit VR little endian) with UIDs derived from the names. */
export function ctInstance(n: InstanceNames): Uint8Array {
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.CTImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', uidFromName(`cli-test:${n.study}:${n.series}:${n.instance}`));
  setString(ds, Tags.StudyDate, 'DA', '20260102');
  setString(ds, Tags.StudyTime, 'TM', '101500');
  setString(ds, Tags.StudyID, 'SH', '1');
  setString(ds, Tags.StudyDescription, 'LO', `Study ${n.study}`);
  setNumbers(ds, Tags.SeriesNumber, 'IS', [1]);
  setString(ds, Tags.Modality, 'CS', 'CT');
  setString(ds, Tags.PatientName, 'PN', 'Test^Patient');
  setString(ds, Tags.PatientID, 'LO', n.patient ?? 'CLI-P1');
  setString(ds, Tags.StudyInstanceUID, 'UI', uidFromName(`cli-test-study:${n.study}`));
  setString(ds, Tags.SeriesInstanceUID, 'UI', uidFromName(`cli-test-series:${n.study}:${n.series}`));
  setNumbers(ds, Tags.InstanceNumber, 'IS', [n.instance]);
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, Tags.Rows, 'US', [8]);
  setNumbers(ds, Tags.Columns, 'US', [8]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
  setNumbers(ds, Tags.BitsStored, 'US', [16]);
  setNumbers(ds, Tags.HighBit, 'US', [15]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [1]);
  setNumbers(
    ds,
    Tags.PixelData,
    'OW',
    Array.from({ length: 64 }, (_, i) => (i * n.instance) % 1000),
  );
  return writeDicom({ dataset: ds });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`node packages/cli/bin/lingshu.js …`) from the repository root. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', DATABASE_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export function hasSharedData(sub: string): boolean {
  const ok = existsSync(resolve(SHARED_DATA, sub));
  if (!ok) console.warn(`SKIP: ../shared/data/${sub} absent`);
  return ok;
}
