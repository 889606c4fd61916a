import { readFileSync } from 'node:fs';
import { type DicomJsonDataset, parseDicom, SOPClass, TransferSyntax, uidFromName, writeDicom } from '@lingshu/dicom';
import { type DimseListener, startDimse } from '@lingshu/server';
import dimse from 'dcmjs-dimse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StowTestServer, startStowTestServer, testInstance } from '../packages/server/src/dicomweb/stowTesting.js';
import { encodeMultipart } from '../packages/server/src/multipart/testing.js';
import { MUTATIONS, mulberry32, mutate } from './mutate.js';

/**
 * 5 000 seeded mutations of small valid instances, half through STOW-RS (50 parts per request),
 * half through DIMSE C-STORE (dcmjs-dimse as SCU, dataset bytes sent exactly as mutated), into one
 * running server. Every mutation is stored (and then parses from the store and is in the index) or
 * refused with a coded reason; the server keeps serving; files on disk equal index rows.
 */
const PER_SIDE = 2500;
const PARTS_PER_REQUEST = 50;
const B = 'lingshu-fuzz-boundary';
const AE = 'LINGSHU';

// Failure Reason values PS3.18 Table I.2-2 allows, plus Lingshu's additional ones (stowFailure.ts).
const STOW_REASONS = new Set([0xa700, 0xa900, 0xc000, 0xc122, 0xc409, 0x0110, 0x0111, 0x0122]);

/** Replaces every occurrence of `uid` (meta and dataset) with a same-length variant numbered `n`. */
function renumber(file: Uint8Array, uid: string, n: number): { bytes: Uint8Array; uid: string } {
  const id = `${uid.slice(0, -6)}${String(100000 + n).slice(-6)}`;
  const out = Buffer.from(file);
  for (let i = out.indexOf(uid); i >= 0; i = out.indexOf(uid, i + 1)) out.write(id, i, 'latin1');
  return { bytes: new Uint8Array(out), uid: id };
}

function implicit(file: Uint8Array): Uint8Array {
  return writeDicom({ dataset: parseDicom(file).dataset, transferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian });
}

interface Base {
  file: Uint8Array;
  uid: string;
}
const bases: Base[] = [
  { file: testInstance({ study: 'fz1', series: 'a', instance: 'fz1' }), uid: uidFromName('i:fz1') },
  {
    file: implicit(testInstance({ study: 'fz2', series: 'b', instance: 'fz2', matrix: 16 })),
    uid: uidFromName('i:fz2'),
  },
];
// C-STORE over dcmjs-dimse proposes implicit VR LE first and the SCP takes it; send implicit datasets.
const dimseBase: Base = {
  file: implicit(testInstance({ study: 'fz3', series: 'c', instance: 'fz3', matrix: 8 })),
  uid: uidFromName('i:fz3'),
};

/** Offset of the dataset after the File Meta Information of an unmutated file. */
function datasetOffset(file: Uint8Array): number {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let pos = 132;
  while (pos + 8 <= file.length && dv.getUint16(pos, true) === 0x0002) {
    const long = ['OB', 'OW', 'UN', 'SQ', 'UT'].includes(String.fromCharCode(file[pos + 4]!, file[pos + 5]!));
    pos += long ? 12 + dv.getUint32(pos + 8, true) : 8 + dv.getUint16(pos + 6, true);
  }
  return pos;
}

/** dcmjs-dimse Dataset carrying pre-encoded bytes, so the SCU sends the mutation unchanged. */
class RawOutgoing extends dimse.Dataset {
  constructor(
    private readonly raw: Uint8Array,
    ts: string,
    elements: Record<string, string>,
  ) {
    super(elements, ts);
  }
  override getDenaturalizedDataset(): Buffer {
    return Buffer.from(this.raw.buffer, this.raw.byteOffset, this.raw.byteLength);
  }
}

/** Sends C-STOREs on one association; resolves with each request's status, in order. */
function cStoreAll(
  port: number,
  items: Array<{ dataset: Uint8Array; uid: string }>,
  sopClass: string,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const client = new dimse.Client();
    const statuses: number[] = new Array(items.length).fill(-1);
    items.forEach((item, i) => {
      const ds = new RawOutgoing(item.dataset, TransferSyntax.ImplicitVRLittleEndian, {
        SOPClassUID: sopClass,
        SOPInstanceUID: item.uid,
      });
      const request = new dimse.requests.CStoreRequest(ds);
      request.on('response', (response: { getStatus(): number }) => {
        statuses[i] = response.getStatus();
      });
      client.addRequest(request);
    });
    client.on('associationRejected', () => reject(new Error('association rejected')));
    client.on('networkError', (e: Error) => reject(e));
    client.on('closed', () => resolve(statuses));
    client.send('127.0.0.1', port, 'FUZZSCU', AE, { associationTimeout: 60_000, pduTimeout: 60_000 });
  });
}

