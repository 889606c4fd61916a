/** QIDO-RS latency and WADO-RS retrieval figures, measured the same way on both archives. */
import { median } from '../stats.js';

export interface LatencyStats {
  medianMs: number;
  p95Ms: number;
  count: number;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx] ?? Number.NaN;
}

export function latencyStats(values: readonly number[]): LatencyStats {
  return { medianMs: median(values), p95Ms: percentile(values, 95), count: values.length };
}

async function timedGet(url: string, accept: string): Promise<{ ms: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { accept } });
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, bytes: body.byteLength, status: res.status };
}

/** Sequential QIDO-RS study searches; returns per-query latencies (after `warmup` unmeasured queries). */
export async function qidoLatencies(dicomweb: string, queries: readonly string[], warmup = 20): Promise<number[]> {
  const out: number[] = [];
  for (const [i, q] of queries.entries()) {
    const r = await timedGet(`${dicomweb}/studies?${q}`, 'application/dicom+json');
    if (r.status !== 200 && r.status !== 204) throw new Error(`QIDO-RS answered ${r.status} for query #${i}`);
    if (i >= warmup) out.push(r.ms);
  }
  return out;
}

/** Full-series WADO-RS retrieval in the stored transfer syntax; returns MB/s. */
export async function seriesRetrieval(
  dicomweb: string,
  study: string,
  series: string,
): Promise<{ mbPerSecond: number; bytes: number }> {
  const r = await timedGet(
    `${dicomweb}/studies/${study}/series/${series}`,
    'multipart/related; type="application/dicom"; transfer-syntax=*',
  );
  if (r.status !== 200) throw new Error(`WADO-RS series retrieval answered ${r.status}`);
  return { mbPerSecond: r.bytes / 1e6 / (r.ms / 1000), bytes: r.bytes };
}

/** First frame of each listed instance, uncompressed; returns latencies in ms. */
export async function firstFrameLatencies(
  dicomweb: string,
  study: string,
  series: string,
  sops: readonly string[],
): Promise<number[]> {
  const out: number[] = [];
  for (const sop of sops) {
    const r = await timedGet(
      `${dicomweb}/studies/${study}/series/${series}/instances/${sop}/frames/1`,
      'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1',
    );
    if (r.status !== 200) throw new Error(`WADO-RS frame retrieval answered ${r.status}`);
    out.push(r.ms);
  }
  return out;
}
