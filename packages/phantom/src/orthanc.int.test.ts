/**
 * A real peer accepts the phantom's files: Orthanc (Debian package) stores generated series in
 * every phantom transfer syntax and both character sets, and reads the Chinese names back.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TransferSyntax } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStudy } from './series.js';
import type { CharacterSet } from './spec.js';
import { smallChestSpec } from './testing.js';

const ORTHANC = '/usr/sbin/Orthanc';
const hasOrthanc = spawnSync(ORTHANC, ['--version']).error === undefined;
if (!hasOrthanc) console.warn('SKIP: Orthanc is not installed (apt-get install orthanc)');

const issuedPorts = new Set<number>();

/** A loopback port free now and not handed out before in this process (the kernel may reuse a just-closed one). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const address = srv.address();
        srv.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
    });
    if (!issuedPorts.has(port)) {
      issuedPorts.add(port);
      return port;
    }
  }
}

describe.skipIf(!hasOrthanc)('Orthanc accepts phantom files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lingshu-orthanc-'));
  let orthanc: ChildProcess | undefined;
  let base = '';

  beforeAll(async () => {
    const httpPort = await freePort();
    const dicomPort = await freePort();
    const config = {
      Name: 'LINGSHU_TEST',
      StorageDirectory: path.join(dir, 'storage'),
      IndexDirectory: path.join(dir, 'storage'),
      HttpPort: httpPort,
      DicomPort: dicomPort,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      Plugins: [],
    };
    writeFileSync(path.join(dir, 'orthanc.json'), JSON.stringify(config));
    orthanc = spawn(ORTHANC, [path.join(dir, 'orthanc.json')], { stdio: 'ignore' });
    base = `http://127.0.0.1:${httpPort}`;
    const started = Date.now();
    for (;;) {
      try {
        if ((await fetch(`${base}/system`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 30_000) throw new Error('Orthanc did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(() => {
    orthanc?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, CharacterSet]> = [
    [TransferSyntax.ExplicitVRLittleEndian, 'ISO_IR 192'],
    [TransferSyntax.ImplicitVRLittleEndian, 'GB18030'],
    [TransferSyntax.RLELossless, 'GB18030'],
    [TransferSyntax.JPEGLSLossless, 'ISO_IR 192'],
    [TransferSyntax.JPEG2000Lossless, 'ISO_IR 192'],
    [TransferSyntax.HTJ2KLossless, 'ISO_IR 192'],
  ];
  for (const [n, [ts, characterSet]] of cases.entries()) {
    it(`stores ${ts} (${characterSet}) and decodes the Chinese name`, async () => {
      // A different seed per case gives new UIDs, so each instance is stored fresh (not 'AlreadyStored').
      const base0 = smallChestSpec(100 + n);
      const spec = {
        ...base0,
        series: { ...base0.series, zRangeMm: [40, 50] as [number, number], transferSyntaxUID: ts, characterSet },
      };
      const { files } = await generateStudy(spec);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const res = await fetch(`${base}/instances`, { method: 'POST', body: f.bytes });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { ID: string; Status: string };
        expect(body.Status).toBe('Success');
        const tags = (await (await fetch(`${base}/instances/${body.ID}/simplified-tags`)).json()) as Record<
          string,
          string
        >;
        expect(tags.PatientName).toBe('Zhang^San=张^三=zhang^san');
        const file = new Uint8Array(await (await fetch(`${base}/instances/${body.ID}/file`)).arrayBuffer());
        expect(Buffer.compare(Buffer.from(file), Buffer.from(f.bytes))).toBe(0);
        // Orthanc 1.10 predates the HTJ2K UIDs (2023): it stores such files but records no syntax.
        const stored = await (await fetch(`${base}/instances/${body.ID}/metadata/TransferSyntax`)).text();
        expect(stored).toBe(ts === TransferSyntax.HTJ2KLossless ? '' : ts);
      }
    }, 60_000);
  }
});
