import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame, getFrameBytes, getString, parseDicom, Tags, TransferSyntax } from '@lingshu/dicom';
import { api } from 'dicomweb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../render/testing.js';
import { installFetchXhr } from '../testing/fetchXhr.js';
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

const REAL_CT = join(import.meta.dirname, '../../../../../shared/data/ct/lung-pet-ct-dx-A0002/series-B40f');
const hasRealCt = (() => {
  try {
    return readdirSync(REAL_CT).length > 0;
  } catch {
    return false;
  }
})();
if (!hasRealCt) console.warn(`SKIP: real-CT WADO tests skipped, ${REAL_CT} is absent`);

type Json = Array<Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>>;
interface Uids {
  studyInstanceUID: string;
  seriesInstanceUID?: string;
  sopInstanceUID?: string;
}
/** The part of dicomweb-client's API used here (its typings demand options it does not need). */
interface Client {
  retrieveStudyMetadata(o: Uids): Promise<Json>;
  retrieveSeriesMetadata(o: Uids): Promise<Json>;
  retrieveInstance(o: Uids & { mediaTypes?: unknown[] }): Promise<ArrayBuffer>;
  retrieveInstanceFrames(o: Uids & { frameNumbers: number[]; mediaTypes?: unknown[] }): Promise<ArrayBuffer[]>;
  retrieveBulkData(o: { BulkDataURI: string }): Promise<ArrayBuffer[]>;
}

let fx: WadoFixture;
let removeXhr: () => void;
let client: Client;
let base = '';
let jls = { study: '', series: '', sop: '' };

beforeAll(async () => {
  removeXhr = installFetchXhr();
  fx = await openWadoFixture();
  await storeAll(fx.archive, [imageInstance({ study: 'C', series: 'C1', instance: 1, frames: 2 })]);
  const files = await phantomFiles(smallPhantomSpec(11, TransferSyntax.HTJ2KLossless));
  await storeAll(fx.archive, files);
  const ds = parseDicom(files[0]!).dataset;
  jls = {
    study: getString(ds, Tags.StudyInstanceUID)!,
    series: getString(ds, Tags.SeriesInstanceUID)!,
    sop: getString(ds, Tags.SOPInstanceUID)!,
  };
  const address = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  base = `${address}/dicomweb`;
  client = new api.DICOMwebClient({ url: base, singlepart: false }) as unknown as Client;
});

afterAll(async () => {
  removeXhr?.();
  await fx?.close();
});

describe('dicomweb-client over real HTTP', () => {
  const study = uids.study('C');
  const series = uids.series('C1');
  const sop = uids.instance('C', 'C1', 1);

  it('retrieves study metadata and follows a BulkDataURI', async () => {
    const meta = await client.retrieveStudyMetadata({ studyInstanceUID: study });
    expect(meta).toHaveLength(1);
    expect(meta[0]?.['00080018']?.Value).toEqual([sop]);
    const uri = meta[0]?.['7FE00010']?.BulkDataURI ?? '';
    expect(uri.startsWith(`${base}/studies/${study}/series/${series}/instances/${sop}/bulk/`)).toBe(true);
    const parts = await client.retrieveBulkData({ BulkDataURI: uri });
    expect(parts).toHaveLength(2); // Pixel Data as its two frames
  });

  it('retrieves an instance byte for byte and frames equal to decodeFrame', async () => {
    const bytes = await client.retrieveInstance({
      studyInstanceUID: study,
      seriesInstanceUID: series,
      sopInstanceUID: sop,
    });
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(await fx.archive.readInstance(sop, { kind: 'all' })))).toBe(
      0,
    );
    const frames = await client.retrieveInstanceFrames({
      studyInstanceUID: study,
      seriesInstanceUID: series,
      sopInstanceUID: sop,
      frameNumbers: [2],
    });
    const parsed = parseDicom(await fx.archive.readInstance(sop, { kind: 'all' }));
    const f2 = await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, 1);
    expect(new Int16Array(frames[0]!)).toEqual(f2.pixels);
  });

  it('gets compressed frames as stored with transfer-syntax=* (what Cornerstone asks for)', async () => {
    const uidsOf = { studyInstanceUID: jls.study, seriesInstanceUID: jls.series, sopInstanceUID: jls.sop };
    const raw = await client.retrieveInstanceFrames({
      ...uidsOf,
      frameNumbers: [1],
      mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }],
    });
    const parsed = parseDicom(await fx.archive.readInstance(jls.sop, { kind: 'all' }));
    expect(Buffer.from(raw[0]!)).toEqual(Buffer.from(getFrameBytes(parsed.dataset, parsed.transferSyntaxUID, 0)));
    const decoded = await client.retrieveInstanceFrames({ ...uidsOf, frameNumbers: [1] });
    const f1 = await decodeFrame(parsed.dataset, parsed.transferSyntaxUID, 0);
    expect(Buffer.from(decoded[0]!)).toEqual(Buffer.from(f1.pixels.buffer, f1.pixels.byteOffset, f1.pixels.byteLength));
  });
});

describe.skipIf(!hasRealCt)('real CT (Lung-PET-CT-Dx A0002, implicit VR)', () => {
  it('serves metadata, renders a slice with its own window, and transcodes to explicit VR', async () => {
    const names = readdirSync(REAL_CT)
      .filter((n) => n.endsWith('.dcm'))
      .sort()
      .slice(0, 2);
    const files = names.map((n) => new Uint8Array(readFileSync(join(REAL_CT, n))));
    await storeAll(fx.archive, files);
    const ds = parseDicom(files[0]!).dataset;
    const study = getString(ds, Tags.StudyInstanceUID)!;
    const series = getString(ds, Tags.SeriesInstanceUID)!;
    const sop = getString(ds, Tags.SOPInstanceUID)!;
    const meta = await client.retrieveSeriesMetadata({ studyInstanceUID: study, seriesInstanceUID: series });
    expect(meta).toHaveLength(2);
    expect(meta[0]?.['00281050']?.Value?.length).toBeGreaterThan(0);

    const url = `${base}/studies/${study}/series/${series}/instances/${sop}`;
    const res = await fetch(`${url}/rendered`, { headers: { accept: 'image/png' } });
    expect(res.status).toBe(200);
    const png = decodePng(new Uint8Array(await res.arrayBuffer()));
    expect([png.width, png.height]).toEqual([512, 512]);
    // Air outside the body is below any chest window: the corner is black; the body is not all black.
    expect(png.data[0]).toBe(0);
    expect(png.data.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBeGreaterThan(512 * 512 * 0.2);

    const thumb = await fetch(`${url}/thumbnail`, { headers: { accept: 'image/png' } });
    expect(decodePng(new Uint8Array(await thumb.arrayBuffer())).width).toBe(128);

    const retrieved = await fetch(url);
    const [part] = readMultipart(
      retrieved.headers.get('content-type') ?? '',
      new Uint8Array(await retrieved.arrayBuffer()),
    );
    const sent = parseDicom(part!.bytes);
    expect(sent.transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
    expect(Buffer.from(sent.dataset.get(Tags.PixelData)!.bytes!)).toEqual(Buffer.from(ds.get(Tags.PixelData)!.bytes!));
  });
});
