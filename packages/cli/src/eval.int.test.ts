import { describe, expect, it } from 'vitest';
import type { EvalMetrics, ScanOutcome } from './eval/metrics.js';
import { runCli } from './testing/fixtures.js';

interface EvalRecord {
  seeds: { first: number; last: number };
  matrix: number;
  heldOut: boolean;
  quick: boolean;
  peakRssMb: number;
  analyzer: { id: string; version: string };
  metrics: EvalMetrics;
  scans: ScanOutcome[];
}

describe('lingshu eval', () => {
  it('evaluates one small held-out phantom scan end to end and prints a JSON record', async () => {
    const r = await runCli(['eval', '--phantoms', '1', '--seed', '1002', '--quick', '--matrix', '128', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const record = JSON.parse(r.stdout) as EvalRecord;
    expect(record.seeds).toEqual({ first: 1002, last: 1002 });
    expect(record.heldOut).toBe(true);
    expect(record.matrix).toBe(128);
    expect(record.analyzer.id).toBeTruthy();
    expect(record.metrics.scans).toBe(1);
    expect(record.metrics.analysed).toBe(1);
    const scan = record.scans[0]!;
    expect(scan.status).toBe('ok');
    expect(scan.acquisition.matrix).toBe(128);
    expect([1.25, 2.5, 5]).toContain(scan.acquisition.sliceThicknessMm);
    expect(scan.truth.length).toBeGreaterThan(0);
    expect(scan.truthLungRads.every((c) => c === null || /^(1|2|3|4A|4B|4X)$/.test(c))).toBe(true);
    expect(record.metrics.nodules).toBe(scan.truth.length);
    // Every truth nodule: null when found, else the detector's reason (a traced seed's outcome or no-seed).
    expect(scan.missReasons).toHaveLength(scan.truth.length);
    const found = record.metrics.sensitivity.hits;
    expect(scan.missReasons?.filter((m) => m === null)).toHaveLength(found);
    for (const m of scan.missReasons ?? []) if (m !== null) expect(m).toMatch(/^[a-z][a-z-]*$/);
    const missedTargets = [
      record.metrics.atOneFpPerScan.missedBecause.solidOrPartSolidAtLeast5mm,
      record.metrics.atOneFpPerScan.missedBecause.groundGlassAtLeast6mm,
    ].reduce((n, counts) => n + Object.values(counts).reduce((a, b) => a + b, 0), 0);
    const targets = [
      record.metrics.atOneFpPerScan.solidOrPartSolidAtLeast5mm,
      record.metrics.atOneFpPerScan.groundGlassAtLeast6mm,
    ];
    expect(missedTargets).toBe(targets.reduce((n, t) => n + t.total - t.hits, 0));
    expect(record.metrics.froc.map((p) => p.falsePositivesPerScan)).toEqual([0.125, 0.25, 0.5, 1, 2, 4, 8]);
    expect(scan.laa950?.measured).toBeTypeOf('number');
    expect(scan.runtimeMs).toBeGreaterThan(0);
    expect(record.peakRssMb).toBeGreaterThan(0);
  }, 300_000);

  it('usage errors exit 2; the help states the seed ranges', async () => {
    const bad = await runCli(['eval', '--phantoms', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--phantoms must be a positive integer');
    const big = await runCli(['eval', '--matrix', '4096']);
    expect(big.code).toBe(2);
    const help = await runCli(['eval', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('held-out seeds ≥ 1000');
  }, 120_000);
});
