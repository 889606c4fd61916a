/**
 * C-FIND, C-MOVE and C-GET SCP against dcmtk findscu, movescu (to a storescp started here) and
 * getscu. Retrieved datasets must equal the stored ones: byte for byte through storescp +B,
 * element by element through getscu (which re-encodes what it writes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getString, parseDicom, Tags, TransferSyntax, uidFromName } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance } from '../testing/instances.js';
import { splitPart10 } from './p10.js';
import {
  type DimseFixture,
  datasetDifferences,
  dimseSpec,
  freePort,
  hasDcmtk,
  openDimseFixture,
  run,
  seed,
  writePhantom,
} from './testing.js';

interface SeededStudy {
  studyUid: string;
  seriesUid: string;
  sops: string[];
  patientId: string;
}

async function readDir(dir: string): Promise<Uint8Array[]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(names.map(async (n) => new Uint8Array(await readFile(join(dir, n)))));
}

describe.skipIf(!hasDcmtk)('DIMSE Q/R SCP with dcmtk: C-FIND, C-MOVE, C-GET', () => {
  let fx: DimseFixture;
  let work: string;
  let storescp: ChildProcess | undefined;
  let storescpPort = 0;
  let storescpDir = '';
  const studies: SeededStudy[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lingshu-qr-'));
    storescpPort = await freePort();
    fx = await openDimseFixture({
      remoteAes: [{ aeTitle: 'STORESCP', host: '127.0.0.1', port: storescpPort }],
    });
    for (const [i, [ts, name]] of (
      [
        [TransferSyntax.ExplicitVRLittleEndian, 'Zhang^San=张^三'],
        [TransferSyntax.JPEGLSLossless, 'Li^Si=李^四'],
      ] as const
    ).entries()) {
      const dir = await mkdtemp(join(work, 'src-'));
      const files = await writePhantom(dimseSpec(400 + i, ts, name), dir);
      await seed(fx.ctx, files);
      const ds = parseDicom(files[0]!.bytes).dataset;
      studies.push({
        studyUid: getString(ds, Tags.StudyInstanceUID)!,
        seriesUid: getString(ds, Tags.SeriesInstanceUID)!,
        patientId: getString(ds, Tags.PatientID)!,
        sops: files.map((f) => getString(parseDicom(f.bytes).dataset, Tags.SOPInstanceUID)!),
      });
    }
    storescpDir = await mkdtemp(join(work, 'storescp-'));
    storescp = spawn('storescp', ['-aet', 'STORESCP', '+xa', '+B', '-od', storescpDir, String(storescpPort)], {
      stdio: 'ignore',
    });
    // Wait until storescp answers an echo (it accepts Verification).
    for (let i = 0; i < 100; i++) {
      const r = await run('echoscu', ['-aec', 'STORESCP', '127.0.0.1', String(storescpPort)]);
      if (r.code === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    storescp?.kill('SIGTERM');
    await fx?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const port = (): string => String(fx.listener.port);

  async function find(model: '-P' | '-S', keys: string[]): Promise<Array<ReturnType<typeof parseDicom>>> {
    const out = await mkdtemp(join(work, 'find-'));
    const args = ['-aet', 'FINDSCU', '-aec', 'LINGSHU', model, '-X', '-od', out];
    for (const k of keys) args.push('-k', k);
    const r = await run('findscu', [...args, '127.0.0.1', port()]);
    expect(r.code, r.stderr).toBe(0);
    return (await readDir(out)).map((b) => parseDicom(b));
  }

  it('C-FIND patient root, PATIENT level, wildcard on the patient ID', async () => {
    const res = await find('-P', ['0008,0052=PATIENT', '0010,0020=D4*', '0010,0010']);
    const ids = res.map((r) => getString(r.dataset, Tags.PatientID)).sort();
    expect(ids).toEqual(studies.map((s) => s.patientId).sort());
    // Only requested keys plus level and character set come back.
    for (const r of res) {
      expect(getString(r.dataset, Tags.SpecificCharacterSet)).toBe('ISO_IR 192');
      expect(r.dataset.has(Tags.StudyInstanceUID)).toBe(false);
    }
  }, 60_000);

  it('C-FIND study root, STUDY level, Chinese name with ISO_IR 192', async () => {
    const res = await find('-S', ['0008,0052=STUDY', '0008,0005=ISO_IR 192', '0010,0010=*张*', '0020,000D']);
    expect(res.map((r) => getString(r.dataset, Tags.StudyInstanceUID))).toEqual([studies[0]!.studyUid]);
    expect(getString(res[0]!.dataset, Tags.PatientName)).toBe('Zhang^San=张^三');
  }, 60_000);

  it('C-FIND patient root, STUDY level under one patient', async () => {
    const res = await find('-P', ['0008,0052=STUDY', `0010,0020=${studies[1]!.patientId}`, '0020,000D']);
    expect(res.map((r) => getString(r.dataset, Tags.StudyInstanceUID))).toEqual([studies[1]!.studyUid]);
  }, 60_000);

  it('C-FIND study root, SERIES and IMAGE levels', async () => {
    const s = studies[0]!;
    const series = await find('-S', ['0008,0052=SERIES', `0020,000D=${s.studyUid}`, '0020,000E', '0008,0060']);
    expect(series.map((r) => getString(r.dataset, Tags.SeriesInstanceUID))).toEqual([s.seriesUid]);
    expect(getString(series[0]!.dataset, Tags.Modality)).toBe('CT');
    const images = await find('-S', [
      '0008,0052=IMAGE',
      `0020,000D=${s.studyUid}`,
      `0020,000E=${s.seriesUid}`,
      '0008,0018',
    ]);
    expect(images.map((r) => getString(r.dataset, Tags.SOPInstanceUID)).sort()).toEqual([...s.sops].sort());
  }, 60_000);

  it('C-GET at PATIENT level (patient root) retrieves all of that patient', async () => {
    const s = studies[1]!;
    const out = await mkdtemp(join(work, 'get-pat-'));
    const r = await run('getscu', [
      '-aet',
      'GETSCU',
      '-aec',
      'LINGSHU',
      '-P',
      '-od',
      out,
      '-k',
      '0008,0052=PATIENT',
      '-k',
      `0010,0020=${s.patientId}`,
      '127.0.0.1',
      port(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(out)).toHaveLength(s.sops.length);
  }, 60_000);

  it('C-MOVE a study to storescp: received datasets are byte-identical to the stored ones', async () => {
    for (const s of studies) {
      const r = await run('movescu', [
        '-aet',
        'MOVESCU',
        '-aec',
        'LINGSHU',
        '-aem',
        'STORESCP',
        '-S',
        '-k',
        '0008,0052=STUDY',
        '-k',
        `0020,000D=${s.studyUid}`,
        '127.0.0.1',
        port(),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const received = await readDir(storescpDir);
    expect(received).toHaveLength(studies.reduce((n, s) => n + s.sops.length, 0));
    for (const file of received) {
      const sop = getString(parseDicom(file).dataset, Tags.SOPInstanceUID)!;
      const stored = splitPart10(await fx.ctx.archive.readInstance(sop, { kind: 'all' }));
      const got = splitPart10(file);
      expect(got.transferSyntaxUID).toBe(stored.transferSyntaxUID);
      expect(Buffer.compare(Buffer.from(got.body), Buffer.from(stored.body))).toBe(0);
    }
  }, 60_000);

  it('C-MOVE to an unknown destination fails with 0xA801', async () => {
    const r = await run('movescu', [
      '-v',
      '-aet',
      'MOVESCU',
      '-aec',
      'LINGSHU',
      '-aem',
      'NOWHERE',
      '-S',
      '-k',
      '0008,0052=STUDY',
      '-k',
      `0020,000D=${studies[0]!.studyUid}`,
      '127.0.0.1',
      port(),
    ]);
    expect(r.stdout + r.stderr).toMatch(/MoveDestinationUnknown|a801/i);
  }, 60_000);

  it('C-GET a series with getscu: datasets equal the stored ones element by element', async () => {
    const s = studies[0]!;
    const out = await mkdtemp(join(work, 'get-'));
    const r = await run('getscu', [
      '-aet',
      'GETSCU',
      '-aec',
      'LINGSHU',
      '-S',
      '-od',
      out,
      '-k',
      '0008,0052=SERIES',
      '-k',
      `0020,000D=${s.studyUid}`,
      '-k',
      `0020,000E=${s.seriesUid}`,
      '127.0.0.1',
      port(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const received = await readDir(out);
    expect(received).toHaveLength(s.sops.length);
    for (const file of received) {
      const got = parseDicom(file);
      const sop = getString(got.dataset, Tags.SOPInstanceUID)!;
      const stored = parseDicom(await fx.ctx.archive.readInstance(sop, { kind: 'all' }));
      expect(datasetDifferences(got.dataset, stored.dataset)).toEqual([]);
    }
  }, 60_000);

  it('C-GET of a JPEG-LS study by an SCU that only takes uncompressed: transcoded, same pixels', async () => {
    const s = studies[1]!;
    const out = await mkdtemp(join(work, 'get-jls-'));
    const r = await run('getscu', [
      '-aet',
      'GETSCU',
      '-aec',
      'LINGSHU',
      '-S',
      '-od',
      out,
      '-k',
      '0008,0052=STUDY',
      '-k',
      `0020,000D=${s.studyUid}`,
      '127.0.0.1',
      port(),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const received = await readDir(out);
    expect(received).toHaveLength(s.sops.length);
    for (const file of received) {
      const got = parseDicom(file);
      expect(got.transferSyntaxUID).not.toBe(TransferSyntax.JPEGLSLossless);
      expect(got.dataset.get(Tags.PixelData)?.bytes?.length).toBe(32 * 32 * 2);
    }
  }, 60_000);
});

describe.skipIf(!hasDcmtk)('DIMSE C-FIND cancel', () => {
  let fx: DimseFixture;

  beforeAll(async () => {
    fx = await openDimseFixture();
    // Many tiny instances, so matches are still being sent when findscu's C-CANCEL arrives.
    const files = Array.from({ length: 300 }, (_, i) => ({
      bytes: testInstance({ study: 'cancel', series: 'cancel', instance: `c${i}`, instanceNumber: i + 1 }),
    }));
    await seed(fx.ctx, files);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('stops matching on C-CANCEL (findscu --cancel 1) and answers cancel', async () => {
    const r = await run('findscu', [
      '-v',
      '-aet',
      'FINDSCU',
      '-aec',
      'LINGSHU',
      '-S',
      '--cancel',
      '1',
      '-k',
      '0008,0052=IMAGE',
      '-k',
      `0020,000D=${uidFromName('st:cancel')}`,
      '-k',
      '0008,0018',
      '127.0.0.1',
      String(fx.listener.port),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Received Final Find Response \(Cancel/);
    expect((r.stdout + r.stderr).match(/Find Response: \d+ \(Pending\)/g)?.length ?? 0).toBeLessThan(300);
  }, 60_000);
});
