import cliProgress from 'cli-progress';
import type { OutputStream } from '../context.js';

/** Progress of one long task reported as a fraction and a step name (an analysis, an evaluation). */
export interface StepProgress {
  update(fraction: number, step: string): void;
  stop(): void;
}

export interface StepProgressOptions {
  stream: OutputStream;
  /** Prefix of plain lines (e.g. "Analysing"). */
  label: string;
  quiet?: boolean;
}

/**
 * A cli-progress bar with the current step on a terminal; elsewhere one plain line per new step,
 * so a log still shows where a run is without a line per percent.
 */
export function createStepProgress(options: StepProgressOptions): StepProgress {
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  if (options.stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: options.stream,
        format: `${options.label} {bar} {percentage}% | {step} | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { step: '' });
    let stopped = false;
    return {
      update(fraction, step) {
        bar.update(Math.round(Math.min(1, Math.max(0, fraction)) * 100), { step });
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }
  let lastStep = '';
  return {
    update(fraction, step) {
      if (step === lastStep) return;
      lastStep = step;
      options.stream.write(`${options.label}: ${step} (${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%)\n`);
    },
    stop: () => undefined,
  };
}
