import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uidFromName } from '@lingshu/dicom';
import { api } from 'dicomweb-client';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { installFetchXhr } from '../testing/fetchXhr.js';
import { dropSchemaStatements, type TestInstanceSpec, testInstance, testSchema } from '../testing/instances.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('SKIP: QIDO-RS on PostgreSQL needs DATABASE_URL; running on PGlite only');
const backends = [{ name: 'PGlite' }, ...(databaseUrl ? [{ name: 'PostgreSQL' }] : [])];
const schemas: string[] = [];
let removeXhr: () => void;
beforeAll(() => {
  removeXhr = installFetchXhr();
});
afterAll(async () => {
  removeXhr();
  if (!databaseUrl || schemas.length === 0) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  for (const s of schemas) for (const sql of dropSchemaStatements(s)) await c.query(sql);
  await c.end();
});

function instance(spec: TestInstanceSpec, studyDate: string, studyDescription: string): { bytes: Uint8Array } {
  const instanceNumber = Number(spec.instance.slice(1));
  return { bytes: testInstance({ ...spec, instanceNumber, studyDate, studyDescription }) };
}

type Json = Array<Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>>;
const ZHANG = 'Zhang^San=张^三=zhāng^sān';
const first = (r: Json, tag: string): unknown => r[0]?.[tag]?.Value?.[0];

