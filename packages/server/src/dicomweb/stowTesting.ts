import { type Dirent, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import { Dataset, SOPClass, setNumbers, setString, Tags, uidFromName, writeDicom } from '@lingshu/dicom';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../app.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../config.js';
import type { ServerContext, ServerEventMap } from '../context.js';
import { bossSchema } from '../jobs/boss.js';
import { openContext } from '../platform/open.js';

/** A listening test server on a temp data dir (PGlite, non-durable writes), for STOW tests. */
export interface StowTestServer {
  url: string;
  ctx: ServerContext;
  app: FastifyInstance;
  stored: ServerEventMap['instance-stored'][0][];
  /** Every file under the object store (instances and any leftover temp file). */
  countFiles(): number;
  close(): Promise<void>;
}

export async function startStowTestServer(overrides: Partial<ServerConfig> = {}): Promise<StowTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lingshu-stow-'));
  const config: ServerConfig = {
    ...DEFAULT_SERVER_CONFIG,
    dataDir,
    httpPort: 0,
    dicomPort: null,
    demo: false,
    logLevel: 'silent',
    authRequired: false,
    ...overrides,
  };
  // PostgreSQL when the overrides name one (tests pass DATABASE_URL and a fresh schema), else PGlite.
  const archive = await Archive.open({
    dataDir,
    durable: false,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.dbSchema ? { schema: config.dbSchema } : {}),
  });
  const ctx = await openContext(archive, config, pino({ level: config.logLevel }, pino.destination(2)));
  const events = ctx.events;
  const stored: ServerEventMap['instance-stored'][0][] = [];
  events.on('instance-stored', (e) => stored.push(e));
  const app = await buildApp(ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    app,
    stored,
    countFiles: () => countFiles(join(dataDir, 'files')),
    async close() {
      await app.close();
      await ctx.platform.close(); // workers stop before their schema is dropped (see auth/testing.ts)
      if (config.databaseUrl && config.dbSchema) {
        await archive.index.db.schema.dropSchema(config.dbSchema).ifExists().cascade().execute();
        await archive.index.db.schema.dropSchema(bossSchema(archive)).ifExists().cascade().execute();
      }
      await archive.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function countFiles(dir: string): number {
  let n = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.isDirectory()) n += countFiles(join(dir, e.name));
    else n++;
  }
  return n;
}

export interface TestInstanceSpec {
  study: string;
  series: string;
  instance: string;
  pixelValue?: number;
  /** Rows and columns (default 4). */
  matrix?: number;
}

/**
 * A small valid CT Part 10 file; UIDs are `uidFromName('st:'+study)`, `('se:'+series)`, `('i:'+instance)`.
 * (The archive package keeps its own `tinyInstance` test helper private to its package.)
 */
export function testInstance(spec: TestInstanceSpec): Uint8Array {
  const matrix = spec.matrix ?? 4;
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setString(ds, Tags.SOPClassUID, 'UI', SOPClass.CTImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', uidFromName(`i:${spec.instance}`));
  setString(ds, Tags.StudyDate, 'DA', '20260315');
  setString(ds, Tags.Modality, 'CS', 'CT');
  setString(ds, Tags.PatientName, 'PN', 'Wang^Wu=王^五');
  setString(ds, Tags.PatientID, 'LO', 'STOW001');
  setString(ds, Tags.StudyInstanceUID, 'UI', uidFromName(`st:${spec.study}`));
  setString(ds, Tags.SeriesInstanceUID, 'UI', uidFromName(`se:${spec.series}`));
  setNumbers(ds, Tags.InstanceNumber, 'IS', [1]);
  setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
  setString(ds, Tags.PhotometricInterpretation, 'CS', 'MONOCHROME2');
  setNumbers(ds, Tags.Rows, 'US', [matrix]);
  setNumbers(ds, Tags.Columns, 'US', [matrix]);
  setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
  setNumbers(ds, Tags.BitsStored, 'US', [16]);
  setNumbers(ds, Tags.HighBit, 'US', [15]);
  setNumbers(ds, Tags.PixelRepresentation, 'US', [1]);
  setNumbers(ds, Tags.PixelData, 'OW', new Array(matrix * matrix).fill(spec.pixelValue ?? 0));
  return writeDicom({ dataset: ds });
}
