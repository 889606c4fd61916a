import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { type Analyzer, type AnalyzerOutcome, analysisObjects, analysisResultJson, type Priority } from '@lingshu/ai';
import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/types.js';
import { SYSTEM_PRINCIPAL } from '../auth/principal.js';
import type { ServerEventMap } from '../context.js';
import type { JobsTables } from './migrations.js';
import { loadStudyFacts, loadStudyInput } from './studyFacts.js';

/** What a job carries (no PHI: UIDs, analyzer ids, the reason code). */
export interface AnalyzeJobData {
  studyUid: string;
  analyzerId: string;
  priority: Priority;
  /** Why it was enqueued: `study-stable`, `manual`, `retry`, … */
  reason: string;
  ruleId?: string;
  parameters?: Record<string, number | string | boolean>;
}

export interface RunDeps {
  archive: Archive;
  log: Logger;
  events: EventEmitter<ServerEventMap>;
  analyzers: ReadonlyMap<string, Analyzer>;
  /** Name of this worker (host:pid:n), recorded with each result. */
  worker: string;
  /** Sends the stored SR/SEG series to the configured PACS (errors are logged, not fatal). */
  forward?: (studyUid: string, seriesUid: string) => Promise<unknown>;
  /** The audit trail: storing results into the archive is a PHI write, forwarding an export. */
  audit?: AuditSink;
}

export interface JobOutcome {
  resultPk: string;
  status: AnalyzerOutcome['status'];
  /** True when an earlier run had already stored this result (nothing was redone). */
  reused: boolean;
}

/** sha256 of the sorted input SOP Instance UIDs and the effective parameters. */
export function inputKey(sopUids: readonly string[], parameters: Record<string, unknown>): string {
  const params = Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256')
    .update(JSON.stringify({ sops: [...sopUids].sort(), params }))
    .digest('hex');
}

async function storeObject(archive: Archive, bytes: Uint8Array, institutionPk: string): Promise<void> {
  // Into the study's own institution (the study exists, so it keeps its owner in any case).
  const r = await archive.store({ bytes, source: 'ai-result', institutionPk });
  // Same UID already stored (a re-run after a crash between storing and recording): keep the first.
  if (r.status === 'rejected' && r.error?.code !== 'ARCHIVE_DUPLICATE_CONFLICT')
    throw new LingshuError(r.error?.code ?? 'ARCHIVE_STORAGE_FAILED', 'The AI result object could not be stored');
}

/**
 * Runs one analysis job: loads the study, skips work an earlier attempt finished (same study,
 * analyzer, version and inputs), runs the analyzer, stores SEG and SR as their own series in the
 * study (UIDs derived from the result key, so re-runs never duplicate), records the result row
 * (INSERT … ON CONFLICT DO NOTHING) and announces it.
 */
