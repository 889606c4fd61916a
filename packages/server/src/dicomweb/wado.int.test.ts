import { randomBytes } from 'node:crypto';
import { decodeFrame, getFrameBytes, getString, parseDicom, Tags, TransferSyntax } from '@lingshu/dicom';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemaStatements } from '../testing/instances.js';
import {
  imageInstance,
  openWadoFixture,
  phantomFiles,
  readMultipart,
  smallPhantomSpec,
  storeAll,
  uids,
  type WadoFixture,
} from './wadoTesting.js';

const ST = uids.study('A');
const SE1 = uids.series('A1');
const SE2 = uids.series('A2');
const MF = uids.series('MF');
const I1 = uids.instance('A', 'A1', 1);
const MULTI = uids.instance('A', 'MF', 1);
const IMPLICIT = uids.instance('A', 'A2', 1);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: WADO-RS on PostgreSQL needs DATABASE_URL; running on PGlite only');
const DICOM_ANY = 'multipart/related; type="application/dicom"; transfer-syntax=*';

let fx: WadoFixture;
let jlsStudy = '';
let jlsSeries = '';
let jlsSop = '';

beforeAll(async () => {
  fx = await openWadoFixture();
  await storeAll(fx.archive, [
    imageInstance({ study: 'A', series: 'A1', instance: 1, bulkBytes: 3000 }),
    imageInstance({ study: 'A', series: 'A1', instance: 2 }),
    imageInstance({
      study: 'A',
      series: 'A2',
      instance: 1,
      seriesNumber: 2,
      transferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian,
    }),
    imageInstance({ study: 'A', series: 'MF', instance: 1, seriesNumber: 3, frames: 3 }),
    imageInstance({ study: 'B', series: 'B1', instance: 1 }),
  ]);
  // A small phantom series stored compressed (JPEG-LS lossless).
  const files = await phantomFiles(smallPhantomSpec(7, TransferSyntax.JPEGLSLossless));
  await storeAll(fx.archive, files);
  const first = parseDicom(files[0]!).dataset;
  jlsStudy = getString(first, Tags.StudyInstanceUID)!;
  jlsSeries = getString(first, Tags.SeriesInstanceUID)!;
  jlsSop = getString(first, Tags.SOPInstanceUID)!;
});

afterAll(async () => {
  await fx?.close();
});

async function get(url: string, accept?: string) {
  const res = await fx.app.inject({ method: 'GET', url, headers: accept ? { accept } : {} });
  return res;
}

async function stored(sop: string): Promise<Uint8Array> {
  return fx.archive.readInstance(sop, { kind: 'all' });
}

