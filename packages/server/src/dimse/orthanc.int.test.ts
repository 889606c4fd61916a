/**
 * Interop with Orthanc (Debian package) as a remote archive: Lingshu forwards a study to it,
 * a dcmtk movescu asks Lingshu to move a study into it, and Lingshu pulls a study out of it with
 * C-MOVE. Datasets must arrive byte-identical (the Part 10 meta header aside).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getString, parseDicom, Tags, TransferSyntax } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardStudy, retrieveFromRemote } from './forward.js';
import { splitPart10 } from './p10.js';
import {
  type DimseFixture,
  dimseSpec,
  freePort,
  hasDcmtk,
  openDimseFixture,
  run,
  seed,
  writePhantom,
} from './testing.js';

const ORTHANC = '/usr/sbin/Orthanc';
const hasOrthanc = spawnSync(ORTHANC, ['--version']).error === undefined;
if (!hasOrthanc) console.warn('SKIP: Orthanc is not installed (apt-get install orthanc): Orthanc DIMSE tests skipped');

interface Study {
  studyUid: string;
  files: Array<{ path: string; bytes: Uint8Array }>;
}

function sopOf(bytes: Uint8Array): string {
  return getString(parseDicom(bytes).dataset, Tags.SOPInstanceUID)!;
}

function sameBody(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(splitPart10(a).body), Buffer.from(splitPart10(b).body)) === 0;
}

describe.skipIf(!hasOrthanc || !hasDcmtk)('DIMSE interop with Orthanc', () => {
  let fx: DimseFixture;
  let orthanc: ChildProcess | undefined;
  let work = '';
  let base = '';
  let orthancDicomPort = 0;

  async function orthancFile(sopUid: string): Promise<Uint8Array | undefined> {
    const res = await fetch(`${base}/tools/lookup`, { method: 'POST', body: sopUid });
    const found = (await res.json()) as Array<{ ID: string; Type: string }>;
    const hit = found.find((f) => f.Type === 'Instance');
    if (!hit) return undefined;
    return new Uint8Array(await (await fetch(`${base}/instances/${hit.ID}/file`)).arrayBuffer());
  }

  async function makeStudy(seedNo: number, ts: string): Promise<Study> {
    const dir = await mkdtemp(join(work, 'src-'));
    const files = await writePhantom(dimseSpec(seedNo, ts), dir);
    return { studyUid: getString(parseDicom(files[0]!.bytes).dataset, Tags.StudyInstanceUID)!, files };
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lingshu-orthanc-dimse-'));
    const httpPort = await freePort();
    orthancDicomPort = await freePort();
    fx = await openDimseFixture({
      remoteAes: [{ aeTitle: 'ORTHANC', host: '127.0.0.1', port: orthancDicomPort }],
    });
    const config = {
      Name: 'LINGSHU_DIMSE_TEST',
      StorageDirectory: join(work, 'storage'),
      IndexDirectory: join(work, 'storage'),
      HttpPort: httpPort,
      DicomPort: orthancDicomPort,
      DicomAet: 'ORTHANC',
      DicomModalities: { lingshu: ['LINGSHU', '127.0.0.1', fx.listener.port], movescu: ['MOVESCU', '127.0.0.1', 1] },
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      Plugins: [],
    };
    await writeFile(join(work, 'orthanc.json'), JSON.stringify(config));
    orthanc = spawn(ORTHANC, [join(work, 'orthanc.json')], { stdio: 'ignore' });
    base = `http://127.0.0.1:${httpPort}`;
    const started = Date.now();
    for (;;) {
      try {
        if ((await fetch(`${base}/system`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 60_000) throw new Error('Orthanc did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    orthanc?.kill('SIGTERM');
    await fx?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('forwardStudy sends a study to Orthanc; Orthanc holds the same datasets', async () => {
    const study = await makeStudy(500, TransferSyntax.ExplicitVRLittleEndian);
    await seed(fx.ctx, study.files);
    const result = await forwardStudy(fx.ctx, study.studyUid, 'ORTHANC');
    expect(result).toEqual({ completed: study.files.length, failed: 0, warning: 0 });
    for (const f of study.files) {
      const stored = await fx.ctx.archive.readInstance(sopOf(f.bytes), { kind: 'all' });
      const inOrthanc = await orthancFile(sopOf(f.bytes));
      expect(inOrthanc).toBeDefined();
      expect(sameBody(inOrthanc!, stored)).toBe(true);
    }
  }, 120_000);

  it('a dcmtk movescu moves a JPEG-LS study from Lingshu into Orthanc', async () => {
    const study = await makeStudy(501, TransferSyntax.JPEGLSLossless);
    await seed(fx.ctx, study.files);
    const r = await run('movescu', [
      '-aet',
      'MOVESCU',
      '-aec',
      'LINGSHU',
      '-aem',
      'ORTHANC',
      '-S',
      '-k',
      '0008,0052=STUDY',
      '-k',
      `0020,000D=${study.studyUid}`,
      '127.0.0.1',
      String(fx.listener.port),
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of study.files) {
      const inOrthanc = await orthancFile(sopOf(f.bytes));
      expect(inOrthanc).toBeDefined();
      expect(splitPart10(inOrthanc!).transferSyntaxUID).toBe(TransferSyntax.JPEGLSLossless);
      expect(sameBody(inOrthanc!, f.bytes)).toBe(true);
    }
  }, 120_000);

  it('retrieveFromRemote pulls a study out of Orthanc with C-MOVE; datasets equal Orthanc bytes', async () => {
    const study = await makeStudy(502, TransferSyntax.JPEG2000Lossless);
    for (const f of study.files) {
      const res = await fetch(`${base}/instances`, { method: 'POST', body: f.bytes });
      expect(res.status).toBe(200);
    }
    const stored: string[] = [];
    const onStored = (e: { sopInstanceUID: string }): void => {
      stored.push(e.sopInstanceUID);
    };
    fx.ctx.events.on('instance-stored', onStored);
    const result = await retrieveFromRemote(fx.ctx, 'ORTHANC', study.studyUid);
    fx.ctx.events.off('instance-stored', onStored);
    expect(result.completed).toBe(study.files.length);
    expect(stored.sort()).toEqual(study.files.map((f) => sopOf(f.bytes)).sort());
    for (const f of study.files) {
      const sop = sopOf(f.bytes);
      const inOrthanc = await orthancFile(sop);
      const pulled = await fx.ctx.archive.readInstance(sop, { kind: 'all' });
      expect(sameBody(pulled, inOrthanc!)).toBe(true);
    }
  }, 120_000);

  it('forwardStudy to an AE not in remoteAes fails with DIMSE_UNKNOWN_DESTINATION', async () => {
    await expect(forwardStudy(fx.ctx, '1.2.3', 'NOBODY')).rejects.toMatchObject({ code: 'DIMSE_UNKNOWN_DESTINATION' });
  });
});
