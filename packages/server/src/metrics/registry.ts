/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms
 * with labels. No dependency; one registry per process, passed around (no module state).
 */

export type Labels = Readonly<Record<string, string>>;
type MetricType = 'counter' | 'gauge' | 'histogram';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Default latency buckets in seconds (5 ms … 60 s). */
export const SECONDS_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const parts = names.map((n, i) => `${n}="${escapeLabelValue(values[i] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

abstract class Metric<S> {
  protected readonly series = new Map<string, { values: string[]; state: S }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l === 'le') throw new Error(`invalid label name ${l}`);
  }

  protected entry(labels: Labels, init: () => S): S {
    const values = this.labelNames.map((n) => labels[n] ?? '');
    const key = values.join('\u0000');
    let e = this.series.get(key);
    if (!e) {
      e = { values, state: init() };
      this.series.set(key, e);
    }
    return e.state;
  }

  /** Forgets every series (gauges recomputed from a snapshot). */
  reset(): void {
    this.series.clear();
  }

  abstract samples(): string[];

  render(): string {
    const head = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    const lines = this.samples();
    return head + (lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }
}

export class Counter extends Metric<{ v: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
    super(name, help, 'counter', labelNames);
  }
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error('a counter only goes up');
    this.entry(labels, () => ({ v: 0 })).v += by;
  }
  get(labels: Labels = {}): number {
    return this.entry(labels, () => ({ v: 0 })).v;
  }
  samples(): string[] {
    return [...this.series.values()].map(
      (e) => `${this.name}${labelText(this.labelNames, e.values)} ${formatValue(e.state.v)}`,
    );
  }
}

export class Gauge extends Metric<{ v: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, 'gauge', labelNames);
  }
  set(labels: Labels, v: number): void {
    this.entry(labels, () => ({ v: 0 })).v = v;
  }
  samples(): string[] {
    return [...this.series.values()].map(
      (e) => `${this.name}${labelText(this.labelNames, e.values)} ${formatValue(e.state.v)}`,
    );
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly buckets: readonly number[];
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = SECONDS_BUCKETS,
  ) {
    super(name, help, 'histogram', labelNames);
    const sorted = [...buckets].sort((a, b) => a - b);
    if (sorted.some((b, i) => !Number.isFinite(b) || (i > 0 && b === sorted[i - 1])))
      throw new Error('histogram buckets must be finite and distinct');
    this.buckets = sorted;
  }
  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const s = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count++;
  }
  samples(): string[] {
    const out: string[] = [];
    for (const e of this.series.values()) {
      this.buckets.forEach((b, i) => {
        out.push(
          `${this.name}_bucket${labelText(this.labelNames, e.values, ['le', formatValue(b)])} ${e.state.counts[i] ?? 0}`,
        );
      });
      out.push(`${this.name}_bucket${labelText(this.labelNames, e.values, ['le', '+Inf'])} ${e.state.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, e.values)} ${formatValue(e.state.sum)}`);
      out.push(`${this.name}_count${labelText(this.labelNames, e.values)} ${e.state.count}`);
    }
    return out;
  }
}

/** The content type of the exposition format this registry writes. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class MetricsRegistry {
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();
  private readonly collectors: Array<() => void | Promise<void>> = [];

  private add<M extends Counter | Gauge | Histogram>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.metrics.set(m.name, m);
    return m;
  }
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }
  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }
  /** Runs before each scrape (gauges read from the process or the database). A failing collector is skipped. */
  onCollect(collect: () => void | Promise<void>): void {
    this.collectors.push(collect);
  }
  async render(): Promise<string> {
    await Promise.all(
      this.collectors.map(async (c) => {
        try {
          await c();
        } catch {
          // A collector that cannot read (database busy or closing) leaves its gauges as they were.
        }
      }),
    );
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }
}
