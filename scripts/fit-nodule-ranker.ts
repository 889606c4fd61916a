/**
 * Fits the nodule candidate ranker (packages/analyzer-chest-ct/src/nodules/ranker.ts) on tuning
 * phantoms and writes rankerModel.generated.ts.
 *
 *   tsx scripts/fit-nodule-ranker.ts collect --seeds 1-400 [--step 2 --offset 0] --out FILE.jsonl
 *     draws each seed's scan as `lingshu eval` does, runs lungs + nodules with no confidence floor
 *     and writes every candidate's ranker features with its label, the shipped confidence and its
 *     truth nodule, and the scan's truth list (one JSON line per scan: enough to compare models
 *     offline, sensitivity at 1 FP/scan included);
 *   tsx scripts/fit-nodule-ranker.ts fit FILE.jsonl [FILE.jsonl …]
 *     fits the boosted trees on them and writes the model.
 *
 * Seeds must stay below HELD_OUT_SEED_START (1000): held-out seeds are for reporting only.
 * Collecting takes ≈ 12 s per scan per process; run two `collect`s with --step 2 and offsets 0 and 1
 * on a 2-core machine.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSeriesVolume } from '@lingshu/ai';
import {
  chestCtDescriptor,
  detectNodulesWithStats,
  effectiveParameters,
  fitRanker,
  RANKER_FEATURES,
  type RankerSample,
  rankerFeatures,
  segmentLungs,
  selectSeries,
} from '@lingshu/analyzer-chest-ct';
import {
  evalStudySpec,
  HELD_OUT_SEED_START,
  matchDetections,
  phantomStudyInput,
  type TruthNodule,
  truthNodules,
} from '@lingshu/cli';

/**
 * Loss weight of a found nodule by the target groups (ground glass ≥ 6 mm, solid or
 * part-solid ≥ 5 mm); false positives weigh 1.
 */
function weightOf(t: TruthNodule): number {
  if (t.type === 'ground-glass' && t.meanDiameterMm >= 6) return 5;
  if ((t.type === 'solid' || t.type === 'part-solid') && t.meanDiameterMm >= 5) return 2;
  return 1;
}

/**
 * A collected candidate: the ranker sample, the confidence the shipped analyzer gave it (with the
 * large-lesion floor) and, for a found nodule, the index of its truth nodule. Enough to compare
 * models offline (scratch FROC) without analysing the scans again.
 */
interface CollectedSample extends RankerSample {
  confidence: number;
  truth?: number;
}

interface ScanSamples {
  seed: number;
  features: readonly string[];
  samples: CollectedSample[];
  /** The scan's truth nodules (type, mean diameter): the denominators of the sensitivities. */
  truth?: Array<{ type: string; meanDiameterMm: number }>;
}

async function collectScan(seed: number): Promise<ScanSamples> {
  const { input, truth } = await phantomStudyInput(evalStudySpec(seed));
  const chosen = selectSeries(input, chestCtDescriptor.requirements).chosen;
  if (!chosen) throw new Error(`seed ${seed}: no usable series`);
  const { volume: ct } = await loadSeriesVolume(chosen.series);
  const params = effectiveParameters({ noduleMinConfidence: 0, noduleMaxFindings: 1000 });
  const lungs = segmentLungs(ct, { closingRadiusMm: Number(params.lungClosingRadiusMm) });
  const { nodules, stats } = detectNodulesWithStats(ct, lungs, { parameters: params });
  const found = nodules.flatMap((n) => (n.details ? [n.details] : []));
  const nodulesTruth = truthNodules(truth);
  const match = matchDetections(
    nodulesTruth,
    found.map((d, i) => ({ id: String(i), centerMm: d.centerWorld, confidence: d.confidence })),
  );
  const hit = new Map(match.pairs.map((p) => [p.detection, p.truth]));
  const falsePositive = new Set(match.falsePositives);
  const samples: CollectedSample[] = [];
  found.forEach((d, i) => {
    const x = rankerFeatures(d, stats.parenchymaHu, ct.spacing[2]);
    const t = hit.get(i);
    const truthHit = t === undefined ? undefined : nodulesTruth[t];
    const confidence = d.confidence;
    if (truthHit) samples.push({ x, label: 1, weight: weightOf(truthHit), confidence, truth: t });
    else if (falsePositive.has(i)) samples.push({ x, label: 0, weight: 1, confidence });
    // Further detections of a found nodule are neither (the evaluation's convention).
  });
  // In feature order, not confidence order: the samples (and so the fitted model) do not depend on
  // the ranker that was in place when they were collected.
  samples.sort((a, b) => compareVectors(a.x, b.x) || a.label - b.label);
  const truthFacts = nodulesTruth.map((t) => ({ type: t.type, meanDiameterMm: t.meanDiameterMm }));
  return { seed, features: RANKER_FEATURES, samples, truth: truthFacts };
}

function compareVectors(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function seedRange(text: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (!m) throw new Error(`--seeds must be FIRST-LAST, got ${text}`);
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (first < 1 || last < first || last >= HELD_OUT_SEED_START) {
    throw new Error(`--seeds must lie within 1-${HELD_OUT_SEED_START - 1} (tuning seeds)`);
  }
  return [first, last];
}

async function collect(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' },
      step: { type: 'string' },
      offset: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [first, last] = seedRange(values.seeds ?? '1-100');
  const step = Number(values.step ?? 1);
  const out = values.out;
  if (!out) throw new Error('--out FILE is required');
  const seeds: number[] = [];
  for (let s = first + Number(values.offset ?? 0); s <= last; s += step) seeds.push(s);
  const started = performance.now();
  for (const [n, seed] of seeds.entries()) {
    appendFileSync(out, `${JSON.stringify(await collectScan(seed))}\n`);
    const perScan = (performance.now() - started) / (n + 1) / 1000;
    process.stderr.write(`\rcollect ${n + 1}/${seeds.length} (seed ${seed}, ${perScan.toFixed(1)} s/scan)   `);
  }
  process.stderr.write('\n');
}

function fitModel(files: string[]): void {
  const samples: RankerSample[] = [];
  let scans = 0;
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const scan = JSON.parse(line) as ScanSamples;
      if (scan.features.join() !== RANKER_FEATURES.join()) {
        throw new Error(`${file}: collected with other features; collect again`);
      }
      scans++;
      samples.push(...scan.samples);
    }
  }
  const model = fitRanker(samples, RANKER_FEATURES);
  const positives = samples.filter((s) => s.label === 1).length;
  const text = `// Generated by scripts/fit-nodule-ranker.ts (${scans} tuning scans, ${positives} nodules, ${
    samples.length - positives
  } false positives). Do not edit.
import type { NoduleRanker } from './ranker.js';

export const noduleRanker: NoduleRanker = ${JSON.stringify(model)};
`;
  writeFileSync(
    resolve(import.meta.dirname, '../packages/analyzer-chest-ct/src/nodules/rankerModel.generated.ts'),
    text,
  );
  console.log(`fit-nodule-ranker: ${model.trees.length} trees from ${scans} scans (${samples.length} candidates)`);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'collect') await collect(rest);
else if (command === 'fit') fitModel(rest);
else {
  console.error('usage: fit-nodule-ranker.ts collect --seeds A-B [--step N --offset K] --out FILE | fit FILE…');
  process.exitCode = 2;
}
