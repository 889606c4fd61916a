/**
 * Per-request cost of STOW-RS ingest, one instance per request: server CPU (from /proc), the
 * benchmark client's own CPU, and wall time per request, for Lingshu (PGlite or PostgreSQL index)
 * or Orthanc, after a warm-up. With `--cpu-prof DIR` the Lingshu server writes a V8 CPU profile.
 *
 *   npx tsx bench/stow-profile.ts --peer lingshu --instances 100 --clients 1
 *   npx tsx bench/stow-profile.ts --peer orthanc
 *   DATABASE_URL=postgres://… npx tsx bench/stow-profile.ts --peer lingshu+pg
 *   npx tsx bench/stow-profile.ts --peer floor          # the least a durable Node.js receiver costs
 *   npx tsx bench/stow-profile.ts --peer floor-nosync   # the same without fdatasync
 *   npx tsx bench/stow-profile.ts --peer floor-journal  # one open file, append + fdatasync per request
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Peer, startFloor, startLingshu, startOrthanc } from './archive/peers.js';
import { stow } from './archive/stow.js';
import { prepareBenchSeries, readAll } from './series.js';
import { fmt, median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    peer: { type: 'string', default: 'lingshu' },
    instances: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '20' },
    clients: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const n = Number(args.instances);
const warmup = Number(args.warmup);
const clients = Number(args.clients);

/** utime + stime of a process and its threads, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function start(): Promise<Peer> {
  const prof = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  if (args.peer === 'orthanc') return startOrthanc();
  if (args.peer === 'floor') return startFloor('sync');
  if (args.peer === 'floor-nosync') return startFloor('nosync');
  if (args.peer === 'floor-journal') return startFloor('journal');
  if (args.peer === 'lingshu+pg') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set');
    return startLingshu(url, prof);
  }
  return startLingshu(undefined, prof);
}

const series = await prepareBenchSeries({ slices: n + warmup, matrix: 512, seed: 42 });
const bytes = await readAll(series.variants.native.files);
const peer = await start();
try {
  for (const b of bytes.slice(0, warmup)) await stow(peer.dicomweb, [b]);
  const rest = bytes.slice(warmup);
  // Quiet gaps around the measured stretch let a CPU profile be cut to it (scripts: cpuprofile).
  const pause = () => new Promise((r) => setTimeout(r, args['cpu-prof'] ? 3000 : 0));
  await pause();
  const walls: number[] = [];
  const server0 = cpuMs(peer.pid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const b = rest[next++];
        if (!b) return;
        const t = performance.now();
        await stow(peer.dicomweb, [b]);
        walls.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  const server = cpuMs(peer.pid) - server0;
  await pause();
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  process.stdout.write(
    `${peer.name} ${rest.length} instances, ${clients} client(s): ${fmt(rest.length / seconds)} inst/s; ` +
      `wall/request median ${fmt(median(walls), 2)} ms; server CPU ${fmt(server / rest.length, 2)} ms/inst; ` +
      `client CPU ${fmt((client.user + client.system) / 1000 / rest.length, 2)} ms/inst; load ${load}\n`,
  );
} finally {
  await peer.stop();
}
