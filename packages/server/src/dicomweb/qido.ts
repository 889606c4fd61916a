import { type AttributeMatch, BULK_PLACEHOLDER_PREFIX, type QueryLevel, type QueryResponse } from '@lingshu/archive';
import type { DicomJsonDataset } from '@lingshu/dicom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { qidoAudit } from '../audit/dicomweb.js';
import type { ServerContext } from '../context.js';
import { requireAccept } from '../http/accept.js';
import { scopeOf } from '../institutions/scope.js';
import { asParameterError, parseQido, pathUid } from './qidoParams.js';

const STUDY = '0020000D';
const SERIES = '0020000E';
const SOP = '00080018';
const RETRIEVE_URL = '00081190';

/** DICOM JSON first; plain JSON for clients that ask for it (PS3.18 §10.6.3: application/dicom+json). */
const OFFERED = ['application/dicom+json', 'application/json'];

interface Params {
  study?: string;
  series?: string;
}

function uidOf(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return typeof v === 'string' ? v : undefined;
}

/** Rewrites the archive's `bulk:` placeholders to this instance's bulk data route (as WADO-RS serves it). */
function rewriteBulk(ds: DicomJsonDataset, instanceUrl: string, path: readonly string[]): void {
  for (const [key, attr] of Object.entries(ds)) {
    if (attr.BulkDataURI?.startsWith(BULK_PLACEHOLDER_PREFIX)) {
      attr.BulkDataURI = `${instanceUrl}/bulk/${[...path, key].join('/')}`;
    } else if (attr.vr === 'SQ' && attr.Value) {
      attr.Value.forEach((item, i) => {
        if (item && typeof item === 'object')
          rewriteBulk(item as DicomJsonDataset, instanceUrl, [...path, key, String(i)]);
      });
    }
  }
}

/** Adds RetrieveURL (PS3.18 Tables 10.6.3-3..5) and absolute BulkDataURIs. */
function decorate(ds: DicomJsonDataset, level: QueryLevel, base: string): DicomJsonDataset {
  const study = uidOf(ds, STUDY);
  const series = uidOf(ds, SERIES);
  const sop = uidOf(ds, SOP);
  let url: string | undefined;
  if (study) url = `${base}/studies/${study}`;
  if (url && series && level !== 'STUDY') url += `/series/${series}`;
  if (url && sop && level === 'IMAGE') {
    url += `/instances/${sop}`;
    rewriteBulk(ds, url, []);
  }
  if (url) ds[RETRIEVE_URL] = { vr: 'UR', Value: [url] };
  return ds;
}

/** Warning headers (PS3.18 §8.3.4.4 and §10.6.3.2) as `299 <agent> "<text>"`. */
function warnings(result: QueryResponse, names: Map<string, string>): string[] {
  const out: string[] = [];
  if (result.truncated)
    out.push(
      '299 lingshu "The number of results exceeded the maximum supported by the server. Additional results can be requested."',
    );
  if (result.ignoredMatches.length > 0) {
    const list = result.ignoredMatches.map((t) => names.get(t) ?? t).join(', ');
    out.push(`299 lingshu "The following attributes were not supported for matching and were ignored: ${list}"`);
  }
  return out;
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/dicomweb`;
}

/** QIDO-RS (PS3.18 §10.6) under /dicomweb: studies, series and instances, all relational forms. */
export function registerQido(app: FastifyInstance, ctx: ServerContext): void {
  const search =
    (level: QueryLevel) =>
    async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<string> => {
      const mediaType = requireAccept(request, OFFERED);
      const scope: AttributeMatch[] = [];
      if (request.params.study) scope.push({ tag: STUDY, value: pathUid('study', request.params.study) });
      if (request.params.series) scope.push({ tag: SERIES, value: pathUid('series', request.params.series) });
      const search = new URL(request.url, 'http://localhost').searchParams;
      const { request: query, names } = parseQido(level, search, scope);
      let result: QueryResponse;
      try {
        result = await ctx.archive.query(query, scopeOf(request.principal));
      } catch (e) {
        throw asParameterError(e, names);
      }
      const base = baseUrl(request);
      request.audit = qidoAudit(level, result.results);
      const body = result.results.map((ds) => decorate(ds, level, base));
      const warn = warnings(result, names);
      if (warn.length > 0) reply.header('warning', warn);
      reply.header('content-type', `${mediaType}; charset=utf-8`);
      return JSON.stringify(body);
    };
  const READ = { config: { access: 'study:read' as const, audit: 'query' as const } };
  app.get('/studies', READ, search('STUDY'));
  app.get('/series', READ, search('SERIES'));
  app.get('/instances', READ, search('IMAGE'));
  app.get('/studies/:study/series', READ, search('SERIES'));
  app.get('/studies/:study/instances', READ, search('IMAGE'));
  app.get('/studies/:study/series/:series/instances', READ, search('IMAGE'));
}
