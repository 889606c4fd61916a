/** Test helpers for WADO: an app on a temp archive, small instances, a multipart reader, phantom series. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Archive } from '@lingshu/archive';
import {
  Dataset,
  SOPClass,
  setNumbers,
  setString,
  Tags,
  TransferSyntax,
  uidFromName,
  writeDicom,
} from '@lingshu/dicom';
import { generateSeries, type StudySpec } from '@lingshu/phantom';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../app.js';
import { DEFAULT_SERVER_CONFIG } from '../config.js';
import { MultipartParser, parseMediaType } from '../multipart/index.js';
import { openContext } from '../platform/open.js';
import { tinyChestSpec } from '../testing/phantomSpec.js';

export interface WadoFixture {
  app: FastifyInstance;
  archive: Archive;
  close(): Promise<void>;
}

/** The real app (buildApp) on a fresh archive in a temp directory: PGlite, or a PostgreSQL schema. */
export async function openWadoFixture(postgres?: { databaseUrl: string; schema: string }): Promise<WadoFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lingshu-wado-'));
  const archive = await Archive.open({ dataDir, durable: false, ...(postgres ?? {}) });
  const ctx = await openContext(
    archive,
    { ...DEFAULT_SERVER_CONFIG, dataDir, dicomPort: null, demo: false, authRequired: false },
    pino({ level: 'silent' }),
  );
  const app = await buildApp(ctx);
  return {
    app,
    archive,
    close: async () => {
      await app.close();
      await ctx.platform.close();
      await archive.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ImageSpec {
  study: string;
  series: string;
  instance: number;
  rows?: number;
  columns?: number;
  frames?: number;
  /** Stored value of pixel i of frame f (default: i + 100 f). */
  pixel?: (i: number, f: number) => number;
  window?: [center: number, width: number];
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  rescale?: [slope: number, intercept: number];
  transferSyntaxUID?: string;
  /** No pixel data, SR SOP class (not renderable). */
  noPixels?: boolean;
  /** A large binary attribute, served as bulk data (bytes i & 0xff). */
  bulkBytes?: number;
  seriesNumber?: number;
}

export const uids = {
  study: (s: string): string => uidFromName(`wado-st:${s}`),
  series: (s: string): string => uidFromName(`wado-se:${s}`),
  instance: (st: string, se: string, n: number): string => uidFromName(`wado-i:${st}:${se}:${n}`),
};

/** A small Part 10 image (16-bit signed, MONOCHROME2 unless told) with known pixel values. */
export function imageInstance(spec: ImageSpec): Uint8Array {
  const rows = spec.rows ?? 4;
  const columns = spec.columns ?? 4;
  const frames = spec.frames ?? 1;
  const ds = new Dataset();
  setString(ds, Tags.SpecificCharacterSet, 'CS', 'ISO_IR 192');
  setString(ds, Tags.SOPClassUID, 'UI', spec.noPixels ? SOPClass.ComprehensiveSRStorage : SOPClass.CTImageStorage);
  setString(ds, Tags.SOPInstanceUID, 'UI', uids.instance(spec.study, spec.series, spec.instance));
  setString(ds, Tags.StudyDate, 'DA', '20260315');
  setString(ds, Tags.Modality, 'CS', spec.noPixels ? 'SR' : 'CT');
  setString(ds, Tags.PatientName, 'PN', 'Wang^Wu=王^五');
  setString(ds, Tags.PatientID, 'LO', 'W001');
  setString(ds, Tags.StudyInstanceUID, 'UI', uids.study(spec.study));
  setString(ds, Tags.SeriesInstanceUID, 'UI', uids.series(spec.series));
  setNumbers(ds, Tags.SeriesNumber, 'IS', [spec.seriesNumber ?? 1]);
  setNumbers(ds, Tags.InstanceNumber, 'IS', [spec.instance]);
  if (spec.bulkBytes) {
    const bytes = new Uint8Array(spec.bulkBytes).map((_, i) => i & 0xff);
    ds.set({ tag: 0x00091010, vr: 'OB', bytes });
    setString(ds, 0x00090010, 'LO', 'LINGSHU TEST');
  }
  if (!spec.noPixels) {
    setNumbers(ds, Tags.SamplesPerPixel, 'US', [1]);
    setString(ds, Tags.PhotometricInterpretation, 'CS', spec.photometric ?? 'MONOCHROME2');
    setNumbers(ds, Tags.Rows, 'US', [rows]);
    setNumbers(ds, Tags.Columns, 'US', [columns]);
    setNumbers(ds, Tags.BitsAllocated, 'US', [16]);
    setNumbers(ds, Tags.BitsStored, 'US', [16]);
    setNumbers(ds, Tags.HighBit, 'US', [15]);
    setNumbers(ds, Tags.PixelRepresentation, 'US', [1]);
    if (frames > 1) setNumbers(ds, Tags.NumberOfFrames, 'IS', [frames]);
    if (spec.window) {
      setNumbers(ds, Tags.WindowCenter, 'DS', [spec.window[0]]);
      setNumbers(ds, Tags.WindowWidth, 'DS', [spec.window[1]]);
    }
    if (spec.rescale) {
      setNumbers(ds, Tags.RescaleSlope, 'DS', [spec.rescale[0]]);
      setNumbers(ds, Tags.RescaleIntercept, 'DS', [spec.rescale[1]]);
    }
    const px = new Int16Array(rows * columns * frames);
    const value = spec.pixel ?? ((i: number, f: number) => i + 100 * f);
    for (let f = 0; f < frames; f++) for (let i = 0; i < rows * columns; i++) px[f * rows * columns + i] = value(i, f);
    ds.set({ tag: Tags.PixelData, vr: 'OW', bytes: new Uint8Array(px.buffer) });
  }
  return writeDicom({
    dataset: ds,
    transferSyntaxUID: spec.transferSyntaxUID ?? TransferSyntax.ExplicitVRLittleEndian,
  });
}

/** Stores instances, failing the test if any is not stored. */
export async function storeAll(archive: Archive, files: readonly Uint8Array[]): Promise<void> {
  const results = await archive.storeInstances(files.map((bytes) => ({ bytes })));
  const bad = results.filter((r) => r.status !== 'stored');
  if (bad.length > 0) throw new Error(`not stored: ${JSON.stringify(bad.map((r) => r.error))}`);
}

export interface ReceivedPart {
  headers: Map<string, string>;
  bytes: Buffer;
}

/** Splits a multipart/related body with the STOW parser (an independent reader of what WADO writes). */
export function readMultipart(contentType: string | undefined, body: Uint8Array): ReceivedPart[] {
  const mt = parseMediaType(contentType);
  const boundary = mt?.params.get('boundary');
  if (mt?.essence !== 'multipart/related' || !boundary) throw new Error(`not multipart: ${contentType}`);
  const parser = new MultipartParser(boundary);
  const parts: ReceivedPart[] = [];
  let chunks: Buffer[] = [];
  let headers = new Map<string, string>();
  for (const e of [...parser.write(body), ...parser.finish()]) {
    if (e.type === 'part') {
      headers = e.headers;
      chunks = [];
    } else if (e.type === 'data') chunks.push(Buffer.from(e.bytes));
    else if (e.type === 'partEnd') parts.push({ headers, bytes: Buffer.concat(chunks) });
    else if (e.type === 'error') throw e.error;
  }
  return parts;
}

/** A few 32×32 phantom chest slices in the given transfer syntax (fast: tests only). */
export function smallPhantomSpec(seed: number, transferSyntaxUID: string): StudySpec {
  return tinyChestSpec({
    name: 'wado-chest',
    seed,
    transferSyntaxUID,
    patient: { name: 'Zhao^Liu=赵^六', id: 'T0002', sex: 'F' },
  });
}

/** Generates a phantom series in memory. */
export async function phantomFiles(spec: StudySpec): Promise<Uint8Array[]> {
  const files: Uint8Array[] = [];
  for await (const g of generateSeries(spec)) files.push(g.bytes);
  return files;
}
