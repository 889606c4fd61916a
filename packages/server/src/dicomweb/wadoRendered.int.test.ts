import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../render/testing.js';
import { imageInstance, openWadoFixture, readMultipart, storeAll, uids, type WadoFixture } from './wadoTesting.js';

const ST = uids.study('R');
const SE = uids.series('R1');
const SR_SERIES = uids.series('R-SR');
const MF_SERIES = uids.series('R-MF');
const inst = (n: number): string => `/dicomweb/studies/${ST}/series/${SE}/instances/${uids.instance('R', 'R1', n)}`;
const SR_URL = `/dicomweb/studies/${ST}/series/${SR_SERIES}/instances/${uids.instance('R', 'R-SR', 1)}`;
const MF_URL = `/dicomweb/studies/${ST}/series/${MF_SERIES}/instances/${uids.instance('R', 'R-MF', 1)}`;

let fx: WadoFixture;

beforeAll(async () => {
  fx = await openWadoFixture();
  await storeAll(fx.archive, [
    // Instance 1: values 0, 10, …, 150 and a dataset window (c 50, w 100).
    imageInstance({ study: 'R', series: 'R1', instance: 1, pixel: (i) => i * 10, window: [50, 100] }),
    // Instances 2 and 3: flat images at 20 and 30, no window (min/max default).
    imageInstance({ study: 'R', series: 'R1', instance: 2, pixel: () => 20 }),
    imageInstance({ study: 'R', series: 'R1', instance: 3, pixel: () => 30, photometric: 'MONOCHROME1' }),
    imageInstance({ study: 'R', series: 'R-SR', instance: 1, noPixels: true, seriesNumber: 0 }),
    imageInstance({ study: 'R', series: 'R-MF', instance: 1, frames: 2, rows: 2, columns: 4, seriesNumber: 5 }),
  ]);
});

afterAll(async () => {
  await fx?.close();
});

async function get(url: string, accept?: string) {
  return fx.app.inject({ method: 'GET', url, headers: accept ? { accept } : {} });
}

