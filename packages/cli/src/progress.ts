import cliProgress from 'cli-progress';
import type { OutputStream } from './context.js';
import type { Translate } from './i18n.js';

/** Progress of a run over a known number of files and bytes. */
export interface Progress {
  /** Marks files done, adding the bytes they held. */
  tick(files: number, bytes: number): void;
  stop(): void;
}

export interface ProgressOptions {
  totalFiles: number;
  stream: OutputStream;
  t: Translate;
  /** Seconds between plain lines when the stream is not a terminal (default 2). */
  plainIntervalSeconds?: number;
  /** What is counted (default files). */
  unit?: 'files' | 'studies' | 'events';
  /** No output at all (e.g. `--json` into a pipe). */
  quiet?: boolean;
}

function rate(amount: number, startedAt: number): string {
  const seconds = Math.max((performance.now() - startedAt) / 1000, 1e-3);
  return (amount / seconds).toFixed(1);
}

/**
 * A cli-progress bar (files/s, MB/s) on a terminal; otherwise a plain line every few seconds, so a
 * log file or CI output still shows the run is alive.
 */
export function createProgress(options: ProgressOptions): Progress {
  const startedAt = performance.now();
  let files = 0;
  let bytes = 0;
  const payload = (): { filesPerSec: string; mbPerSec: string } => ({
    filesPerSec: rate(files, startedAt),
    mbPerSec: rate(bytes / 1e6, startedAt),
  });
  if (options.quiet) return { tick: () => undefined, stop: () => undefined };

  if (options.stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: options.stream,
        format:
          options.unit === 'studies' || options.unit === 'events'
            ? `{bar} {value}/{total} | ETA {eta_formatted}`
            : `{bar} {percentage}% | {value}/{total} | {filesPerSec} files/s | {mbPerSec} MB/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.totalFiles, 0, payload());
    let stopped = false;
    return {
      tick(n, b) {
        files += n;
        bytes += b;
        bar.update(files, payload());
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.update(files, payload());
        bar.stop();
      },
    };
  }

  const interval = (options.plainIntervalSeconds ?? 2) * 1000;
  let lastLine = startedAt;
  let stopped = false;
  let printed = 0;
  const line = (): void => {
    printed = files;
    const key =
      options.unit === 'studies' ? 'demo.progress' : options.unit === 'events' ? 'audit.progress' : 'import.progress';
    options.stream.write(`${options.t(key, { done: files, total: options.totalFiles, ...payload() })}\n`);
  };
  return {
    tick(n, b) {
      files += n;
      bytes += b;
      const now = performance.now();
      if (now - lastLine >= interval) {
        lastLine = now;
        line();
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (files > 0 && printed !== files) line();
    },
  };
}
