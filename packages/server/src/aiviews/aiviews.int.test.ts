/**
 * The viewer's AI extras over the real app with real chest CT results: a baseline and a 6-month
 * follow-up phantom of one patient (64², 5 mm; the nodule doubles in volume) are stored and
 * analysed by the real analyzer (runAnalyzeJob: SEG + SR stored, result row written), then
 * contours and growth are read through the REST API with real logins, tenancy and audit.
 */
import { EventEmitter } from 'node:events';
import type { Finding } from '@lingshu/ai';
import { createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import { ALL_STUDIES } from '@lingshu/archive';
import { generateSeries, studyUid } from '@lingshu/phantom';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, openAuthFixture } from '../auth/testing.js';
import { runAnalyzeJob } from '../jobs/runJob.js';
import { growthPairSpecs } from '../jobs/testing/analyzers.js';
import { insertTestResult } from '../oversight/testing.js';
import type { FindingContours } from './contours.js';
import type { StudyGrowth } from './growth.js';
import type { Polygon } from './outline.js';

const { baseline, followUp } = growthPairSpecs('aiviews', 731);

function inside(poly: Polygon, x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i] as [number, number];
    const [xj, yj] = poly[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

const area = (poly: Polygon): number =>
  Math.abs(
    poly.reduce(
      (a, p, i) =>
        a +
        p[0] * (poly[(i + 1) % poly.length] as [number, number])[1] -
        (poly[(i + 1) % poly.length] as [number, number])[0] * p[1],
      0,
    ),
  ) / 2;

describe('AI contours and nodule growth (real chest CT results)', () => {
  let fx: AuthFixture;
  const cookies: Record<string, string> = {};
  const uids = { baseline: studyUid(baseline, 'study'), followUp: studyUid(followUp, 'study') };
  const pks: Record<string, string> = {};
  let nodule: Finding;

  const get = (user: string, url: string) =>
    fx.app.inject({ method: 'GET', url, headers: { cookie: cookies[user] ?? '' } });

  beforeAll(async () => {
    // PostgreSQL when DATABASE_URL is set (a fresh schema), else PGlite: the analysis is too slow to run on both.
    fx = await openAuthFixture({ databaseUrl: process.env.DATABASE_URL });
    await fx.archive.institutions.create({ code: 'SITE-B', name: '乙医院', kind: 'primary', hubPk: '1' });
    const auth = fx.ctx.platform.auth;
    await auth.createUser({ username: 'rad1', role: 'radiologist', password: 'Correct-Horse-42' });
    await auth.createUser({
      username: 'radB',
      role: 'radiologist',
      password: 'Correct-Horse-42',
      institution: 'SITE-B',
    });
    for (const u of ['rad1', 'radB']) cookies[u] = await fx.login(u);
    const analyzer = createChestCtAnalyzer();
    const deps = {
      archive: fx.archive,
      log: pino({ level: 'silent' }),
      events: new EventEmitter(),
      analyzers: new Map([[analyzer.descriptor.id, analyzer]]),
      worker: 'test',
    };
    for (const [name, spec] of [
      ['baseline', baseline],
      ['followUp', followUp],
    ] as const) {
      for await (const g of generateSeries(spec)) {
        const r = await fx.archive.store({ bytes: g.bytes, source: 'test', institutionPk: '1' });
        expect(r.status).toBe('stored');
      }
      const outcome = await runAnalyzeJob(
        deps as unknown as Parameters<typeof runAnalyzeJob>[0],
        `job-${name}`,
        { studyUid: uids[name], analyzerId: analyzer.descriptor.id, priority: 'routine', reason: 'manual' },
        new AbortController().signal,
      );
      expect(outcome.status).toBe('ok');
      pks[name] = outcome.resultPk;
    }
    const res = await get('rad1', `/api/studies/${uids.followUp}/ai-results`);
    const findings = (res.json().results[0].result.findings ?? []) as Finding[];
    const size = (f: Finding): number => f.measurements.find((m) => m.key === 'volumeMm3')?.value ?? 0;
    // The phantom's nodule: the largest segmented one (a 64² grid has small false positives too).
    const found = findings
      .filter((f) => f.type === 'nodule' && f.segmentNumber !== undefined)
      .sort((a, b) => size(b) - size(a))[0];
    if (!found) throw new Error(`no segmented nodule in ${JSON.stringify(findings.map((f) => f.type))}`);
    nodule = found;
  }, 120_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('outlines the nodule from the stored SEG on the slices it spans', async () => {
    const res = await get('rad1', `/api/ai-results/${pks.followUp}/findings/${nodule.id}/contours`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json() as FindingContours;
    expect(c).toMatchObject({ source: 'segmentation', segmentNumber: nodule.segmentNumber, findingId: nodule.id });
    expect(c.slices.length).toBeGreaterThanOrEqual(2);
    // Every slice is a source image of the analysed series.
    const series = await fx.archive.getSeriesMetadata(c.seriesInstanceUID ?? '', ALL_STUDIES);
    const sops = new Set(series.map((d) => (d as Record<string, { Value?: unknown[] }>)['00080018']?.Value?.[0]));
    for (const s of c.slices) expect(sops.has(s.sopInstanceUID)).toBe(true);
    // The measured slice is outlined and the nodule's centre lies inside its outline.
    const g = nodule.geometry;
    expect(g).toBeDefined();
    const measured = c.slices.find((s) => s.sopInstanceUID === g?.referencedSopInstanceUID);
    expect(measured).toBeDefined();
    const [ci, cj] = g?.centerVoxel ?? [0, 0];
    expect(measured?.polygons.some((p) => inside(p, ci, cj))).toBe(true);
    // Outline areas × pixel spacing² × slice spacing ≈ the reported volume (same voxels).
    const px = 360 / 128;
    const outlined = c.slices.flatMap((s) => s.polygons).reduce((a, p) => a + area(p), 0) * px * px * 5;
    const volume = nodule.measurements.find((m) => m.key === 'volumeMm3')?.value ?? 0;
    expect(outlined / volume).toBeGreaterThan(0.5);
    expect(outlined / volume).toBeLessThan(2);
    if (g?.longAxisWorld) expect(c.longAxisWorld).toEqual(g.longAxisWorld);
  });

  it('falls back to the geometry box without a segmentation; 404 for unknown findings', async () => {
    const { segmentNumber: _s, ...unsegmented } = nodule;
    const pk = await insertTestResult(fx.archive, {
      studyInstanceUID: uids.followUp,
      analyzerId: 'seeded-test',
      institutionPk: '1',
      findings: [unsegmented],
    });
    // The seeded row has no provenance: no series to place the box on, so nothing but the axes.
    const res = await get('rad1', `/api/ai-results/${pk}/findings/${nodule.id}/contours`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as FindingContours).source).toBe('none');
    // With provenance (as a worker writes it): the box on the slices it spans.
    await fx.archive.index.executeSql(
      `UPDATE ai_results SET result = jsonb_set(result, '{provenance}', $2::jsonb) WHERE pk = $1`,
      [
        pk,
        JSON.stringify({
          seriesInstanceUID: (
            await get('rad1', `/api/ai-results/${pks.followUp}/findings/${nodule.id}/contours`)
          ).json().seriesInstanceUID,
        }),
      ],
    );
    const box = (await get('rad1', `/api/ai-results/${pk}/findings/${nodule.id}/contours`)).json() as FindingContours;
    expect(box.source).toBe('geometry');
    expect(box.slices.map((s) => s.sopInstanceUID)).toContain(nodule.geometry?.referencedSopInstanceUID);
    expect(box.slices[0]?.polygons[0]).toHaveLength(4);
    expect((await get('rad1', `/api/ai-results/${pks.followUp}/findings/nope/contours`)).statusCode).toBe(404);
    expect((await get('rad1', `/api/ai-results/999999/findings/${nodule.id}/contours`)).statusCode).toBe(404);
  });

  it('matches the nodule to the prior and reports growth and VDT', async () => {
    const res = await get('rad1', `/api/studies/${uids.followUp}/ai-growth`);
    expect(res.statusCode, res.body).toBe(200);
    const g = res.json() as StudyGrowth;
    expect(g.prior).toMatchObject({ studyInstanceUID: uids.baseline, resultPk: pks.baseline, studyDate: '20240101' });
    expect(g.intervalDays).toBe(182);
    // Alignment: the lung-centre offset from the two SEGs was computed; the better of it and raw
    // positions was kept. The phantom moved the patient by |(3, −2, 5)| = 6.2 mm.
    expect(['lung-centre', 'none']).toContain(g.alignment.method);
    const m = g.nodules.find((n) => n.findingId === nodule.id);
    expect(m, JSON.stringify(g)).toBeDefined();
    expect(m?.priorFindingId).toBeDefined();
    expect(m?.distanceMm ?? 99).toBeLessThan(8);
    // Doubled volume: clearly more (segmentation error on a 64² grid is large), VDT positive and finite.
    expect(m?.volumeChangePercent ?? 0).toBeGreaterThan(30);
    expect(m?.volumeDoublingTimeDays ?? 0).toBeGreaterThan(0);
    expect(m?.volumeDoublingTimeDays ?? 1e9).toBeLessThan(1000);
    expect(m?.growingVolume).toBe(true);
    expect((m?.currentMeanDiameterMm ?? 0) > (m?.priorMeanDiameterMm ?? 0)).toBe(true);
    // The baseline has no earlier study.
    const first = (await get('rad1', `/api/studies/${uids.baseline}/ai-growth`)).json() as StudyGrowth;
    expect(first.prior).toBeNull();
    expect(first.nodules).toEqual([]);
  });

  it('writes the comparison into the report draft of the follow-up', async () => {
    const review = await fx.app.inject({
      method: 'POST',
      url: `/api/ai-results/${pks.followUp}/findings/${nodule.id}/review`,
      headers: { cookie: cookies.rad1 ?? '' },
      payload: { action: 'accept' },
    });
    expect(review.statusCode, review.body).toBe(201);
    const res = await fx.app.inject({
      method: 'POST',
      url: `/api/studies/${uids.followUp}/report`,
      headers: { cookie: cookies.rad1 ?? '' },
      payload: { language: 'zh-CN' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json().report as {
      sections: { findings: string; impression: string };
      structured: {
        findings: Array<{
          id: string;
          growth?: { priorStudyDate: string; intervalDays: number; growingVolume: boolean };
        }>;
      };
    };
    const drafted = report.structured.findings.find((f) => f.id === nodule.id);
    expect(drafted?.growth).toMatchObject({ priorStudyDate: '2024-01-01', intervalDays: 182, growingVolume: true });
    const line = report.sections.findings.split('\n').find((l) => l.includes('较前（2024-01-01，间隔 182 天）'));
    expect(line, report.sections.findings).toMatch(/平均径 \d+\.\d→\d+\.\d mm，体积 \+\d+%/);
    expect(line).toContain('体积');
    expect(report.sections.findings).toMatch(/符合增长（[^）]*体积标准）/);
  });

  it('hides both from another institution (404) and audits the reads', async () => {
    expect((await get('radB', `/api/studies/${uids.followUp}/ai-growth`)).statusCode).toBe(404);
    expect((await get('radB', `/api/ai-results/${pks.followUp}/findings/${nodule.id}/contours`)).statusCode).toBe(404);
    await fx.ctx.platform.audit.flush();
    const { rows } = await fx.archive.index.executeSql(
      `SELECT via FROM audit_log WHERE resource_id = $1 AND action = 'read' ORDER BY seq`,
      [uids.followUp],
    );
    const vias = (rows as Array<{ via: string }>).map((r) => r.via);
    expect(vias).toContain('GET /api/studies/:studyUid/ai-growth');
    expect(vias).toContain('GET /api/ai-results/:resultPk/findings/:findingId/contours');
  });

  it('draws the axes of a finding a reader added from a measurement (source geometry); withdrawn → 404', async () => {
    const g = nodule.geometry;
    if (!g?.referencedSopInstanceUID) throw new Error('the nodule has no measured slice');
    const [x, y, z] = g.centerWorld;
    const geometry = {
      referencedSopInstanceUID: g.referencedSopInstanceUID,
      centerVoxel: g.centerVoxel.map(Math.round),
      longAxisWorld: [
        [x - 5, y, z],
        [x + 5, y, z],
      ],
      shortAxisWorld: [
        [x, y - 3, z],
        [x, y + 3, z],
      ],
    };
    const post = (url: string, payload: unknown) =>
      fx.app.inject({ method: 'POST', url, headers: { cookie: cookies.rad1 ?? '' }, payload: payload as object });
    const added = await post(`/api/ai-results/${pks.followUp}/findings`, {
      finding: { type: 'nodule', noduleType: 'solid', longAxisMm: 10, shortAxisMm: 6, geometry },
    });
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json().findingId as string;
    const res = await get('rad1', `/api/ai-results/${pks.followUp}/findings/${id}/contours`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      source: 'geometry',
      findingId: id,
      slices: [],
      longAxisWorld: geometry.longAxisWorld,
      shortAxisWorld: geometry.shortAxisWorld,
      axesSopInstanceUID: g.referencedSopInstanceUID,
    });
    // Added without a measurement: nothing to draw.
    const plain = await post(`/api/ai-results/${pks.followUp}/findings`, {
      finding: { type: 'nodule', longAxisMm: 5 },
    });
    const none = await get('rad1', `/api/ai-results/${pks.followUp}/findings/${plain.json().findingId}/contours`);
    expect(none.json()).toMatchObject({ source: 'none', axesSopInstanceUID: null, longAxisWorld: null });
    // Withdrawn: gone; another institution: 404 as for AI findings.
    expect((await get('radB', `/api/ai-results/${pks.followUp}/findings/${id}/contours`)).statusCode).toBe(404);
    const withdrawn = await fx.app.inject({
      method: 'DELETE',
      url: `/api/ai-results/${pks.followUp}/findings/${id}`,
      headers: { cookie: cookies.rad1 ?? '' },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((await get('rad1', `/api/ai-results/${pks.followUp}/findings/${id}/contours`)).statusCode).toBe(404);
  });
});
