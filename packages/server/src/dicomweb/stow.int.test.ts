import { Dataset, type DicomJsonDataset, SOPClass, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunked, encodeMultipart, type TestPart } from '../multipart/testing.js';
import { StowFailureReason } from './stowFailure.js';
import { type StowTestServer, startStowTestServer, testInstance as tinyInstance } from './stowTesting.js';

const B = 'lingshu-test-boundary';
const CT = `multipart/related; type="application/dicom"; boundary=${B}`;
const dicom = (body: Uint8Array): TestPart => ({ headers: { 'Content-Type': 'application/dicom' }, body });

async function stow(
  url: string,
  body: Uint8Array,
  contentType = CT,
  path = '/dicomweb/studies',
): Promise<{ status: number; json: DicomJsonDataset & { error?: { code: string } }; headers: Headers }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, headers: res.headers };
}

function seq(json: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  return (json[tag]?.Value ?? []) as DicomJsonDataset[];
}
const str = (item: DicomJsonDataset, tag: string): unknown => item[tag]?.Value?.[0];
const reasons = (json: DicomJsonDataset): unknown[] => seq(json, '00081198').map((i) => str(i, '00081197'));

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: STOW-RS on PostgreSQL needs DATABASE_URL; running on PGlite only');
const backends = databaseUrl ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('STOW-RS (%s index)', (backend) => {
  let s: StowTestServer;
  beforeAll(async () => {
    const pg = backend === 'postgres' && databaseUrl;
    s = await startStowTestServer(
      pg ? { databaseUrl, dbSchema: `lingshu_stow_${Math.random().toString(36).slice(2, 10)}` } : {},
    );
  });
  afterAll(async () => {
    await s.close();
  });

  async function rows(): Promise<number> {
    return (await s.ctx.archive.counts()).instances;
  }

  it('stores every part, answers 200 with ReferencedSOPSequence and RetrieveURLs, and emits stored events', async () => {
    const files = [1, 2, 3].map((n) => tinyInstance({ study: 'a', series: 's1', instance: `a${n}` }));
    const r = await stow(s.url, encodeMultipart(files.map(dicom), B));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
    const study = uidFromName('st:a');
    expect(str(r.json, '00081190')).toBe(`${s.url}/dicomweb/studies/${study}`);
    const refs = seq(r.json, '00081199');
    expect(refs.map((i) => str(i, '00081155'))).toEqual([1, 2, 3].map((n) => uidFromName(`i:a${n}`)));
    expect(str(refs[0]!, '00081150')).toBe(SOPClass.CTImageStorage);
    expect(str(refs[0]!, '00081190')).toBe(
      `${s.url}/dicomweb/studies/${study}/series/${uidFromName('se:s1')}/instances/${uidFromName('i:a1')}`,
    );
    expect(r.json['00081198']).toBeUndefined();
    for (const [i, f] of files.entries()) {
      expect(
        Buffer.from(await s.ctx.archive.readInstance(uidFromName(`i:a${i + 1}`), { kind: 'all' })).equals(
          Buffer.from(f),
        ),
      ).toBe(true);
    }
    expect(s.stored.filter((e) => e.studyInstanceUID === study).map((e) => e.source)).toEqual(['stow', 'stow', 'stow']);
  });

  it('treats an identical re-send as stored (200) without a new stored event', async () => {
    const before = s.stored.length;
    const f = tinyInstance({ study: 'a', series: 's1', instance: 'a1' });
    const r = await stow(s.url, encodeMultipart([dicom(f)], B));
    expect(r.status).toBe(200);
    expect(seq(r.json, '00081199').length).toBe(1);
    expect(s.stored.length).toBe(before);
  });

  it('keeps good parts and reports each bad one with its failure reason (202), leaving nothing partial', async () => {
    const filesBefore = s.countFiles();
    const rowsBefore = await rows();
    const good1 = tinyInstance({ study: 'b', series: 's1', instance: 'b1' });
    const good2 = tinyInstance({ study: 'b', series: 's1', instance: 'b2' });
    const truncated = tinyInstance({ study: 'b', series: 's1', instance: 'b3' }).subarray(0, 300);
    const conflict = tinyInstance({ study: 'a', series: 's1', instance: 'a1', pixelValue: 9 });
    const dir = new Dataset();
    setString(dir, Tags.SOPClassUID, 'UI', SOPClass.MediaStorageDirectoryStorage);
    setString(dir, Tags.SOPInstanceUID, 'UI', uidFromName('i:dir'));
    const body = encodeMultipart(
      [
        dicom(good1),
        dicom(new TextEncoder().encode('this is not DICOM at all')),
        dicom(truncated),
        { headers: { 'Content-Type': 'image/jpeg' }, body: good2 },
        dicom(writeDicom({ dataset: dir })),
        dicom(conflict),
        dicom(good2),
      ],
      B,
    );
    const r = await stow(s.url, body);
    expect(r.status).toBe(202);
    expect(seq(r.json, '00081199').map((i) => str(i, '00081155'))).toEqual([uidFromName('i:b1'), uidFromName('i:b2')]);
    expect(reasons(r.json)).toEqual([
      StowFailureReason.CannotUnderstand,
      StowFailureReason.CannotUnderstand,
      StowFailureReason.CannotUnderstand,
      StowFailureReason.SopClassNotSupported,
      StowFailureReason.DuplicateSopInstance,
    ]);
    const failed = seq(r.json, '00081198');
    expect(str(failed[3]!, '00081155')).toBe(uidFromName('i:dir'));
    expect(str(failed[4]!, '00081155')).toBe(uidFromName('i:a1'));
    expect(failed[0]!['00081155']).toEqual({ vr: 'UI' });
    // Exactly the two good instances were added: one file and one index row each, no temp files.
    expect(s.countFiles()).toBe(filesBefore + 2);
    expect(await rows()).toBe(rowsBefore + 2);
    // The earlier instance with the conflicting SOP Instance UID is unchanged.
    const kept = await s.ctx.archive.readInstance(uidFromName('i:a1'), { kind: 'all' });
    expect(Buffer.from(kept).equals(Buffer.from(tinyInstance({ study: 'a', series: 's1', instance: 'a1' })))).toBe(
      true,
    );
  });

  it('study-level STOW refuses instances of another study (C409) and answers 409 when none is stored', async () => {
    const target = uidFromName('st:c');
    const mine = tinyInstance({ study: 'c', series: 's1', instance: 'c1' });
    const other = tinyInstance({ study: 'd', series: 's1', instance: 'd1' });
    const mixed = await stow(s.url, encodeMultipart([dicom(mine), dicom(other)], B), CT, `/dicomweb/studies/${target}`);
    expect(mixed.status).toBe(202);
    expect(reasons(mixed.json)).toEqual([StowFailureReason.StudyInstanceUidMismatch]);
    expect(str(mixed.json, '00081190')).toBe(`${s.url}/dicomweb/studies/${target}`);
    const none = await stow(s.url, encodeMultipart([dicom(other)], B), CT, `/dicomweb/studies/${target}`);
    expect(none.status).toBe(409);
    await expect(s.ctx.archive.readInstance(uidFromName('i:d1'), { kind: 'all' })).rejects.toThrow();
    const bad = await stow(s.url, encodeMultipart([dicom(mine)], B), CT, '/dicomweb/studies/not-a-uid');
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('HTTP_BAD_PARAMETER');
  });

  it('keeps the complete parts of a truncated upload, reports the cut part, and keeps serving', async () => {
    const parts = ['e1', 'e2', 'e3'].map((i) => dicom(tinyInstance({ study: 'e', series: 's1', instance: i })));
    const full = encodeMultipart(parts, B, { omitClose: true });
    const r = await stow(s.url, full.subarray(0, full.length - 100));
    expect(r.status).toBe(202);
    expect(r.headers.get('warning')).toMatch(/^299 .*HTTP_MULTIPART_MALFORMED/);
    expect(seq(r.json, '00081199').length).toBe(2);
    expect(reasons(r.json)).toEqual([StowFailureReason.CannotUnderstand]);
    await expect(s.ctx.archive.readInstance(uidFromName('i:e3'), { kind: 'all' })).rejects.toThrow();
    const again = await stow(s.url, encodeMultipart([parts[2]!], B));
    expect(again.status).toBe(200);
  });

  it('answers 400 HTTP_MULTIPART_MALFORMED for bodies without usable parts', async () => {
    const enc = new TextEncoder();
    const good = tinyInstance({ study: 'f', series: 's1', instance: 'f1' });
    const cases: Array<[string, Uint8Array, string]> = [
      ['no boundary in body', enc.encode('garbage without any boundary'), CT],
      ['garbage preamble beyond limit', new Uint8Array(100_000).fill(0x47), CT],
      ['no parts', enc.encode(`--${B}--\r\n`), CT],
      ['broken boundary', enc.encode(`--${B}\r\n\r\nabc\r\n--${B}junk\r\n`), CT],
      [
        'part without headers',
        new Uint8Array([...enc.encode(`--${B}\r\n`), ...good, ...enc.encode(`\r\n--${B}--`)]),
        CT,
      ],
      ['boundary parameter missing', encodeMultipart([dicom(good)], B), 'multipart/related; type="application/dicom"'],
    ];
    for (const [name, body, type] of cases) {
      const r = await stow(s.url, body, type);
      expect([name, r.status, r.json.error?.code]).toEqual([name, 400, 'HTTP_MULTIPART_MALFORMED']);
    }
    await expect(s.ctx.archive.readInstance(uidFromName('i:f1'), { kind: 'all' })).rejects.toThrow();
  });

  it('answers 415 for other media types', async () => {
    const body = encodeMultipart([dicom(tinyInstance({ study: 'g', series: 's1', instance: 'g1' }))], B);
    for (const type of [
      'application/dicom',
      'application/json',
      `multipart/related; type="application/dicom+json"; boundary=${B}`,
    ]) {
      const r = await stow(s.url, body, type);
      expect([type, r.status, r.json.error?.code]).toEqual([type, 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE']);
    }
    // type omitted: the parts' own Content-Type decides.
    const r = await stow(s.url, body, `multipart/related; boundary=${B}`);
    expect(r.status).toBe(200);
  });
});

describe('STOW-RS size limits', () => {
  let s: StowTestServer;
  beforeAll(async () => {
    s = await startStowTestServer({ maxInstanceBytes: 20_000, maxUploadBytes: 200_000 });
  });
  afterAll(async () => {
    await s.close();
  });

  it('refuses a part over the instance limit (A700) and stores the others', async () => {
    const big = tinyInstance({ study: 'h', series: 's1', instance: 'h1', matrix: 128 });
    const small = tinyInstance({ study: 'h', series: 's1', instance: 'h2' });
    expect(big.length).toBeGreaterThan(20_000);
    const r = await stow(s.url, encodeMultipart([dicom(big), dicom(small)], B));
    expect(r.status).toBe(202);
    expect(reasons(r.json)).toEqual([StowFailureReason.OutOfResources]);
    expect(seq(r.json, '00081199').length).toBe(1);
  });

  it('answers 413 for a declared body over the upload limit, storing nothing', async () => {
    const parts = Array.from({ length: 12 }, (_, i) =>
      dicom(tinyInstance({ study: 'k', series: 's1', instance: `k${i}`, matrix: 96 })),
    );
    const body = encodeMultipart(parts, B);
    expect(body.length).toBeGreaterThan(200_000);
    const before = s.countFiles();
    const r = await stow(s.url, body);
    expect(r.status).toBe(413);
    expect(r.json.error?.code).toBe('HTTP_PAYLOAD_TOO_LARGE');
    expect(s.countFiles()).toBe(before);
    // Streamed without Content-Length: the parts before the limit are kept and listed, the cut one fails.
    const chunks = [...chunked(body, [16_384])];
    const res = await fetch(`${s.url}/dicomweb/studies`, {
      method: 'POST',
      headers: { 'content-type': CT },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    const streamed = (await res.json()) as DicomJsonDataset;
    expect(res.status).toBe(202);
    expect(res.headers.get('warning')).toMatch(/HTTP_PAYLOAD_TOO_LARGE/);
    const kept = seq(streamed, '00081199').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(12);
    expect(reasons(streamed)).toEqual([StowFailureReason.OutOfResources]);
    expect(s.countFiles()).toBe(before + kept);
    expect((await s.ctx.archive.counts()).instances).toBe(before + kept);
    // The process keeps serving.
    const ok = await stow(
      s.url,
      encodeMultipart([dicom(tinyInstance({ study: 'k', series: 's1', instance: 'ok' }))], B),
    );
    expect(ok.status).toBe(200);
  });
});
