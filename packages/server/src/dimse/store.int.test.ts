/**
 * DIMSE C-ECHO and C-STORE SCP against dcmtk: echoscu, storescu in several transfer syntaxes
 * (stored datasets must equal what storescu sent), AE title checks and an association flood.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getString, parseDicom, Tags, TransferSyntax } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CEchoRequest, Client, RejectReason, RejectResult, Status } from './lib.js';
import { splitPart10 } from './p10.js';
import { openAssociation, storageContexts, storeOne, storeRaw } from './scu.js';
import { type DimseFixture, dimseSpec, hasDcmtk, openDimseFixture, run, writePhantom } from './testing.js';

describe.skipIf(!hasDcmtk)('DIMSE SCP with dcmtk: C-ECHO and C-STORE', () => {
  let fx: DimseFixture;
  let files: string;

  beforeAll(async () => {
    fx = await openDimseFixture({ allowedCallingAes: ['STORESCU', 'ECHOSCU', 'FLOOD'] }, { maxAssociations: 8 });
    files = await mkdtemp(join(tmpdir(), 'lingshu-dimse-files-'));
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  const port = (): string => String(fx.listener.port);

  it('answers echoscu', async () => {
    const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', 'LINGSHU', '127.0.0.1', port()]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('rejects a wrong called AE title (permanent, called AE not recognised)', async () => {
    const r = await run('echoscu', ['-v', '-aet', 'ECHOSCU', '-aec', 'OTHER', '127.0.0.1', port()]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Called AE Title Not Recognized/i);
  });

  it('rejects a calling AE title outside the allow-list', async () => {
    const r = await run('echoscu', ['-v', '-aet', 'STRANGER', '-aec', 'LINGSHU', '127.0.0.1', port()]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Calling AE Title Not Recognized/i);
  });

  const syntaxes: Array<[string, string, string[]]> = [
    ['explicit VR LE', TransferSyntax.ExplicitVRLittleEndian, ['-xe']],
    ['implicit VR LE', TransferSyntax.ImplicitVRLittleEndian, ['-xi']],
    ['RLE', TransferSyntax.RLELossless, ['-xr']],
    ['JPEG-LS lossless', TransferSyntax.JPEGLSLossless, ['-xt']],
    ['JPEG 2000 lossless', TransferSyntax.JPEG2000Lossless, ['-xv']],
  ];
  for (const [n, [label, ts, opts]] of syntaxes.entries()) {
    it(`stores ${label} from storescu unchanged`, async () => {
      const dir = await mkdtemp(join(files, 'ts-'));
      const sent = await writePhantom(dimseSpec(200 + n, ts), dir);
      const events: string[] = [];
      const onStored = (e: { sopInstanceUID: string; source: string }): void => {
        events.push(`${e.source}:${e.sopInstanceUID}`);
      };
      fx.ctx.events.on('instance-stored', onStored);
      const r = await run('storescu', [
        '-aet',
        'STORESCU',
        '-aec',
        'LINGSHU',
        ...opts,
        '127.0.0.1',
        port(),
        ...sent.map((s) => s.path),
      ]);
      fx.ctx.events.off('instance-stored', onStored);
      expect(r.code, r.stderr).toBe(0);
      expect(events).toHaveLength(sent.length);
      for (const f of sent) {
        const original = splitPart10(f.bytes);
        const sop = events[sent.indexOf(f)]!.slice('dimse:'.length);
        const stored = splitPart10(await fx.ctx.archive.readInstance(sop, { kind: 'all' }));
        // storescu sent the file's own syntax: the stored dataset is byte-for-byte the sent one.
        expect(stored.transferSyntaxUID).toBe(ts);
        expect(Buffer.compare(Buffer.from(stored.body), Buffer.from(original.body))).toBe(0);
      }
    }, 60_000);
  }

  it('stores HTJ2K (newer than dcmtk 3.6.7) sent by the Lingshu C-STORE SCU unchanged', async () => {
    const dir = await mkdtemp(join(files, 'htj2k-'));
    const sent = await writePhantom(dimseSpec(250, TransferSyntax.HTJ2KLossless), dir);
    const peer = { aeTitle: 'LINGSHU', host: '127.0.0.1', port: fx.listener.port };
    const instances = sent.map((f) => {
      const ds = parseDicom(f.bytes).dataset;
      return {
        sopClassUid: getString(ds, Tags.SOPClassUID)!,
        sopUid: getString(ds, Tags.SOPInstanceUID)!,
        transferSyntaxUid: TransferSyntax.HTJ2KLossless,
        read: async () => f.bytes,
      };
    });
    const scu = await openAssociation(peer, 'STORESCU', storageContexts(instances));
    try {
      for (const i of instances) expect(await storeOne(scu.network, i)).toBe(0);
    } finally {
      await scu.release();
    }
    for (const [k, i] of instances.entries()) {
      const stored = splitPart10(await fx.ctx.archive.readInstance(i.sopUid, { kind: 'all' }));
      expect(stored.transferSyntaxUID).toBe(TransferSyntax.HTJ2KLossless);
      expect(Buffer.compare(Buffer.from(stored.body), Buffer.from(splitPart10(sent[k]!.bytes).body))).toBe(0);
    }
  }, 60_000);

  it('answers 0xC000 for a malformed dataset, 0xA900 for a mismatching one, 0xA700 when too large', async () => {
    const dir = await mkdtemp(join(files, 'bad-'));
    const [file] = await writePhantom(dimseSpec(260, TransferSyntax.ExplicitVRLittleEndian), dir);
    const ds = parseDicom(file!.bytes).dataset;
    const sopClass = getString(ds, Tags.SOPClassUID)!;
    const sop = getString(ds, Tags.SOPInstanceUID)!;
    const { body } = splitPart10(file!.bytes);
    const ts = TransferSyntax.ExplicitVRLittleEndian;
    const before = (await fx.ctx.archive.counts()).instances;
    const peer = { aeTitle: 'LINGSHU', host: '127.0.0.1', port: fx.listener.port };
    const scu = await openAssociation(peer, 'STORESCU', [{ abstract: sopClass, syntaxes: [ts] }]);
    try {
      expect(await storeRaw(scu.network, sopClass, sop, body.subarray(0, body.length - 9), ts)).toBe(0xc000);
      expect(await storeRaw(scu.network, sopClass, `${sop}.9`, body, ts)).toBe(0xa900);
    } finally {
      await scu.release();
    }
    // Nothing partial was stored.
    expect((await fx.ctx.archive.counts()).instances).toBe(before);
    const small = await openDimseFixture({ maxInstanceBytes: 1024 });
    try {
      const p2 = { aeTitle: 'LINGSHU', host: '127.0.0.1', port: small.listener.port };
      const scu2 = await openAssociation(p2, 'STORESCU', [{ abstract: sopClass, syntaxes: [ts] }]);
      try {
        expect(await storeRaw(scu2.network, sopClass, sop, body, ts)).toBe(0xa700);
      } finally {
        await scu2.release();
      }
      expect((await small.ctx.archive.counts()).instances).toBe(0);
    } finally {
      await small.close();
    }
  }, 60_000);

  it('stores a file sent deflated (storescu -xd) and keeps it readable', async () => {
    const dir = await mkdtemp(join(files, 'deflate-'));
    const sent = await writePhantom(dimseSpec(300, TransferSyntax.ExplicitVRLittleEndian), dir);
    const before = (await fx.ctx.archive.counts()).instances;
    const r = await run('storescu', ['-aet', 'STORESCU', '-aec', 'LINGSHU', '-xd', '127.0.0.1', port(), sent[0]!.path]);
    expect(r.code, r.stderr).toBe(0);
    expect((await fx.ctx.archive.counts()).instances).toBe(before + 1);
    const sop = getString(parseDicom(sent[0]!.bytes).dataset, Tags.SOPInstanceUID)!;
    const stored = await fx.ctx.archive.readInstance(sop, { kind: 'all' });
    expect(splitPart10(stored).transferSyntaxUID).toBe(TransferSyntax.DeflatedExplicitVRLittleEndian);
    const pixels = (b: Uint8Array): Uint8Array | undefined => parseDicom(b).dataset.get(Tags.PixelData)?.bytes;
    expect(Buffer.compare(Buffer.from(pixels(stored)!), Buffer.from(pixels(sent[0]!.bytes)!))).toBe(0);
  }, 60_000);

  it('survives an association flood: rejects beyond the limit as transient congestion, keeps serving', async () => {
    const total = 200;
    const outcomes = await Promise.all(
      Array.from(
        { length: total },
        () =>
          new Promise<'ok' | 'congested' | 'other'>((resolve) => {
            const client = new Client();
            const request = new CEchoRequest();
            let status = -1;
            request.on('response', (res: { getStatus(): number }) => {
              status = res.getStatus();
            });
            client.addRequest(request);
            client.on('associationRejected', (rj: { result: number; reason: number }) => {
              resolve(
                rj.result === RejectResult.Transient && rj.reason === RejectReason.TemporaryCongestion
                  ? 'congested'
                  : 'other',
              );
            });
            client.on('networkError', () => resolve('other'));
            client.on('closed', () => resolve(status === Status.Success ? 'ok' : 'other'));
            // Holding each association a moment after its echo keeps many open at once.
            client.send('127.0.0.1', fx.listener.port, 'FLOOD', 'LINGSHU', { associationLingerTimeout: 300 });
          }),
      ),
    );
    const ok = outcomes.filter((o) => o === 'ok').length;
    const congested = outcomes.filter((o) => o === 'congested').length;
    expect(ok).toBeGreaterThan(0);
    expect(congested).toBeGreaterThan(0);
    expect(ok + congested).toBe(total);
    const after = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', 'LINGSHU', '127.0.0.1', port()]);
    expect(after.code, after.stderr).toBe(0);
  }, 60_000);
});
