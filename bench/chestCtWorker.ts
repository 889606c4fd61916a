/**
 * One timed chest CT analysis, in its own process so its peak memory is its own:
 * `tsx bench/chestCtWorker.ts DIR [THREADS]` reads the series from DIR, runs the analyzer once
 * (THREADS: its `threads` option) and prints one JSON line {readSeconds, analyseSeconds,
 * analyseCpuSeconds, mainThreadCpuSeconds, stepSeconds, status, findings, maxRssKB}.
 */
import { readFileSync } from 'node:fs';
import { createChestCtAnalyzer } from '@lingshu/analyzer-chest-ct';
import { loadStudyFromPath } from '@lingshu/cli';

const dir = process.argv[2];
if (!dir) throw new Error('usage: chestCtWorker.ts DIR [THREADS]');
const threads = process.argv[3] === undefined ? undefined : Number(process.argv[3]);

/** CPU seconds of this (the main) thread from /proc (Linux); undefined elsewhere. */
function mainThreadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of stat) in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const analyzer = createChestCtAnalyzer(threads === undefined ? {} : { threads });
const t0 = performance.now();
const { input } = await loadStudyFromPath(dir);
const t1 = performance.now();
const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuSeconds();
// Wall seconds per step: from the end of the previous step to the last progress report of this one.
const stepSeconds: Record<string, number> = {};
let stepStart = t1;
let lastStep = '';
let lastAt = t1;
const outcome = await analyzer.run(input, {
  onProgress: (p) => {
    const at = performance.now();
    if (p.step !== lastStep) {
      stepStart = lastAt;
      lastStep = p.step;
    }
    stepSeconds[p.step] = (at - stepStart) / 1000;
    lastAt = at;
  },
});
const cpu = process.cpuUsage(cpu0);
const main1 = mainThreadCpuSeconds();
const t2 = performance.now();
// What follows the last report (the label map and the result) counts with the last step.
if (lastStep) stepSeconds[lastStep] = (t2 - stepStart) / 1000;
process.stdout.write(
  `${JSON.stringify({
    readSeconds: (t1 - t0) / 1000,
    analyseSeconds: (t2 - t1) / 1000,
    // CPU time of the analysis (all threads of this process): less sensitive to a busy machine than wall time.
    analyseCpuSeconds: (cpu.user + cpu.system) / 1e6,
    // The analyzing thread alone: the critical path's CPU (the helper threads work beside it).
    ...(main0 !== undefined && main1 !== undefined ? { mainThreadCpuSeconds: main1 - main0 } : {}),
    stepSeconds,
    status: outcome.status,
    ...(outcome.status === 'ok'
      ? { findings: outcome.findings.length }
      : { reasonCode: outcome.reasonCode, reason: outcome.reason }),
    maxRssKB: process.resourceUsage().maxRSS,
  })}\n`,
);
