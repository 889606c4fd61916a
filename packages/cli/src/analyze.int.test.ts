import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AnalysisResult } from '@lingshu/ai';
import { getNumbers, getString, parseDicom, SOPClass, setString, Tags, writeDicom } from '@lingshu/dicom';
import { type StudySpec, type StudyTruth, writeStudyToDir } from '@lingshu/phantom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, ctInstance, hasSharedData, runCli, SHARED_DATA } from './testing/fixtures.js';

let tmp: string;
let studyDir: string;
let truth: StudyTruth;
let jsonOut: string;
let jsonRun: Promise<CliRun> | undefined;

/** One `--json` analysis of the phantom folder, shared by the checks of its outputs. */
function analysedOnce(): Promise<CliRun> {
  jsonOut = join(tmp, 'out-json');
  jsonRun ??= runCli(['analyze', studyDir, '--out', jsonOut, '--json']);
  return jsonRun;
}

/** 256², 5 mm slices over the whole phantom chest (62 slices): small, but a real chest CT. */
const SPEC: StudySpec = {
  name: 'analyze-chest',
  seed: 4242,
  patient: { name: 'Wang^Wu=王^五', id: 'ANALYZE-P1', birthDate: '19600101', sex: 'M', anatomySeed: 4242 },
  studyDate: '20240101',
  truthGridMm: 3,
  phantom: {
    kind: 'chest',
    emphysemaSeverity: 0.3,
    nodules: [
      { id: 'N1', type: 'solid', shape: 'lobulated', site: 'parenchymal', lobe: 'RUL', diameterMm: 12 },
      { id: 'N2', type: 'solid', shape: 'ellipsoid', site: 'parenchymal', lobe: 'LLL', diameterMm: 9 },
    ],
  },
  series: { matrix: 256, fieldOfViewMm: 360, sliceThicknessMm: 5, kernel: 'lung', dose: 'standard', vendor: 'siemens' },
};

function hasTool(name: string): boolean {
  const ok = spawnSync('which', [name]).status === 0;
  if (!ok) console.warn(`SKIP: ${name} not installed`);
  return ok;
}