describe('WADO-RS rendered', () => {
  it('renders PNG with the dataset window (LINEAR, PS3.3 C.11.2.1.2)', async () => {
    const res = await get(`${inst(1)}/rendered`, 'image/png');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = decodePng(res.rawPayload);
    expect([png.width, png.height, png.channels]).toEqual([4, 4, 1]);
    // Pixel 5 holds 50: ((50 - 49.5) / 99 + 0.5) × 255 ≈ 129; pixel 0 (0) is black, pixel 15 (150) white.
    expect(png.data[5]).toBe(129);
    expect(png.data[0]).toBe(0);
    expect(png.data[15]).toBe(255);
  });

  it('takes window=center,width,function and viewport from the query', async () => {
    const res = await get(`${inst(1)}/rendered?window=100,1,linear&viewport=8,8`, 'image/png');
    const png = decodePng(res.rawPayload);
    expect([png.width, png.height]).toEqual([8, 8]);
    expect(png.data[0]).toBe(0);
    expect(png.data[63]).toBe(255);
    const bad = await get(`${inst(1)}/rendered?window=100`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.parameter).toBe('window');
    expect((await get(`${inst(1)}/rendered?viewport=0,4`)).statusCode).toBe(400);
    expect((await get(`${inst(1)}/rendered?quality=101`)).statusCode).toBe(400);
  });

  it('renders JPEG by default; MONOCHROME1 is inverted', async () => {
    const res = await get(`${inst(3)}/rendered`);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const img = jpeg.decode(res.rawPayload, { useTArray: true });
    expect([img.width, img.height]).toEqual([4, 4]);
    // Flat image, min/max window: mid-grey (128), inverted for MONOCHROME1 → 127.
    expect(Math.abs((img.data[0] ?? 0) - 127)).toBeLessThan(4);
    const png = decodePng((await get(`${inst(3)}/rendered?window=0,10`, 'image/png')).rawPayload);
    expect(png.data[0]).toBe(0); // 30 is above the window: white, inverted to black
  });

  it('renders chosen frames, several as multipart', async () => {
    const one = decodePng((await get(`${MF_URL}/frames/2/rendered?window=150,1`, 'image/png')).rawPayload);
    expect([one.width, one.height]).toEqual([4, 2]);
    expect(one.data[0]).toBe(0); // frame 2 pixel 0 = 100 < 150
    expect(one.data[7]).toBe(0);
    const two = await get(`${MF_URL}/frames/1,2/rendered`, 'multipart/related; type="image/png"');
    expect(two.headers['content-type']).toMatch(/^multipart\/related; type="image\/png"/);
    const parts = readMultipart(two.headers['content-type'] as string, two.rawPayload);
    expect(parts.map((p) => decodePng(p.bytes).width)).toEqual([4, 4]);
    expect((await get(`${MF_URL}/frames/3/rendered`)).statusCode).toBe(404);
  });

  it('renders a series and a study: every image frame in order, each part located', async () => {
    const series = await get(
      `/dicomweb/studies/${ST}/series/${SE}/rendered?window=25,1`,
      'multipart/related; type="image/png"',
    );
    expect(series.statusCode).toBe(200);
    expect(series.headers['content-type']).toMatch(/^multipart\/related; type="image\/png"/);
    const seriesParts = readMultipart(series.headers['content-type'] as string, series.rawPayload);
    // Instances 1–3 by number: 0…150 (pixel 0 below 25: black), flat 20 (black), flat 30 inverted (black).
    expect(seriesParts.map((p) => decodePng(p.bytes).data[15])).toEqual([255, 0, 0]);
    expect(seriesParts.map((p) => p.headers.get('content-location'))).toEqual(
      [1, 2, 3].map((n) => `http://localhost:80${inst(n)}/frames/1/rendered`),
    );
    // The study: the SR series has no image and is left out; the two-frame instance gives two parts.
    const study = await get(`/dicomweb/studies/${ST}/rendered`);
    expect(study.statusCode).toBe(200);
    expect(study.headers['content-type']).toMatch(/^multipart\/related; type="image\/jpeg"/);
    const studyParts = readMultipart(study.headers['content-type'] as string, study.rawPayload);
    expect(studyParts.map((p) => jpeg.decode(p.bytes, { useTArray: true }).width)).toEqual([4, 4, 4, 4, 4]);
    expect(studyParts.slice(3).map((p) => p.headers.get('content-location'))).toEqual(
      [1, 2].map((n) => `http://localhost:80${MF_URL}/frames/${n}/rendered`),
    );
    const onlySr = await get(`/dicomweb/studies/${ST}/series/${SR_SERIES}/rendered`);
    expect(onlySr.statusCode).toBe(406);
    expect(onlySr.json().error.code).toBe('RENDER_UNSUPPORTED');
    expect((await get(`/dicomweb/studies/1.2.3.4/rendered`)).statusCode).toBe(404);
    expect((await get(`/dicomweb/studies/${ST}/rendered`, 'application/dicom')).statusCode).toBe(406);
  });

  it('refuses what it cannot render or encode', async () => {
    const sr = await get(`${SR_URL}/rendered`);
    expect(sr.statusCode).toBe(406);
    expect(sr.json().error.code).toBe('RENDER_UNSUPPORTED');
    // Frames of an object without pixels: a coded status before any body, not a cut-short 200.
    const frames = await get(`${SR_URL}/frames/1`);
    expect(frames.statusCode).toBe(404);
    expect(frames.json().error.code).toBe('PIXEL_NO_DATA');
    const gif = await get(`${inst(1)}/rendered`, 'image/gif');
    expect(gif.statusCode).toBe(406);
    expect(gif.json().error.code).toBe('HTTP_NOT_ACCEPTABLE');
  });
});

