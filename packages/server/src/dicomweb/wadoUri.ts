import type { AccessScope, Archive, InstanceFile } from '@lingshu/archive';
import type { FastifyReply } from 'fastify';
import type { RenderOptions } from '../render/renderFrame.js';
import { badParameter } from './wadoErrors.js';
import { renderInstance } from './wadoRendered.js';
import { resolveInstance } from './wadoResolve.js';
import { negotiateDicom, sendInstances } from './wadoRetrieve.js';

/** Query parameters of a WADO-URI request (PS3.18 §10.3.1, Table 10.3.1-1 names). */
export type WadoUriQuery = Partial<Record<string, string | string[]>>;

const UID = /^[0-9]+(\.[0-9]+)*$/;
/** Parameters we do not implement; ignoring them could, e.g., leak PHI a client asked to remove. */
const UNSUPPORTED = ['anonymize', 'annotation', 'region', 'presentationUID', 'presentationSeriesUID'];

function one(q: WadoUriQuery, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw badParameter(name, `${name} may be given only once`);
  return v;
}

function uid(q: WadoUriQuery, name: string): string {
  const v = one(q, name);
  if (v === undefined || v === '') throw badParameter(name, `${name} is required`);
  if (v.length > 64 || !UID.test(v)) throw badParameter(name, `${name} is not a valid UID`);
  return v;
}

function positiveInt(q: WadoUriQuery, name: string, max: number): number | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) throw badParameter(name, `${name} must be an integer from 1 to ${max}`);
  return n;
}

type UriContent = 'application/dicom' | 'image/jpeg' | 'image/png';

/** First supported type of the `contentType` list (image/jpeg by default, §10.3.1.1.3 ... Table 10.3-1). */
function contentTypeOf(q: WadoUriQuery): UriContent {
  const raw = one(q, 'contentType');
  if (raw === undefined) return 'image/jpeg';
  for (const item of raw.split(',')) {
    const t = (item.split(';')[0] ?? '').trim().toLowerCase();
    if (t === 'application/dicom' || t === 'image/jpeg' || t === 'image/png') return t;
    if (t === 'image/*' || t === '*/*') return 'image/jpeg';
  }
  throw badParameter('contentType', 'contentType must be application/dicom, image/jpeg or image/png');
}

function renderOptions(q: WadoUriQuery, file: InstanceFile): RenderOptions {
  const options: RenderOptions = {};
  const center = one(q, 'windowCenter');
  const width = one(q, 'windowWidth');
  if ((center === undefined) !== (width === undefined)) {
    throw badParameter(
      center === undefined ? 'windowCenter' : 'windowWidth',
      'windowCenter and windowWidth go together',
    );
  }
  if (center !== undefined && width !== undefined) {
    const c = Number(center);
    const w = Number(width);
    if (center.trim() === '' || !Number.isFinite(c))
      throw badParameter('windowCenter', 'windowCenter must be a number');
    if (!(w > 0)) throw badParameter('windowWidth', 'windowWidth must be a positive number');
    options.window = { center: c, width: w, fn: 'LINEAR' };
  }
  const rows = positiveInt(q, 'rows', 8192);
  const columns = positiveInt(q, 'columns', 8192);
  if (rows !== undefined || columns !== undefined) {
    const r0 = file.rows ?? 1;
    const c0 = file.columns ?? 1;
    // One of the two alone keeps the aspect ratio (§10.3.1.1: the other is derived).
    options.viewport = {
      width: columns ?? Math.max(1, Math.round(((rows ?? r0) * c0) / r0)),
      height: rows ?? Math.max(1, Math.round(((columns ?? c0) * r0) / c0)),
    };
  }
  return options;
}

/** Handles GET …/wado?requestType=WADO&studyUID=&seriesUID=&objectUID=… (PS3.18 §10.3). */
export async function handleWadoUri(
  archive: Archive,
  q: WadoUriQuery,
  reply: FastifyReply,
  access: AccessScope,
): Promise<FastifyReply> {
  const requestType = one(q, 'requestType');
  if (requestType !== 'WADO') throw badParameter('requestType', 'requestType must be WADO');
  const studyUid = uid(q, 'studyUID');
  const seriesUid = uid(q, 'seriesUID');
  const sopUid = uid(q, 'objectUID');
  for (const name of UNSUPPORTED) {
    if (q[name] !== undefined && !(name === 'anonymize' && q[name] === 'no')) {
      throw badParameter(name, `${name} is not supported`);
    }
  }
  const contentType = contentTypeOf(q);
  const file = await resolveInstance(archive, { studyUid, seriesUid, sopUid }, access);
  if (contentType === 'application/dicom') {
    const ts = one(q, 'transferSyntax');
    if (ts !== undefined && !UID.test(ts)) throw badParameter('transferSyntax', 'transferSyntax is not a valid UID');
    const plan = negotiateDicom(`application/dicom${ts ? `; transfer-syntax=${ts}` : ''}`, [file], true);
    return sendInstances(reply, archive, [file], plan);
  }
  const frame = positiveInt(q, 'frameNumber', file.numberOfFrames) ?? 1;
  const quality = positiveInt(q, 'imageQuality', 100) ?? 90;
  const body = await renderInstance(archive, file, frame - 1, renderOptions(q, file), contentType, quality);
  return reply.header('content-type', contentType).send(body);
}
