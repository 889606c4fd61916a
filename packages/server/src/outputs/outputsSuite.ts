import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_STUDIES } from '@lingshu/archive';
import { getNumbers, getString, parseDicom, syntheticCtSeries, tagOf, writeDicom } from '@lingshu/dicom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture, TEST_PASSWORD } from '../auth/testing.js';
import { chestCtResult, seedAiResult } from '../worklist/testing.js';
import { MllpDecoder, mllpFrame } from './hl7/mllp.js';
import { buildAck, parseHl7 } from './hl7/oru.js';
import { DEFAULT_PDF_FONT_PATH } from './pdf.js';
import { outputUids } from './service.js';

/**
 * Outputs of a signed report over the real app: real logins, the report signed through the
 * reports API, 'report-signed' → PDF, encapsulated PDF + SR stored in the archive, FHIR
 * endpoint, HL7 ORU^R01 to a real MLLP listener (node:net) that answers AA or AE.
 * AI findings are a seeded ai_results row (chestCtResult, not produced by running the analyzer)
 * whose geometry points at the stored synthetic slices; readers accept them through the review API.
 */
const haveFont = existsSync(DEFAULT_PDF_FONT_PATH);
if (!haveFont) console.warn(`SKIP: ${DEFAULT_PDF_FONT_PATH} missing — report outputs test not run`);
const has = (tool: string): boolean => spawnSync('which', [tool]).status === 0;