describe('WADO-RS retrieve', () => {
  it('streams a study as multipart application/dicom, byte for byte the stored files', async () => {
    const res = await get(`/dicomweb/studies/${ST}`, DICOM_ANY);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    const parts = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    expect(parts).toHaveLength(4);
    const files = await fx.archive.findInstances({ studyUid: ST }, { kind: 'all' });
    for (const [i, part] of parts.entries()) {
      const file = files[i]!;
      expect(part.headers.get('content-type')).toBe(`application/dicom; transfer-syntax=${file.transferSyntaxUid}`);
      expect(Buffer.compare(part.bytes, Buffer.from(await stored(file.sopUid)))).toBe(0);
    }
  });

  it('retrieves a series and an instance; the default syntax is Explicit VR Little Endian', async () => {
    const series = await get(`/dicomweb/studies/${ST}/series/${SE1}`);
    expect(readMultipart(series.headers['content-type'] as string, series.rawPayload)).toHaveLength(2);

    // Stored implicit VR: the default (no transfer-syntax) rewrites the header encoding.
    const res = await get(`/dicomweb/studies/${ST}/series/${SE2}/instances/${IMPLICIT}`);
    const [part] = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    expect(part!.headers.get('content-type')).toBe(
      `application/dicom; transfer-syntax=${TransferSyntax.ExplicitVRLittleEndian}`,
    );
    const sent = parseDicom(part!.bytes);
    const original = parseDicom(await stored(IMPLICIT));
    expect(sent.transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
    expect(Buffer.from(sent.dataset.get(Tags.PixelData)!.bytes!)).toEqual(
      Buffer.from(original.dataset.get(Tags.PixelData)!.bytes!),
    );
    expect(getString(sent.dataset, Tags.SOPInstanceUID)).toBe(IMPLICIT);
  });

  it('transcodes a compressed instance to native on request and keeps the pixels', async () => {
    const res = await get(
      `/dicomweb/studies/${jlsStudy}/series/${jlsSeries}/instances/${jlsSop}`,
      `multipart/related; type="application/dicom"; transfer-syntax=${TransferSyntax.ExplicitVRLittleEndian}`,
    );
    expect(res.statusCode).toBe(200);
    const [part] = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    const sent = parseDicom(part!.bytes);
    const original = parseDicom(await stored(jlsSop));
    expect(sent.transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
    const decoded = await decodeFrame(original.dataset, original.transferSyntaxUID, 0);
    const native = sent.dataset.get(Tags.PixelData)!.bytes!;
    expect(Buffer.from(native)).toEqual(
      Buffer.from(decoded.pixels.buffer, decoded.pixels.byteOffset, decoded.pixels.byteLength),
    );
  });

  it('sends the stored compressed syntax when it is asked for, and 406 for one it cannot produce', async () => {
    const url = `/dicomweb/studies/${jlsStudy}/series/${jlsSeries}/instances/${jlsSop}`;
    const ok = await get(
      url,
      `multipart/related; type="application/dicom"; transfer-syntax=${TransferSyntax.JPEGLSLossless}`,
    );
    const [part] = readMultipart(ok.headers['content-type'] as string, ok.rawPayload);
    expect(Buffer.compare(part!.bytes, Buffer.from(await stored(jlsSop)))).toBe(0);
    const refused = await get(
      url,
      `multipart/related; type="application/dicom"; transfer-syntax=${TransferSyntax.JPEGBaseline8Bit}`,
    );
    expect(refused.statusCode).toBe(406);
    expect(refused.json().error.code).toBe('HTTP_NOT_ACCEPTABLE');
    expect((await get(url, 'application/pdf')).statusCode).toBe(406);
  });

  it('answers 404 for unknown UIDs and for a series that is not in the study', async () => {
    const unknown = await get(`/dicomweb/studies/1.2.3.999`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('HTTP_NOT_FOUND');
    expect((await get(`/dicomweb/studies/${uids.study('B')}/series/${SE1}`)).statusCode).toBe(404);
    expect((await get(`/dicomweb/studies/${ST}/series/${SE1}/instances/${IMPLICIT}`)).statusCode).toBe(404);
  });
});

describe('WADO-RS metadata', () => {
  it('serves study metadata from the index with absolute BulkDataURIs', async () => {
    const res = await get(`/dicomweb/studies/${ST}/metadata`, 'application/dicom+json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/dicom+json');
    const body = res.json() as Array<Record<string, { Value?: unknown[]; BulkDataURI?: string }>>;
    expect(body).toHaveLength(4);
    expect(body.map((m) => m['00080018']?.Value?.[0])).toContain(I1);
    const first = body.find((m) => m['00080018']?.Value?.[0] === I1)!;
    const base = `http://localhost:80/dicomweb/studies/${ST}/series/${SE1}/instances/${I1}`;
    expect(first['7FE00010']?.BulkDataURI).toBe(`${base}/bulk/7FE00010`);
    expect(first['00091010']?.BulkDataURI).toBe(`${base}/bulk/00091010`);
    const series = await get(`/dicomweb/studies/${ST}/series/${SE1}/metadata`);
    expect(series.json()).toHaveLength(2);
    const instance = await get(`/dicomweb/studies/${ST}/series/${SE1}/instances/${I1}/metadata`);
    expect(instance.json()).toHaveLength(1);
    expect((await get(`/dicomweb/studies/${ST}/metadata`, 'application/dicom+xml')).statusCode).toBe(406);
    expect((await get(`/dicomweb/studies/${uids.study('B')}/series/${SE1}/metadata`)).statusCode).toBe(404);
  });

  it('serves the bulk data its URIs name', async () => {
    const meta = (await get(`/dicomweb/studies/${ST}/series/${SE1}/instances/${I1}/metadata`)).json();
    const uri = new URL(meta[0]['00091010'].BulkDataURI as string);
    const res = await get(uri.pathname);
    expect(res.statusCode).toBe(200);
    const [part] = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    expect([...part!.bytes.subarray(0, 4)]).toEqual([0, 1, 2, 3]);
    expect(part!.bytes.length).toBe(3000);
    const bare = await get(uri.pathname, 'application/octet-stream');
    expect(bare.headers['content-type']).toBe('application/octet-stream');
    expect(bare.rawPayload.length).toBe(3000);
    const pixels = await get(new URL(meta[0]['7FE00010'].BulkDataURI as string).pathname);
    const [pixelPart] = readMultipart(pixels.headers['content-type'] as string, pixels.rawPayload);
    expect(pixelPart!.bytes.length).toBe(4 * 4 * 2);
    expect((await get(`${uri.pathname.replace('00091010', '00100010')}`)).statusCode).toBe(404);
    expect((await get(`${uri.pathname.replace('00091010', 'zz')}`)).statusCode).toBe(400);
  });
});

describe('WADO-RS frames', () => {
  const mfUrl = `/dicomweb/studies/${ST}/series/${MF}/instances/${MULTI}/frames`;

  it('returns native frames of a multi-frame instance in the order asked', async () => {
    const res = await get(`${mfUrl}/3,1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^multipart\/related; type="application\/octet-stream"/);
    const parts = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    const original = parseDicom(await stored(MULTI));
    const frame3 = await decodeFrame(original.dataset, original.transferSyntaxUID, 2);
    expect(parts).toHaveLength(2);
    expect(new Int16Array(new Uint8Array(parts[0]!.bytes).buffer)).toEqual(frame3.pixels);
    expect(new Int16Array(new Uint8Array(parts[1]!.bytes).buffer)[5]).toBe(5);
    expect(new Int16Array(new Uint8Array(parts[0]!.bytes).buffer)[5]).toBe(205);
  });

  it('rejects frame numbers out of range or malformed', async () => {
    const out = await get(`${mfUrl}/4`);
    expect(out.statusCode).toBe(404);
    expect(out.json().error.code).toBe('PIXEL_FRAME_OUT_OF_RANGE');
    expect((await get(`${mfUrl}/0`)).statusCode).toBe(400);
    expect((await get(`${mfUrl}/1,x`)).statusCode).toBe(400);
  });

  it('decodes compressed frames by default and sends the codestream for transfer-syntax=*', async () => {
    const url = `/dicomweb/studies/${jlsStudy}/series/${jlsSeries}/instances/${jlsSop}/frames/1`;
    const original = parseDicom(await stored(jlsSop));
    const decoded = await decodeFrame(original.dataset, original.transferSyntaxUID, 0);

    const res = await get(url, 'multipart/related; type="application/octet-stream"');
    const [part] = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    expect(part!.headers.get('content-type')).toBe(
      `application/octet-stream; transfer-syntax=${TransferSyntax.ExplicitVRLittleEndian}`,
    );
    expect(part!.bytes).toEqual(
      Buffer.from(decoded.pixels.buffer, decoded.pixels.byteOffset, decoded.pixels.byteLength),
    );

    const raw = await get(url, 'multipart/related; type=application/octet-stream; transfer-syntax=*');
    expect(raw.headers['content-type']).toMatch(/^multipart\/related; type="image\/jls"/);
    const [rawPart] = readMultipart(raw.headers['content-type'] as string, raw.rawPayload);
    expect(rawPart!.headers.get('content-type')).toBe(`image/jls; transfer-syntax=${TransferSyntax.JPEGLSLossless}`);
    expect(rawPart!.bytes).toEqual(Buffer.from(getFrameBytes(original.dataset, original.transferSyntaxUID, 0)));

    const jls = await get(url, 'multipart/related; type="image/jls"');
    expect(jls.statusCode).toBe(200);
    expect((await get(url, 'multipart/related; type="image/jp2"')).statusCode).toBe(406);
  });
});

describe.skipIf(!databaseUrl)('WADO-RS on PostgreSQL', () => {
  const schema = `lingshu_wado_${randomBytes(6).toString('hex')}`;
  let pgFx: WadoFixture;
  beforeAll(async () => {
    pgFx = await openWadoFixture({ databaseUrl: databaseUrl!, schema });
    await storeAll(pgFx.archive, [
      imageInstance({ study: 'P', series: 'P1', instance: 1 }),
      imageInstance({
        study: 'P',
        series: 'P1',
        instance: 2,
        transferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian,
      }),
    ]);
  });
  afterAll(async () => {
    await pgFx?.close();
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    for (const sql of dropSchemaStatements(schema)) await c.query(sql);
    await c.end();
  });

  it('retrieves stored bytes and study metadata from the PostgreSQL index', async () => {
    const study = uids.study('P');
    const res = await pgFx.app.inject({
      method: 'GET',
      url: `/dicomweb/studies/${study}`,
      headers: { accept: DICOM_ANY },
    });
    const parts = readMultipart(res.headers['content-type'] as string, res.rawPayload);
    expect(parts).toHaveLength(2);
    for (const [i, part] of parts.entries()) {
      const sop = uids.instance('P', 'P1', i + 1);
      expect(Buffer.compare(part.bytes, Buffer.from(await pgFx.archive.readInstance(sop, { kind: 'all' })))).toBe(0);
    }
    const meta = await pgFx.app.inject({ method: 'GET', url: `/dicomweb/studies/${study}/metadata` });
    expect((meta.json() as unknown[]).length).toBe(2);
    expect((await pgFx.app.inject({ method: 'GET', url: `/dicomweb/studies/${uids.study('A')}` })).statusCode).toBe(
      404,
    );
  });
});