describe(`fuzz: ${PER_SIDE} mutated instances via STOW-RS and ${PER_SIDE} via C-STORE`, () => {
  let s: StowTestServer;
  let dimseListener: DimseListener;
  const rand = mulberry32(20261124);
  let storedViaStow: string[] = [];
  let storedViaDimse: string[] = [];

  beforeAll(async () => {
    dimse.log.setLevel('silent');
    s = await startStowTestServer({ aeTitle: AE, dicomPort: 0 });
    dimseListener = await startDimse(s.ctx);
  });
  afterAll(async () => {
    await dimseListener?.close();
    await s?.close();
  });

  it('STOW-RS: every part is stored or refused with a coded Failure Reason', async () => {
    const outcomes = new Map<string, number>();
    for (let r = 0; r < PER_SIDE / PARTS_PER_REQUEST; r++) {
      const parts = Array.from({ length: PARTS_PER_REQUEST }, (_, k) => {
        const n = r * PARTS_PER_REQUEST + k;
        const base = bases[n % bases.length]!;
        const kind = MUTATIONS[n % MUTATIONS.length]!;
        const body = mutate(renumber(base.file, base.uid, n).bytes, kind, rand);
        return { headers: { 'Content-Type': 'application/dicom' }, body };
      });
      const res = await fetch(`${s.url}/dicomweb/studies`, {
        method: 'POST',
        headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${B}` },
        body: encodeMultipart(parts, B),
      });
      expect([200, 202, 409]).toContain(res.status);
      const json = (await res.json()) as DicomJsonDataset;
      const refs = (json['00081199']?.Value ?? []) as DicomJsonDataset[];
      const failed = (json['00081198']?.Value ?? []) as DicomJsonDataset[];
      expect(refs.length + failed.length).toBe(PARTS_PER_REQUEST);
      for (const f of failed) {
        const reason = Number(f['00081197']?.Value?.[0]);
        expect(STOW_REASONS.has(reason), `reason ${reason.toString(16)}`).toBe(true);
        outcomes.set(reason.toString(16), (outcomes.get(reason.toString(16)) ?? 0) + 1);
      }
      for (const ref of refs) storedViaStow.push(String(ref['00081155']?.Value?.[0]));
    }
    storedViaStow = [...new Set(storedViaStow)];
    console.info(
      `STOW fuzz: ${storedViaStow.length} stored, failures by reason ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    expect(storedViaStow.length).toBeGreaterThan(50);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
  }, 120_000);

  it('C-STORE: every instance is stored (0000) or refused with a DIMSE failure status', async () => {
    const offset = datasetOffset(dimseBase.file);
    const sopClass = SOPClass.CTImageStorage;
    const items = Array.from({ length: PER_SIDE }, (_, n) => {
      const kind = MUTATIONS[n % MUTATIONS.length]!;
      const { bytes, uid } = renumber(dimseBase.file, dimseBase.uid, n);
      const mutated = mutate(bytes, kind, rand);
      // A C-STORE always carries a dataset: a mutation that cut into the meta header sends what is
      // left after the preamble, or a stray meta element header.
      let dataset = mutated.subarray(Math.min(offset, mutated.length));
      if (dataset.length < 8)
        dataset = mutated.length >= 140 ? mutated.subarray(132) : dimseBase.file.subarray(132, 140);
      return { dataset, uid };
    });
    // Associations in parallel: the archive micro-batches their concurrent stores into shared transactions.
    const ASSOCIATIONS = 20;
    const size = Math.ceil(PER_SIDE / ASSOCIATIONS);
    const chunks = Array.from({ length: ASSOCIATIONS }, (_, c) => items.slice(c * size, (c + 1) * size));
    const results = await Promise.all(chunks.map((chunk) => cStoreAll(dimseListener.port, chunk, sopClass)));
    const statuses = results.flat();
    const byStatus = new Map<string, number>();
    statuses.forEach((st, i) => {
      byStatus.set(st.toString(16), (byStatus.get(st.toString(16)) ?? 0) + 1);
      const failure = (st >= 0xa700 && st <= 0xa7ff) || (st >= 0xa900 && st <= 0xa9ff) || (st & 0xf000) === 0xc000;
      expect(st === 0 || failure, `status ${st.toString(16)}`).toBe(true);
      if (st === 0) storedViaDimse.push(items[i]!.uid);
    });
    storedViaDimse = [...new Set(storedViaDimse)];
    console.info(`C-STORE fuzz: statuses ${JSON.stringify(Object.fromEntries(byStatus))}`);
    expect(storedViaDimse.length).toBeGreaterThan(50);
    expect(statuses.filter((st) => st !== 0).length).toBeGreaterThan(500);
  }, 240_000);

  it('everything stored re-parses from the store and is indexed; files equal index rows; still serving', async () => {
    for (const uid of [...storedViaStow, ...storedViaDimse]) {
      const loc = await s.ctx.archive.getInstanceLocation(uid, { kind: 'all' });
      expect(loc, 'indexed').toBeDefined();
      const bytes = new Uint8Array(readFileSync(s.ctx.archive.files.path(loc!.storageKey)));
      expect(() => parseDicom(bytes)).not.toThrow();
    }
    const rows = (await s.ctx.archive.counts()).instances;
    expect(rows).toBe(storedViaStow.length + storedViaDimse.length);
    // Fails while the archive leaves the files of a batch whose index transaction failed (text values
    // with U+0000 break PostgreSQL text columns): an archive bug this test found, reported for a fix there.
    expect(s.countFiles(), 'instance files on disk == index rows').toBe(rows);
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);
});