export async function runAnalyzeJob(
  deps: RunDeps,
  jobId: string,
  data: AnalyzeJobData,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const db = deps.archive.index.db.withTables<JobsTables>();
  const analyzer = deps.analyzers.get(data.analyzerId);
  if (!analyzer) throw new LingshuError('AI_BAD_INPUT', 'No analyzer with this id is installed on the worker');
  const found = await loadStudyFacts(deps.archive, data.studyUid);
  if (!found) throw new LingshuError('ARCHIVE_NOT_FOUND', 'The study is not stored');
  const input = await loadStudyInput(deps.archive, data.studyUid);
  const { id: analyzerId, version } = analyzer.descriptor;
  const parameters = { ...analyzer.descriptor.parameters, ...(data.parameters ?? {}) };
  const sopUids = input.series.flatMap((s) => s.instances.map((i) => i.sopInstanceUID));
  const key = inputKey(sopUids, parameters);
  const unique = { study_uid: data.studyUid, analyzer_id: analyzerId, analyzer_version: version, input_key: key };
  const existing = await db
    .selectFrom('ai_results')
    .select(['pk', 'status'])
    .where('study_uid', '=', unique.study_uid)
    .where('analyzer_id', '=', unique.analyzer_id)
    .where('analyzer_version', '=', unique.analyzer_version)
    .where('input_key', '=', unique.input_key)
    .executeTakeFirst();
  if (existing)
    return { resultPk: String(existing.pk), status: existing.status === 'ok' ? 'ok' : 'not-applicable', reused: true };

  const startedAt = new Date();
  const outcome = await analyzer.run(input, { signal, ...(data.parameters ? { parameters: data.parameters } : {}) });
  if (signal.aborted) throw new LingshuError('AI_CANCELLED', 'The analysis was cancelled or timed out');
  const resultKey = `lingshu-ai/${data.studyUid}/${analyzerId}/${version}/${key}`;
  let sr: { sop: string; series: string } | undefined;
  let seg: { sop: string; series: string } | undefined;
  if (outcome.status === 'ok') {
    const objects = analysisObjects(outcome, input, { resultKey });
    if (objects.seg) {
      await storeObject(deps.archive, objects.seg.bytes, found.owner.institutionPk);
      seg = { sop: objects.seg.sopInstanceUID, series: objects.seg.seriesInstanceUID };
    }
    await storeObject(deps.archive, objects.sr.bytes, found.owner.institutionPk);
    sr = { sop: objects.sr.sopInstanceUID, series: objects.sr.seriesInstanceUID };
  }
  const findings = outcome.status === 'ok' ? outcome.findings.length : 0;
  const inserted = await db
    .insertInto('ai_results')
    .values({
      ...unique,
      study_pk: found.owner.studyPk,
      institution_pk: found.owner.institutionPk,
      status: outcome.status,
      result: JSON.stringify(outcome.status === 'ok' ? analysisResultJson(outcome) : outcome),
      findings,
      sr_sop_uid: sr?.sop ?? null,
      seg_sop_uid: seg?.sop ?? null,
      started_at: startedAt,
      finished_at: new Date(),
      job_id: jobId,
      worker: deps.worker,
    })
    .onConflict((oc) => oc.columns(['study_uid', 'analyzer_id', 'analyzer_version', 'input_key']).doNothing())
    .returning('pk')
    .executeTakeFirst();
  if (!inserted) {
    // Another worker recorded the same result first: report that one.
    const row = await db
      .selectFrom('ai_results')
      .select('pk')
      .where(
        sql<boolean>`(study_uid, analyzer_id, analyzer_version, input_key) = (${unique.study_uid}, ${unique.analyzer_id}, ${unique.analyzer_version}, ${unique.input_key})`,
      )
      .executeTakeFirstOrThrow();
    return { resultPk: String(row.pk), status: outcome.status, reused: true };
  }
  const resultPk = String(inserted.pk);
  await deps.audit?.record({
    action: 'write',
    outcome: 'success',
    principal: SYSTEM_PRINCIPAL,
    resource: { type: 'study', id: data.studyUid, studyUids: [data.studyUid] },
    via: 'ai-worker',
    detail: { analyzerId, status: outcome.status, resultPk, objects: (sr ? 1 : 0) + (seg ? 1 : 0) },
  });
  deps.events.emit('ai-result', {
    studyInstanceUID: data.studyUid,
    analyzerId,
    resultPk,
    status: outcome.status,
    institutionPk: found.owner.institutionPk,
    findings,
  });
  if (deps.forward) {
    for (const series of [seg?.series, sr?.series]) {
      if (!series) continue;
      const code = await deps.forward(data.studyUid, series).then(
        () => undefined,
        (e: unknown) => (e instanceof LingshuError ? e.code : 'INTERNAL'),
      );
      if (code) deps.log.warn({ code, analyzerId }, 'AI result forward failed');
      await deps.audit?.record({
        action: 'export',
        outcome: code ? 'failure' : 'success',
        principal: SYSTEM_PRINCIPAL,
        resource: { type: 'series', id: series, studyUids: [data.studyUid] },
        via: 'C-STORE',
        detail: { analyzerId, ...(code ? { code } : {}) },
      });
    }
  }
  return { resultPk, status: outcome.status, reused: false };
}