/** dciodvfy prints "Error - …" lines for IOD violations (warnings are allowed). */
function dciodvfyErrors(file: string): string[] {
  expect(existsSync(file), file).toBe(true);
  const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^Error/.test(l));
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lingshu-cli-analyze-'));
  truth = await writeStudyToDir(SPEC, tmp);
  studyDir = join(tmp, SPEC.name);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lingshu analyze (phantom folder)', () => {
  it('finds the nodules, writes result.json, sr.dcm and seg.dcm, prints no PHI', async () => {
    const r = await analysedOnce();
    const out = jsonOut;
    expect(r.code, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Wang|王|ANALYZE-P1/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as AnalysisResult;
    expect(result.status).toBe('ok');
    expect(result.provenance.analyzerId).toBeTruthy();
    expect(result.provenance.analyzerVersion).toBeTruthy();
    expect(result.provenance.inputSopInstanceUIDs).toHaveLength(62);
    const nodules = result.findings.filter((f) => f.type === 'nodule' || f.type === 'mass');
    for (const t of truth.lesions) {
      const reach = Math.max(5, t.meanDiameterMm / 2);
      const hit = nodules.find((f) => f.geometry && distance(f.geometry.centerWorld, t.centerMm) <= reach);
      expect(hit, `truth nodule ${t.id} (${t.meanDiameterMm} mm) not found`).toBeDefined();
    }
    expect(existsSync(join(out, 'sr.dcm')), 'sr.dcm').toBe(true);
    expect(existsSync(join(out, 'seg.dcm')), 'seg.dcm').toBe(true);
    const sr = parseDicom(new Uint8Array(readFileSync(join(out, 'sr.dcm'))));
    expect(getString(sr.dataset, Tags.Modality)).toBe('SR');
  }, 120_000);

  it.skipIf(!hasTool('dciodvfy'))(
    'sr.dcm and seg.dcm pass dciodvfy without errors',
    async () => {
      const out = join(tmp, 'out-dciodvfy');
      const r = await runCli(['analyze', studyDir, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(dciodvfyErrors(join(out, 'sr.dcm'))).toEqual([]);
      expect(dciodvfyErrors(join(out, 'seg.dcm'))).toEqual([]);
    },
    120_000,
  );

  it('prints a findings table in the text mode', async () => {
    const out = join(tmp, 'out-text');
    const r = await runCli(['analyze', studyDir, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Finding\s+Location\s+Size\s+Category/);
    expect(r.stdout).toMatch(/nodule/);
    expect(r.stdout).toContain(`Wrote`);
    expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(['result.json']));
  }, 120_000);

  it('analyses a stored study by its Study Instance UID', async () => {
    const data = join(tmp, 'data');
    const imported = await runCli(['import', studyDir, '--data', data, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const studyUid = getString(
      parseDicom(new Uint8Array(readFileSync(join(studyDir, '002_CHEST', 'IM000001.dcm')))).dataset,
      Tags.StudyInstanceUID,
    )!;
    const out = join(tmp, 'out-uid');
    const r = await runCli(['analyze', studyUid, '--data', data, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as AnalysisResult;
    expect(result.provenance.studyInstanceUID).toBe(studyUid);
    const missing = await runCli(['analyze', '1.2.3.4.5', '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ARCHIVE_NOT_FOUND');
  }, 180_000);
});

describe('lingshu analyze (unusable input)', () => {
  it('non-CT images: exit 1 with the not-applicable reason', async () => {
    const dir = join(tmp, 'mr');
    mkdirSync(dir);
    for (let i = 1; i <= 3; i++) {
      const parsed = parseDicom(ctInstance({ study: 'mr', series: '1', instance: i }));
      setString(parsed.dataset, Tags.Modality, 'CS', 'MR');
      setString(parsed.dataset, Tags.SOPClassUID, 'UI', SOPClass.MRImageStorage);
      writeFileSync(join(dir, `mr${i}.dcm`), writeDicom({ dataset: parsed.dataset }));
    }
    const r = await runCli(['analyze', dir, '--out', join(tmp, 'out-mr')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Not applicable \(\w[\w-]*\): \S/);
    expect(existsSync(join(tmp, 'out-mr'))).toBe(false);
  }, 60_000);

  it('an empty folder, a folder without DICOM, a missing path: exit 1 with a clear message; no path: exit 2', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const r1 = await runCli(['analyze', empty]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('The input holds no files');
    writeFileSync(join(empty, 'notes.txt'), 'not DICOM');
    const r2 = await runCli(['analyze', empty]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('No DICOM images were found');
    const r3 = await runCli(['analyze', join(tmp, 'nope')]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('The path does not exist');
    const r4 = await runCli(['analyze']);
    expect(r4.code).toBe(2);
  }, 60_000);
});

/** The annotated tumour boxes of the real CT, in world x/y (mm) and slice z. */
function tumourBoxes(
  seriesDir: string,
  annotations: string,
): Array<{ x0: number; x1: number; y0: number; y1: number; z: number }> {
  const boxes: Array<{ x0: number; x1: number; y0: number; y1: number; z: number }> = [];
  for (const name of readdirSync(seriesDir)) {
    const ds = parseDicom(new Uint8Array(readFileSync(join(seriesDir, name)))).dataset;
    const sop = getString(ds, Tags.SOPInstanceUID);
    const xml = join(annotations, `${sop}.xml`);
    if (!existsSync(xml)) continue;
    const text = readFileSync(xml, 'utf8');
    const n = (tag: string): number => Number(new RegExp(`<${tag}>(\\d+)</${tag}>`).exec(text)?.[1]);
    const [x, y, z] = getNumbers(ds, Tags.ImagePositionPatient) as [number, number, number];
    const [rowSpacing, colSpacing] = getNumbers(ds, Tags.PixelSpacing) as [number, number];
    boxes.push({
      x0: x + n('xmin') * colSpacing,
      x1: x + n('xmax') * colSpacing,
      y0: y + n('ymin') * rowSpacing,
      y1: y + n('ymax') * rowSpacing,
      z,
    });
  }
  return boxes;
}

describe.skipIf(!hasSharedData('ct/lung-pet-ct-dx-A0002'))('lingshu analyze (real CT)', () => {
  it('finds the annotated tumour and reports how many other findings', async () => {
    const caseDir = resolve(SHARED_DATA, 'ct/lung-pet-ct-dx-A0002');
    const out = join(tmp, 'out-real');
    const r = await runCli(['analyze', caseDir, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as AnalysisResult;
    const seriesDir = ['series-B70f', 'series-B40f']
      .map((s) => join(caseDir, s))
      .find((d) => {
        const first = readdirSync(d)[0]!;
        const ds = parseDicom(new Uint8Array(readFileSync(join(d, first)))).dataset;
        return getString(ds, Tags.SeriesInstanceUID) === result.provenance.seriesInstanceUID;
      });
    expect(seriesDir, 'the analysed series is one of the two').toBeDefined();
    const boxes = tumourBoxes(seriesDir!, join(caseDir, 'annotations'));
    expect(boxes.length).toBeGreaterThan(0);
    const lesions = result.findings.filter((f) => (f.type === 'nodule' || f.type === 'mass') && f.geometry);
    const inTumour = lesions.filter((f) => {
      const [x, y, z] = f.geometry!.centerWorld;
      return boxes.some((b) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1 && Math.abs(z - b.z) <= 8);
    });
    console.info(
      `real CT: ${inTumour.length} finding(s) in the tumour boxes, ${lesions.length - inTumour.length} other nodule/mass finding(s), ${result.findings.length} findings in all`,
    );
    expect(inTumour.length).toBeGreaterThan(0);
  }, 300_000);
});

// dsrdump renders the SR tree (issue 4, outputs): checked where dcmtk is installed.
describe.skipIf(!hasTool('dsrdump'))('sr.dcm with dsrdump', () => {
  it('renders a TID 1500 measurement report', async () => {
    const r = await analysedOnce();
    const out = jsonOut;
    expect(r.code, r.stderr).toBe(0);
    const text = execFileSync('dsrdump', [join(out, 'sr.dcm')], { encoding: 'utf8' });
    expect(text).toMatch(/Imaging Measurement Report|Measurement Report/i);
  }, 120_000);
});
