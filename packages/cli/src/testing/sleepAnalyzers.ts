/**
 * Test analyzers for `lingshu worker --analyzers-module` (the multi-worker kill test): `test-sleep`
 * sleeps 100–300 ms per study and appends `start` and `end` records (study UID, pid) to
 * LINGSHU_TEST_RUN_LOG. The first run of the study LINGSHU_TEST_HOLD_STUDY (the one that creates
 * the file LINGSHU_TEST_HOLD_MARKER) waits until it is aborted or its process killed.
 */

import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import type { Analyzer, AnalyzerDescriptor } from '@lingshu/ai';
import { LingshuError } from '@lingshu/dicom';

const descriptor: AnalyzerDescriptor = {
  id: 'test-sleep',
  version: '1.0.0',
  name: { 'zh-CN': '测试: 等待', en: 'Test: sleep' },
  intendedUse: { 'zh-CN': '仅用于测试', en: 'Tests only' },
  requirements: {
    modalities: [],
    bodyParts: [],
    sliceThicknessMm: { min: 0, max: 100 },
    minCoverageMm: 0,
    contrast: 'any',
    minSlices: 0,
  },
  parameters: {},
};

function record(event: 'start' | 'end', study: string): void {
  const log = process.env.LINGSHU_TEST_RUN_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ event, study, pid: process.pid })}\n`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new LingshuError('AI_CANCELLED'));
    });
  });
}

/** True for exactly one caller across processes: the one that creates the marker file. */
function firstHold(): boolean {
  const marker = process.env.LINGSHU_TEST_HOLD_MARKER;
  if (!marker) return false;
  try {
    writeFileSync(marker, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

const sleepAnalyzer: Analyzer = {
  descriptor,
  async run(input, context) {
    const study = input.studyInstanceUID;
    record('start', study);
    const hash = createHash('sha256').update(study).digest().readUInt16BE(0);
    const ms = study === process.env.LINGSHU_TEST_HOLD_STUDY && firstHold() ? 600_000 : 100 + (hash % 201);
    await sleep(ms, context?.signal);
    record('end', study);
    return {
      status: 'not-applicable',
      reason: 'test analyzer',
      reasonCode: 'test',
      analyzerId: descriptor.id,
      analyzerVersion: descriptor.version,
    };
  },
};

export const analyzers: Analyzer[] = [sleepAnalyzer];