describe('WADO-RS thumbnails', () => {
  it('instance thumbnails fit 128×128 unless a viewport is given', async () => {
    const png = decodePng((await get(`${inst(1)}/thumbnail`, 'image/png')).rawPayload);
    expect([png.width, png.height]).toEqual([128, 128]);
    // The accept query parameter overrides the header (PS3.18 §8.3.3.1), for plain links.
    const small = decodePng(
      (await get(`${inst(1)}/thumbnail?viewport=2,2&accept=image%2Fpng`, 'image/jpeg')).rawPayload,
    );
    expect([small.width, small.height]).toEqual([2, 2]);
  });

  it('series and study thumbnails show the middle image of the first image series', async () => {
    // Instance 2 (value 20) is the middle of R1: above 15 (white) and below 25 (black).
    const series = `/dicomweb/studies/${ST}/series/${SE}/thumbnail`;
    expect(decodePng((await get(`${series}?window=15,1&viewport=4,4`, 'image/png')).rawPayload).data[0]).toBe(255);
    expect(decodePng((await get(`${series}?window=25,1&viewport=4,4`, 'image/png')).rawPayload).data[0]).toBe(0);
    // The SR series comes first by number but has no images: the study thumbnail skips it.
    const study = await get(`/dicomweb/studies/${ST}/thumbnail?window=15,1&viewport=4,4`, 'image/png');
    expect(study.statusCode).toBe(200);
    expect(decodePng(study.rawPayload).data[0]).toBe(255);
    expect((await get(`/dicomweb/studies/1.2.3.4/thumbnail`)).statusCode).toBe(404);
  });
});

describe('WADO-URI', () => {
  const q = (extra: string, n = 1) =>
    `/dicomweb/wado?requestType=WADO&studyUID=${ST}&seriesUID=${SE}&objectUID=${uids.instance('R', 'R1', n)}${extra}`;

  it('returns the stored file for contentType=application/dicom', async () => {
    const res = await get(q('&contentType=application/dicom'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/dicom');
    const stored = await fx.archive.readInstance(uids.instance('R', 'R1', 1), { kind: 'all' });
    expect(Buffer.compare(res.rawPayload, Buffer.from(stored))).toBe(0);
  });

  it('renders JPEG by default and PNG with window and size parameters', async () => {
    const res = await get(q(''));
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(jpeg.decode(res.rawPayload, { useTArray: true }).width).toBe(4);
    const png = decodePng((await get(q('&contentType=image/png&windowCenter=100&windowWidth=1&rows=8'))).rawPayload);
    expect([png.width, png.height]).toEqual([8, 8]);
    expect(png.data[0]).toBe(0);
    expect(png.data[63]).toBe(255);
    const frame = await get(
      `/dicomweb/wado?requestType=WADO&studyUID=${ST}&seriesUID=${MF_SERIES}&objectUID=${uids.instance('R', 'R-MF', 1)}&contentType=image/png&frameNumber=2&windowCenter=150&windowWidth=1`,
    );
    expect(frame.statusCode).toBe(200);
  });

  it('answers 400 naming a missing or bad parameter, 404 for unknown objects', async () => {
    const missing = await get(`/dicomweb/wado?requestType=WADO&studyUID=${ST}&seriesUID=${SE}`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.parameter).toBe('objectUID');
    const type = await get(q('').replace('requestType=WADO', 'requestType=WADO2'));
    expect(type.json().error.details.parameter).toBe('requestType');
    expect((await get(q('&windowCenter=40'))).json().error.details.parameter).toBe('windowWidth');
    expect((await get(q('&anonymize=yes'))).json().error.details.parameter).toBe('anonymize');
    expect((await get(q('&contentType=text/html'))).json().error.details.parameter).toBe('contentType');
    expect((await get(q('&frameNumber=2'))).statusCode).toBe(400);
    expect((await get(q('', 9))).statusCode).toBe(404);
  });
});
