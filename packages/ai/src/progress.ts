import { LingshuError } from '@lingshu/dicom';
import type { AnalyzerContext, Progress } from './contract.js';

/** A step of an analysis with its share of the total work (weights need not sum to 1). */
export interface StepPlan {
  step: string;
  weight: number;
}

export interface ProgressTracker {
  /** Reports `fraction` (0..1) of `step` done; monotone overall. */
  report(step: string, fraction: number): void;
  /** Throws AI_CANCELLED when the context's signal has fired. */
  checkCancelled(): void;
}

/**
 * Maps per-step fractions to one overall fraction and checks cancellation between steps. The
 * overall fraction never goes backwards, so a UI progress bar does not jump.
 */
export function progressTracker(plan: readonly StepPlan[], context: AnalyzerContext = {}): ProgressTracker {
  const total = plan.reduce((s, p) => s + p.weight, 0) || 1;
  const before = new Map<string, number>();
  let acc = 0;
  for (const p of plan) {
    before.set(p.step, acc);
    acc += p.weight;
  }
  let last = 0;
  return {
    report(step, fraction) {
      const start = before.get(step);
      if (start === undefined) return;
      const weight = plan.find((p) => p.step === step)?.weight ?? 0;
      const overall = Math.min(1, (start + weight * Math.max(0, Math.min(1, fraction))) / total);
      if (overall < last) return;
      last = overall;
      const p: Progress = { fraction: overall, step };
      context.onProgress?.(p);
    },
    checkCancelled() {
      if (context.signal?.aborted) throw cancelledError();
    },
  };
}

export function cancelledError(): LingshuError {
  return new LingshuError('AI_CANCELLED', 'The analysis was cancelled');
}
