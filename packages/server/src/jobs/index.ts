export { builtInAnalyzers } from './open.js';
export type { JobListFilter, JobRun, StoredResult } from './queries.js';
export type { AnalyzeJobData } from './runJob.js';
export type { DryRun, EnqueuedJob, JobService } from './service.js';