/** The whole outputs flow on one backend (PGlite, or PostgreSQL given `databaseUrl`). */
export function outputsSuite(backend: string, databaseUrl?: string): void {
  describe.skipIf(!haveFont)(`report outputs on signing (${backend})`, () => {
    let fx: AuthFixture;
    let server: Server;
    const received: string[] = [];
    let answer: (n: number) => 'AA' | 'AE' = () => 'AA';
    const cookies: Record<string, string> = {};
    let studyUid = '';
    let otherStudyUid = '';
    const keySlices = { series: '', sops: [] as string[], z: [] as number[] };
    const dir = mkdtempSync(join(tmpdir(), 'lingshu-outputs-'));

    const call = (user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      fx.app.inject({
        method,
        url,
        headers: user ? { cookie: cookies[user] ?? '' } : {},
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });

    beforeAll(async () => {
      server = createServer((sock) => {
        const dec = new MllpDecoder();
        sock.on('data', (chunk: Buffer) => {
          for (const msg of dec.push(chunk)) {
            received.push(msg);
            sock.write(mllpFrame(buildAck(msg, answer(received.length))));
          }
        });
        sock.on('error', () => {});
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      fx = await openAuthFixture({
        ...(databaseUrl ? { databaseUrl } : {}),
        config: {
          hl7Destinations: [
            { name: 'ris', host: '127.0.0.1', port, receivingApplication: 'RIS', receivingFacility: 'SITE-A' },
          ],
        },
      });
      const { archive } = fx;
      const a = await archive.institutions.create({
        code: 'SITE-A',
        name: '甲医院',
        nameEn: 'Hospital A',
        kind: 'primary',
        hubPk: '1',
      });
      await archive.institutions.create({ code: 'SITE-B', name: '乙医院', kind: 'primary', hubPk: '1' });
      const auth = fx.ctx.platform.auth;
      await auth.createUser({
        username: 'rad-a',
        role: 'radiologist',
        institution: 'SITE-A',
        displayName: '王医生',
        password: TEST_PASSWORD,
      });
      await auth.createUser({
        username: 'rad-b',
        role: 'radiologist',
        institution: 'SITE-B',
        displayName: '孙医生',
        password: TEST_PASSWORD,
      });
      cookies['rad-a'] = await fx.login('rad-a');
      cookies['rad-b'] = await fx.login('rad-b');

      for (const name of ['outputs-a', 'outputs-a2']) {
        const series = syntheticCtSeries({ name, size: 32, slices: 2, patientName: '张^三' });
        for (const ds of series) {
          const r = await archive.store({ bytes: writeDicom({ dataset: ds }), source: 'test', institutionPk: a.pk });
          expect(r.status).toBe('stored');
        }
        const uid = getString(series[0]!, tagOf('StudyInstanceUID')) ?? '';
        if (name === 'outputs-a') {
          studyUid = uid;
          keySlices.series = getString(series[0]!, tagOf('SeriesInstanceUID')) ?? '';
          keySlices.sops = series.map((d) => getString(d, tagOf('SOPInstanceUID')) ?? '');
          keySlices.z = series.map((d) => getNumbers(d, tagOf('ImagePositionPatient'))[2] ?? 0);
        } else otherStudyUid = uid;
      }
      // nodule-1 points at its measured slice by SOP UID; nodule-2 only by its centre (the
      // nearest slice by z is taken).
      const result = chestCtResult(studyUid) as {
        findings: Array<Record<string, unknown>>;
        provenance: Record<string, unknown>;
      };
      result.provenance.seriesInstanceUID = keySlices.series;
      const geometry = (z: number, sop?: string) => ({
        centerWorld: [0, 0, z],
        centerVoxel: [16, 16, 0],
        boxVoxel: [14, 14, 0, 18, 18, 1],
        ...(sop ? { referencedSopInstanceUID: sop } : {}),
      });
      const [n1, n2] = result.findings;
      if (n1) n1.geometry = geometry(keySlices.z[0] ?? 0, keySlices.sops[0]);
      if (n2) n2.geometry = geometry((keySlices.z[1] ?? 0) + 0.4);
      const resultPk = await seedAiResult(archive, studyUid, result);
      for (const id of ['nodule-1', 'nodule-2']) {
        const review = await call('rad-a', 'POST', `/api/ai-results/${resultPk}/findings/${id}/review`, {
          action: 'accept',
        });
        expect(review.statusCode, review.body).toBe(201);
      }
      // A nodule the reader added from a length drawn on the second slice.
      const z1 = keySlices.z[1] ?? 0;
      const added = await call('rad-a', 'POST', `/api/ai-results/${resultPk}/findings`, {
        finding: {
          type: 'nodule',
          noduleType: 'solid',
          lobe: 'RML',
          longAxisMm: 6,
          geometry: {
            referencedSopInstanceUID: keySlices.sops[1],
            centerVoxel: [20, 20, 1],
            longAxisWorld: [
              [-3, 0, z1],
              [3, 0, z1],
            ],
          },
        },
      });
      expect(added.statusCode, added.body).toBe(201);
    }, 90_000);

    afterAll(async () => {
      await fx?.close();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      rmSync(dir, { recursive: true, force: true });
    });

    async function signReport(uid: string): Promise<{ pk: string; version: number }> {
      const created = await call('rad-a', 'POST', `/api/studies/${uid}/report`, { language: 'zh-CN' });
      expect(created.statusCode, created.body).toBe(201);
      expect((await call('rad-a', 'POST', '/api/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
      const signed = await call('rad-a', 'POST', `/api/studies/${uid}/report/sign`, { overrideReason: '测试' });
      expect(signed.statusCode, signed.body).toBe(200);
      await fx.ctx.platform.outputs.idle();
      const body = signed.json() as { pk: string; version: number };
      return { pk: body.pk, version: body.version };
    }

    it('on signing: PDF, encapsulated PDF and SR stored, FHIR, HL7 sent — each state recorded and audited', async () => {
      const { pk, version } = await signReport(studyUid);
      const states = await fx.ctx.platform.outputs.states(pk);
      const byKind = Object.fromEntries(states.map((s) => [`${s.kind}${s.target ? `:${s.target}` : ''}`, s]));
      expect(Object.keys(byKind).sort()).toEqual(['encapsulated-pdf', 'fhir', 'hl7:ris', 'pdf', 'sr']);
      for (const s of states) expect(s, JSON.stringify(s)).toMatchObject({ state: 'done', version, errorCode: null });

      // The DOC and SR instances are in the study, with deterministic UIDs.
      const doc = outputUids(pk, version, 'encapsulated-pdf');
      const sr = outputUids(pk, version, 'sr');
      expect(byKind['encapsulated-pdf']?.sopInstanceUID).toBe(doc.sopInstanceUID);
      const docBytes = await fx.archive.readInstance(doc.sopInstanceUID, ALL_STUDIES);
      const docDs = parseDicom(docBytes).dataset;
      expect(getString(docDs, tagOf('StudyInstanceUID'))).toBe(studyUid);
      expect(getString(docDs, tagOf('Modality'))).toBe('DOC');
      const srBytes = await fx.archive.readInstance(sr.sopInstanceUID, ALL_STUDIES);
      expect(getString(parseDicom(srBytes).dataset, tagOf('VerificationFlag'))).toBe('VERIFIED');
      if (has('dciodvfy')) {
        for (const [f, bytes] of [
          ['doc.dcm', docBytes],
          ['sr.dcm', srBytes],
        ] as const) {
          writeFileSync(join(dir, f), bytes);
          const v = spawnSync('dciodvfy', [join(dir, f)], { encoding: 'utf8' });
          expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => l.startsWith('Error'))).toEqual([]);
        }
      }

      // HL7: one ORU^R01 with the sections and the nodules' NM lines.
      expect(received).toHaveLength(1);
      const segs = parseHl7(received[0] ?? '');
      expect(segs[0]?.[8]).toBe('ORU^R01^ORU_R01');
      expect(segs[0]?.[17]).toBe('UNICODE UTF-8');
      expect(segs.filter((s) => s[0] === 'OBX' && s[2] === 'NM').length).toBeGreaterThan(0);
      expect(segs.some((s) => s[0] === 'OBX' && s[2] === 'FT' && (s[3] ?? '').startsWith('18782-3'))).toBe(true);

      // Audited as exports of the report, one per output.
      const { rows } = (await fx.archive.index.executeSql(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'export' AND resource_id = $1`,
        [pk],
      )) as { rows: { n: number }[] };
      expect(rows[0]?.n).toBe(5);
    });

    it('re-running the outputs does not duplicate the stored objects', async () => {
      const pk = (await call('rad-a', 'GET', `/api/studies/${studyUid}/report`)).json().pk as string;
      const report = await fx.ctx.platform.reports.byPk(pk);
      const before = (await fx.archive.findMetadata({ studyUid }, ALL_STUDIES)).length;
      const sentBefore = received.length;
      await fx.ctx.platform.outputs.generate(pk);
      // The RIS already acknowledged this version: not sent again.
      expect(received.length).toBe(sentBefore);
      const after = await fx.archive.findMetadata({ studyUid }, ALL_STUDIES);
      expect(after).toHaveLength(before);
      const docUid = outputUids(pk, report?.version ?? 0, 'encapsulated-pdf').sopInstanceUID;
      expect(after.filter((m) => m.sopUid === docUid)).toHaveLength(1);
    });

    it('GET …/report/pdf downloads the PDF with its key images; other institutions get 404', async () => {
      const res = await call('rad-a', 'GET', `/api/studies/${studyUid}/report/pdf`);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const file = join(dir, 'dl.pdf');
      writeFileSync(file, res.rawPayload);
      if (has('pdftotext') && has('pdfimages')) {
        const text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout;
        expect(text).toContain('影像所见');
        expect(text).toContain('甲医院');
        expect(text).toContain('右肺上叶');
        // Three key images (the third on page 2): nodule-1 (its measured slice), nodule-2 (nearest
        // slice to its centre) and the reader's added nodule (the slice it was measured on).
        const images = spawnSync('pdfimages', ['-list', file], { encoding: 'utf8' }).stdout;
        expect(images.split('\n').filter((l) => /^\s+\d+\s+\d+\s+image/.test(l))).toHaveLength(3);
        expect(text).toMatch(/#\d\s+右肺中叶\s+\(肺窗\)/); // the added nodule's caption
      }
      expect((await call('rad-b', 'GET', `/api/studies/${studyUid}/report/pdf`)).statusCode).toBe(404);
      expect((await call(null, 'GET', `/api/studies/${studyUid}/report/pdf`)).statusCode).toBe(401);
    });

    it('FHIR read and search: application/fhir+json, tenancy, Bundle searchset', async () => {
      const search = await call('rad-a', 'GET', `/fhir/DiagnosticReport?study=${studyUid}`);
      expect(search.statusCode, search.body.slice(0, 300)).toBe(200);
      expect(search.headers['content-type']).toMatch(/^application\/fhir\+json/);
      const bundle = search.json() as {
        resourceType: string;
        type: string;
        total: number;
        entry: { resource: Record<string, unknown> }[];
      };
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      const dr = bundle.entry[0]?.resource as Record<string, unknown> & {
        id: string;
        subject: { reference: string };
        result?: { reference: string }[];
        presentedForm: { contentType: string; data: string }[];
      };
      expect(dr.status).toBe('final');
      expect(dr.presentedForm[0]?.contentType).toBe('application/pdf');
      expect(
        Buffer.from(dr.presentedForm[0]?.data ?? '', 'base64')
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');
      expect(dr.result?.length ?? 0).toBeGreaterThan(0);

      const read = await call('rad-a', 'GET', `/fhir/DiagnosticReport/${dr.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json().id).toBe(dr.id);
      const patient = await call('rad-a', 'GET', `/fhir/${dr.subject.reference}`);
      expect(patient.statusCode).toBe(200);
      expect(patient.json()).toMatchObject({ resourceType: 'Patient', gender: expect.any(String) });
      const study = await call('rad-a', 'GET', `/fhir/ImagingStudy/${studyUid}`);
      expect(study.json()).toMatchObject({ resourceType: 'ImagingStudy', numberOfSeries: expect.any(Number) });
      const obs = await call('rad-a', 'GET', `/fhir/${dr.result?.[0]?.reference}`);
      expect(obs.json()).toMatchObject({
        resourceType: 'Observation',
        valueQuantity: { system: 'http://unitsofmeasure.org' },
      });

      const byPatient = await call(
        'rad-a',
        'GET',
        `/fhir/DiagnosticReport?patient=${dr.subject.reference.split('/')[1]}`,
      );
      expect(byPatient.json().total).toBe(1);
      // Another institution sees nothing.
      expect((await call('rad-b', 'GET', `/fhir/DiagnosticReport/${dr.id}`)).statusCode).toBe(404);
      expect((await call('rad-b', 'GET', `/fhir/DiagnosticReport?study=${studyUid}`)).json().total).toBe(0);
      expect((await call('rad-a', 'GET', '/fhir/Patient/nope')).statusCode).toBe(404);
    });

    it('an addendum: amended outputs of the new version, same series, ORU result status C', async () => {
      const pk = (await call('rad-a', 'GET', `/api/studies/${studyUid}/report`)).json().pk as string;
      const add = await call('rad-a', 'POST', `/api/studies/${studyUid}/report/addenda`, {
        text: '补充：与外院片对比无变化。',
      });
      expect(add.statusCode, add.body).toBe(201);
      const version = (add.json() as { version: number }).version;
      // The addendum is announced like a signature ('report-signed'): its outputs follow by themselves.
      await fx.ctx.platform.outputs.idle();
      const states = (await fx.ctx.platform.outputs.states(pk)).filter((s) => s.version === version);
      expect(states.map((s) => `${s.kind}:${s.state}`).sort()).toEqual([
        'encapsulated-pdf:done',
        'fhir:done',
        'hl7:done',
        'pdf:done',
        'sr:done',
      ]);
      const v1 = outputUids(pk, version - 1, 'encapsulated-pdf');
      const v2 = outputUids(pk, version, 'encapsulated-pdf');
      expect(v2.seriesInstanceUID).toBe(v1.seriesInstanceUID);
      expect(v2.sopInstanceUID).not.toBe(v1.sopInstanceUID);
      const docs = (await fx.archive.findMetadata({ studyUid, seriesUid: v1.seriesInstanceUID }, ALL_STUDIES)).map(
        (m) => m.sopUid,
      );
      expect(docs.sort()).toEqual([v1.sopInstanceUID, v2.sopInstanceUID].sort());
      const obr = parseHl7(received.at(-1) ?? '').find((x) => x[0] === 'OBR');
      expect(obr?.[25]).toBe('C');
      const dr = await call('rad-a', 'GET', `/fhir/DiagnosticReport/report-${pk}`);
      expect(dr.json().status).toBe('amended');
      const pdf = await call('rad-a', 'GET', `/api/studies/${studyUid}/report/pdf`);
      if (has('pdftotext')) {
        const file = join(dir, 'amended.pdf');
        writeFileSync(file, pdf.rawPayload);
        const text = spawnSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout;
        expect(text).toContain('补充报告 1');
        expect(text).toContain('与外院片对比无变化');
      }
    });

    it('a destination answering AE: the error is recorded and the message retried', async () => {
      const before = received.length;
      answer = () => 'AE';
      const { pk } = await signReport(otherStudyUid);
      const hl7 = (await fx.ctx.platform.outputs.states(pk)).find((s) => s.kind === 'hl7');
      expect(hl7).toMatchObject({ state: 'failed', errorCode: 'HL7_SEND_FAILED', attempts: 3 });
      expect(received.length - before).toBe(3);
      answer = () => 'AA';
    }, 20_000);
  });
}