describe.each(backends)('QIDO-RS on $name', ({ name }) => {
  let dir: string;
  let server: RunningServer;
  let base: string;
  const get = async (path: string, accept = 'application/dicom+json') => {
    const res = await fetch(`${base}${path}`, { headers: { accept } });
    const text = await res.text();
    return { res, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const studies = async (query: string): Promise<string[]> => {
    const { res, json } = await get(`/studies?${query}`);
    expect(res.status, JSON.stringify(json)).toBe(200);
    return (json as Json).map((s) => s['00081030']?.Value?.[0] as string).sort();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lingshu-qido-'));
    const schema = testSchema();
    if (name === 'PostgreSQL') schemas.push(schema);
    server = await startServer(
      {
        ...DEFAULT_SERVER_CONFIG,
        dataDir: dir,
        httpPort: 0,
        dicomPort: null,
        demo: false,
        authRequired: false,
        ...(name === 'PostgreSQL' ? { databaseUrl, dbSchema: schema } : {}),
      },
      { log: pino({ level: 'silent' }) },
    );
    base = `${server.httpUrl}/dicomweb`;
    const a = { patientName: ZHANG, patientId: 'PA', study: 'a' };
    const results = await server.archive.storeInstances([
      instance({ ...a, series: 'a1', instance: 'i1' }, '20200110', 'Chest CT'),
      instance({ ...a, series: 'a1', instance: 'i2' }, '20200110', 'Chest CT'),
      instance({ ...a, series: 'a2', instance: 'i3', modality: 'SR' }, '20200110', 'Chest CT'),
      instance(
        { patientName: 'Smith^John', patientId: 'PB', study: 'b', series: 'b1', instance: 'i4', modality: 'MR' },
        '20211231',
        'Head MR',
      ),
      instance({ patientId: 'PC', study: 'c', series: 'c1', instance: 'i5' }, '20220505', 'Low-dose CT'),
    ]);
    expect(results.every((r) => r.status === 'stored')).toBe(true);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers dicomweb-client searches for studies, series and instances', async () => {
    const client = new api.DICOMwebClient({ url: base, verbose: false } as ConstructorParameters<
      typeof api.DICOMwebClient
    >[0]);
    const all = (await client.searchForStudies()) as Json;
    expect(all).toHaveLength(3);
    const found = (await client.searchForStudies({ queryParams: { PatientID: 'PA' } })) as Json;
    expect(found).toHaveLength(1);
    expect(first(found, '0020000D')).toBe(uidFromName('st:a'));
    expect(first(found, '00201206')).toBe(2);
    expect(first(found, '00201208')).toBe(3);
    expect(found[0]?.['00080061']?.Value).toEqual(['CT', 'SR']);
    expect(first(found, '00081190')).toBe(`${base}/studies/${uidFromName('st:a')}`);
    const series = (await client.searchForSeries({
      studyInstanceUID: uidFromName('st:a'),
      queryParams: { Modality: 'CT' },
    })) as Json;
    expect(series).toHaveLength(1);
    expect(first(series, '00201209')).toBe(2);
    const instances = (await client.searchForInstances({
      studyInstanceUID: uidFromName('st:a'),
      seriesInstanceUID: uidFromName('se:a1'),
    })) as Json;
    expect(instances.map((i) => i['00200013']?.Value?.[0])).toEqual([1, 2]);
    expect(first(instances, '00081190')).toBe(
      `${base}/studies/${uidFromName('st:a')}/series/${uidFromName('se:a1')}/instances/${uidFromName('i:i1')}`,
    );
  });

  it('serves every level and relational form with the JSON model (PN objects, numbers, vr)', async () => {
    const st = uidFromName('st:a');
    expect(((await get('/series')).json as Json).length).toBe(4);
    expect(((await get('/instances')).json as Json).length).toBe(5);
    expect(((await get(`/studies/${st}/instances`)).json as Json).length).toBe(3);
    const { res, json } = await get(`/studies?PatientID=PA`);
    expect(res.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
    const s = (json as Json)[0]!;
    expect(s['00100010']).toEqual({
      vr: 'PN',
      Value: [{ Alphabetic: 'Zhang^San', Ideographic: '张^三', Phonetic: 'zhāng^sān' }],
    });
    for (const attr of Object.values(s)) expect(attr.vr).toMatch(/^[A-Z]{2}$/);
    const plain = await get('/studies?PatientID=PA', 'application/json');
    expect(plain.res.headers.get('content-type')).toMatch(/^application\/json/);
    const series = (await get(`/series?StudyInstanceUID=${st}`)).json as Json;
    expect(series[0]?.['00100020']?.Value).toEqual(['PA']);
  });

  it('matches wildcards, date ranges, UID lists, tags as names and modalities in study', async () => {
    expect(await studies('StudyDescription=*CT')).toEqual(['Chest CT', 'Low-dose CT']);
    expect(await studies('StudyDate=20200101-20201231')).toEqual(['Chest CT']);
    expect(await studies('StudyDate=-20211231')).toEqual(['Chest CT', 'Head MR']);
    expect(await studies('00080020=20220101-')).toEqual(['Low-dose CT']);
    expect(await studies(`StudyInstanceUID=${uidFromName('st:a')},${uidFromName('st:b')}`)).toEqual([
      'Chest CT',
      'Head MR',
    ]);
    expect(await studies('ModalitiesInStudy=SR')).toEqual(['Chest CT']);
    expect(await studies('00100020=P?')).toHaveLength(3);
    expect(await studies('StudyDescription=nothing')).toEqual([]);
  }, 60_000);

  it('fuzzy-matches person names by any component in alphabetic, ideographic and phonetic groups', async () => {
    expect(await studies(`PatientName=${encodeURIComponent('张*')}`)).toEqual(['Chest CT']);
    expect(await studies('PatientName=zhang*')).toEqual(['Chest CT']);
    expect(await studies('PatientName=san')).toEqual([]);
    expect(await studies('PatientName=san&fuzzymatching=true')).toEqual(['Chest CT']);
    expect(await studies(`PatientName=${encodeURIComponent('三')}&fuzzymatching=true`)).toEqual(['Chest CT']);
    expect(await studies('PatientName=li&fuzzymatching=true')).toEqual(['Low-dose CT']);
  });

  it('pages with limit and offset and warns (299) when truncated', async () => {
    const page = await get('/studies?limit=2');
    expect((page.json as Json).length).toBe(2);
    expect(page.res.headers.get('warning')).toMatch(/^299 /);
    const rest = await get('/studies?limit=2&offset=2');
    expect((rest.json as Json).length).toBe(1);
    expect(rest.res.headers.get('warning')).toBeNull();
    // Newest study first.
    expect(first(page.json as Json, '00080020')).toBe('20220505');
  });

  it('returns include fields by keyword, tag and all, with absolute BulkDataURIs', async () => {
    const s = (await get('/studies?PatientID=PA&includefield=PhotometricInterpretation,00280010')).json as Json;
    expect(s[0]?.['00280004']).toEqual({ vr: 'CS', Value: ['MONOCHROME2'] });
    expect(s[0]?.['00280010']).toEqual({ vr: 'US', Value: [4] });
    const i = (await get(`/studies/${uidFromName('st:b')}/instances?includefield=all`)).json as Json;
    expect(i[0]?.['00280100']).toEqual({ vr: 'US', Value: [16] });
    expect(i[0]?.['7FE00010']?.BulkDataURI).toBe(
      `${base}/studies/${uidFromName('st:b')}/series/${uidFromName('se:b1')}/instances/${uidFromName('i:i4')}/bulk/7FE00010`,
    );
  });

  it('rejects bad parameters with 400 naming the parameter, and unacceptable media types with 406', async () => {
    const cases: Array<[string, string]> = [
      ['/studies?NotAnAttribute=1', 'NotAnAttribute'],
      ['/studies?StudyDate=2020-01-01', 'StudyDate'],
      ['/studies?StudyDate=20201231-20200101', 'StudyDate'],
      ['/studies?limit=0', 'limit'],
      ['/studies?offset=-1', 'offset'],
      ['/studies?fuzzymatching=maybe', 'fuzzymatching'],
      ['/studies?includefield=Nope', 'includefield'],
      ['/studies?Modality=CT', 'Modality'],
      ['/studies?00080018=1.2.x', '00080018'],
      ['/studies/not-a-uid/series', 'study'],
    ];
    for (const [path, parameter] of cases) {
      const { res, json } = await get(path);
      expect(res.status, path).toBe(400);
      expect(json, path).toMatchObject({ error: { code: 'HTTP_BAD_PARAMETER', details: { parameter } } });
    }
    const xml = await get('/studies', 'multipart/related; type="application/dicom+xml"');
    expect(xml.res.status).toBe(406);
    expect(xml.json).toMatchObject({ error: { code: 'HTTP_NOT_ACCEPTABLE' } });
  });

  it('answers an empty match with 200 [] and ignores unindexed attributes with a warning', async () => {
    const none = await get(`/studies/${uidFromName('st:none')}/series`);
    expect(none.res.status).toBe(200);
    expect(none.json).toEqual([]);
    const ignored = await get('/studies?SliceThickness=5');
    expect((ignored.json as Json).length).toBe(3);
    expect(ignored.res.headers.get('warning')).toContain('SliceThickness');
  });
});
