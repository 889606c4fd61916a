import { parentPort } from 'node:worker_threads';
import type { Volume } from '@lingshu/imaging';
import { quantifyEmphysema } from '../emphysema.js';
import { infectionClasses } from '../infection.js';
import { closeSide } from '../lungs/closeSide.js';
import { pleuralDistanceLookup } from '../lungs/pleural.js';
import { blockMeansAsHelper } from '../lungs/segment.js';
import type { LungSegmentation } from '../lungs/types.js';
import { zoneLookup } from '../lungs/zones.js';
import { evaluateSeed } from '../nodules/evaluateSeed.js';
import type { HelperReply, HelperRequest, SharedScan } from './protocol.js';

/*
 * A chest CT helper thread (started by helper.ts through helperWorker.mjs): it holds the scan in
 * shared memory and serves the analyzer's requests one at a time, in the order they arrive.
 */

const port = parentPort;
if (!port) throw new Error('helperWorker.ts runs in a worker thread');
const reply = (message: HelperReply): void => port.postMessage(message);

let scan: SharedScan | undefined;
let lungs: LungSegmentation | undefined;

/** The lung segmentation as the nodule measurements read it, rebuilt around the shared labels. */
function lungsOf(s: SharedScan): LungSegmentation {
  const dims = s.ct.dimensions;
  return {
    labels: s.labels,
    volumesMl: { right: 0, left: 0, total: 0, airway: 0 },
    zoneOf: zoneLookup(s.labels, dims, s.regions),
    pleuralDistanceMm: pleuralDistanceLookup(
      s.labels,
      dims,
      s.grid.labels,
      s.grid.dims,
      s.grid.spacing,
      s.grid.factors,
    ),
    warnings: [],
    regions: s.regions,
  };
}

function serve(request: HelperRequest): void {
  if (request.type === 'blockMeans') {
    blockMeansAsHelper(request.job);
    reply({ type: 'done', id: request.id });
    return;
  }
  if (request.type === 'closeSide') {
    reply({ type: 'closeSide', id: request.id, closing: closeSide(request.job) });
    return;
  }
  if (request.type === 'scan') {
    scan = request.scan;
    lungs = lungsOf(request.scan);
    return;
  }
  if (!scan || !lungs) throw new Error('no scan was sent before the request');
  const ct: Volume = scan.ct;
  if (request.type === 'emphysema') {
    const result = quantifyEmphysema(
      ct.voxels,
      scan.labels,
      ct.dimensions,
      ct.spacing,
      scan.regions,
      request.options,
      scan.grid,
    );
    reply({ type: 'emphysema', id: request.id, result });
    return;
  }
  if (request.type === 'infectionClasses') {
    const classes = infectionClasses({ ...scan.grid, spacing: scan.grid.spacing }, request.options, true);
    reply({ type: 'infectionClasses', id: request.id, classes });
    return;
  }
  const { seeds, parenchymaHu, params, next, id } = request;
  for (let s = Atomics.add(next, 0, 1); s < seeds.length; s = Atomics.add(next, 0, 1)) {
    const seed = seeds[s];
    if (seed) reply({ type: 'seed', id, index: s, outcome: evaluateSeed(ct, lungs, seed, parenchymaHu, params) });
  }
  reply({ type: 'done', id });
}

port.on('message', (request: HelperRequest) => {
  try {
    serve(request);
  } catch (error) {
    const id = request.type === 'scan' ? -1 : request.id;
    reply({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
  }
});
reply({ type: 'ready' });
