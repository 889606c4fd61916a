import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';
import { MetricsRegistry } from './registry.js';

describe('metrics registry', () => {
  it('writes counters, gauges and histograms that the exposition reader accepts', async () => {
    const r = new MetricsRegistry();
    const c = r.counter('lingshu_things_total', 'Things seen.\nSecond line', ['source']);
    const g = r.gauge('lingshu_level', 'A level');
    const h = r.histogram('lingshu_wait_seconds', 'Waits', ['route'], [0.1, 1]);
    c.inc({ source: 'stow' });
    c.inc({ source: 'stow' }, 2);
    c.inc({ source: 'a"b\\c\nd' });
    g.set({}, 1.5);
    h.observe({ route: '/x/:id' }, 0.05);
    h.observe({ route: '/x/:id' }, 0.5);
    h.observe({ route: '/x/:id' }, 5);
    const text = await r.render();
    const families = parseExposition(text);
    expect(families.get('lingshu_things_total')?.type).toBe('counter');
    expect(families.get('lingshu_things_total')?.help).toBe('Things seen.\\nSecond line');
    const things = families.get('lingshu_things_total')?.samples ?? [];
    expect(things.find((s) => s.labels.source === 'stow')?.value).toBe(3);
    // Escapes round-trip.
    expect(things.find((s) => s.labels.source === 'a"b\\c\nd')?.value).toBe(1);
    expect(families.get('lingshu_level')?.samples[0]?.value).toBe(1.5);
    const wait = families.get('lingshu_wait_seconds')?.samples ?? [];
    expect(wait.filter((s) => s.name.endsWith('_bucket')).map((s) => [s.labels.le, s.value])).toEqual([
      ['0.1', 1],
      ['1', 2],
      ['+Inf', 3],
    ]);
    expect(wait.find((s) => s.name === 'lingshu_wait_seconds_sum')?.value).toBeCloseTo(5.55);
  });

  it('refuses bad names, falling counters and duplicate registration', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter('bad-name_total', 'x')).toThrow();
    expect(() => r.counter('lingshu_no_suffix', 'x')).toThrow();
    expect(() => r.histogram('lingshu_h', 'x', ['le'])).toThrow();
    const c = r.counter('lingshu_ok_total', 'x');
    expect(() => c.inc({}, -1)).toThrow();
    expect(() => r.gauge('lingshu_ok_total', 'x')).toThrow();
  });

  it('keeps going when a collector fails', async () => {
    const r = new MetricsRegistry();
    const g = r.gauge('lingshu_g', 'x');
    r.onCollect(() => {
      throw new Error('db closed');
    });
    r.onCollect(async () => g.set({}, 7));
    expect(parseExposition(await r.render()).get('lingshu_g')?.samples[0]?.value).toBe(7);
  });
});

describe('exposition reader', () => {
  const bad: Array<[string, string]> = [
    ['no final newline', '# TYPE a gauge\na 1'],
    ['bad value', '# TYPE a gauge\na one\n'],
    ['unterminated label', '# TYPE a gauge\na{x="1} 1\n'],
    ['bad escape', '# TYPE a gauge\na{x="\\t"} 1\n'],
    ['duplicate series', '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n'],
    ['split family', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="2"} 1\n'],
    ['counter without _total', '# TYPE a counter\na 1\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    [
      'non-cumulative buckets',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="2"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n',
    ],
    ['+Inf differs from count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ];
  it.each(bad)('rejects %s', (_what, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
  it('accepts a well-formed histogram and special values', () => {
    const f = parseExposition(
      '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n# TYPE g gauge\ng NaN\ng{a="b"} -Inf\n',
    );
    expect(f.get('h')?.samples).toHaveLength(4);
    expect(f.get('g')?.samples[1]?.value).toBe(Number.NEGATIVE_INFINITY);
  });
});
