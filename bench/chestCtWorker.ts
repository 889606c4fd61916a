/**
 * One timed chest CT analysis, in its own process so its peak memory is its own:
 * `tsx bench/chestCtWorker.ts DIR` reads the series from DIR, runs the analyzer once and prints
 * one JSON line {readSeconds, analyseSeconds, analyseCpuSeconds, status, findings, maxRssKB}.
 */
import { loadChestCtAnalyzer, loadStudyFromPath } from '@lingshu/cli';

const dir = process.argv[2];
if (!dir) throw new Error('usage: chestCtWorker.ts DIR');
const analyzer = await loadChestCtAnalyzer();
const t0 = performance.now();
const { input } = await loadStudyFromPath(dir);
const t1 = performance.now();
const cpu0 = process.cpuUsage();
const outcome = await analyzer.run(input);
const cpu = process.cpuUsage(cpu0);
const t2 = performance.now();
process.stdout.write(
  `${JSON.stringify({
    readSeconds: (t1 - t0) / 1000,
    analyseSeconds: (t2 - t1) / 1000,
    // CPU time of the analysis (all threads of this process): less sensitive to a busy machine than wall time.
    analyseCpuSeconds: (cpu.user + cpu.system) / 1e6,
    status: outcome.status,
    ...(outcome.status === 'ok'
      ? { findings: outcome.findings.length }
      : { reasonCode: outcome.reasonCode, reason: outcome.reason }),
    maxRssKB: process.resourceUsage().maxRSS,
  })}\n`,
);
