import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { scopeOf as accessOf } from '../institutions/scope.js';
import { bulkBody, bulkElement, isPixelDataPath, parseBulkPath } from './wadoBulk.js';
import { notFound } from './wadoErrors.js';
import { framesBody, negotiateFrames, parseFrameList } from './wadoFrames.js';
import { assertAcceptsDicomJson, metadataFor } from './wadoMetadata.js';
import {
  negotiateRendered,
  parseRenderQuery,
  type RenderQuery,
  renderFramesBody,
  renderImagesBody,
  renderInstance,
  representativeInstance,
  THUMBNAIL_VIEWPORT,
} from './wadoRendered.js';
import {
  acceptOf,
  readParsed,
  resolveInstance,
  resolveInstances,
  scopeOf,
  serviceBase,
  type WadoParams,
} from './wadoResolve.js';
import { negotiateDicom, sendInstances } from './wadoRetrieve.js';
import { handleWadoUri, type WadoUriQuery } from './wadoUri.js';

type Req<P = WadoParams, Q = unknown> = FastifyRequest<{ Params: P; Querystring: Q }>;

/** WADO reads PHI: every route needs study:read (auth/guard.ts). */
const READ = { config: { access: 'study:read' as const, audit: 'read' as const } };

const STUDY = '/studies/:study';
const SERIES = `${STUDY}/series/:series`;
const INSTANCE = `${SERIES}/instances/:instance`;

/** WADO-RS (PS3.18 §10.4) and WADO-URI (§10.3) under /dicomweb. */
export function registerWado(app: FastifyInstance, ctx: ServerContext): void {
  const { archive } = ctx;

  // Retrieve instances (§10.4.1.1.1–3): multipart/related; type="application/dicom".
  const retrieve = async (req: Req, reply: FastifyReply): Promise<FastifyReply> => {
    const files = await resolveInstances(archive, scopeOf(req.params), accessOf(req.principal));
    const plan = negotiateDicom(acceptOf(req), files, req.params.instance !== undefined);
    return sendInstances(reply, archive, files, plan);
  };
  app.get(STUDY, READ, retrieve);
  app.get(SERIES, READ, retrieve);
  app.get(INSTANCE, READ, retrieve);

  // Metadata (§10.4.1.1.2): DICOM JSON from the index, one query per request.
  const metadata = async (req: Req, reply: FastifyReply): Promise<FastifyReply> => {
    assertAcceptsDicomJson(acceptOf(req));
    const body = await metadataFor(archive, scopeOf(req.params), accessOf(req.principal), serviceBase(req));
    return reply.header('content-type', 'application/dicom+json').send(JSON.stringify(body));
  };
  app.get(`${STUDY}/metadata`, READ, metadata);
  app.get(`${SERIES}/metadata`, READ, metadata);
  app.get(`${INSTANCE}/metadata`, READ, metadata);

  // Frames (§10.4.1.1.6).
  app.get(`${INSTANCE}/frames/:frames`, READ, async (req: Req<WadoParams & { frames: string }>, reply) => {
    const file = await resolveInstance(archive, scopeOf(req.params), accessOf(req.principal));
    const frames = parseFrameList(req.params.frames, file.numberOfFrames);
    const plan = negotiateFrames(acceptOf(req), file);
    const { contentType, body } = await framesBody(await readParsed(archive, file), frames, plan);
    return reply.header('content-type', contentType).send(body);
  });

  // Bulk data (§10.4.1.1.5): the BulkDataURIs that metadata hands out; Pixel Data as frames.
  app.get(`${INSTANCE}/bulk/*`, READ, async (req: Req<WadoParams & { '*': string }>, reply) => {
    const path = parseBulkPath(req.params['*']);
    const file = await resolveInstance(archive, scopeOf(req.params), accessOf(req.principal));
    const parsed = await readParsed(archive, file);
    if (isPixelDataPath(path)) {
      const all = Array.from({ length: file.numberOfFrames }, (_, i) => i + 1);
      const { contentType, body } = await framesBody(parsed, all, negotiateFrames(acceptOf(req), file));
      return reply.header('content-type', contentType).send(body);
    }
    const { contentType, body } = bulkBody(acceptOf(req), bulkElement(parsed, path));
    return reply.header('content-type', contentType).send(body);
  });

  // Rendered (§10.4.1.1.4, §8.3.5): study and series (every image frame, multipart), instance
  // (first frame) and frames.
  const renderedImages = async (req: Req<WadoParams, RenderQuery>, reply: FastifyReply): Promise<FastifyReply> => {
    const mediaType = negotiateRendered(acceptOf(req), true);
    const { options, quality } = parseRenderQuery(req.query);
    const files = await resolveInstances(archive, scopeOf(req.params), accessOf(req.principal));
    const { contentType, body } = await renderImagesBody(archive, files, options, mediaType, quality, serviceBase(req));
    return reply.header('content-type', contentType).send(body);
  };
  app.get(`${STUDY}/rendered`, READ, renderedImages);
  app.get(`${SERIES}/rendered`, READ, renderedImages);
  app.get(`${INSTANCE}/rendered`, READ, async (req: Req<WadoParams, RenderQuery>, reply) => {
    const mediaType = negotiateRendered(acceptOf(req));
    const { options, quality } = parseRenderQuery(req.query);
    const file = await resolveInstance(archive, scopeOf(req.params), accessOf(req.principal));
    const image = await renderInstance(archive, file, 0, options, mediaType, quality);
    return reply.header('content-type', mediaType).send(image);
  });
  app.get(
    `${INSTANCE}/frames/:frames/rendered`,
    READ,
    async (req: Req<WadoParams & { frames: string }, RenderQuery>, reply) => {
      const { options, quality } = parseRenderQuery(req.query);
      const file = await resolveInstance(archive, scopeOf(req.params), accessOf(req.principal));
      const frames = parseFrameList(req.params.frames, file.numberOfFrames);
      if (frames.length === 1) {
        const mediaType = negotiateRendered(acceptOf(req));
        const image = await renderInstance(archive, file, (frames[0] ?? 1) - 1, options, mediaType, quality);
        return reply.header('content-type', mediaType).send(image);
      }
      const mediaType = negotiateRendered(acceptOf(req), true);
      const { contentType, body } = await renderFramesBody(archive, file, frames, options, mediaType, quality);
      return reply.header('content-type', contentType).send(body);
    },
  );

  // Thumbnails (§10.4.1.1.7 in PS3.18 2024): a small rendered image; series/study use a middle image.
  const thumbnail = async (req: Req<WadoParams, RenderQuery>, reply: FastifyReply): Promise<FastifyReply> => {
    const mediaType = negotiateRendered(acceptOf(req));
    const { options, quality } = parseRenderQuery(req.query);
    const files = await resolveInstances(archive, scopeOf(req.params), accessOf(req.principal));
    const file = req.params.instance !== undefined ? files[0] : representativeInstance(files);
    if (!file) throw notFound(req.params.series !== undefined ? 'series' : 'study');
    const frame = Math.floor((file.numberOfFrames - 1) / 2);
    const image = await renderInstance(
      archive,
      file,
      frame,
      { ...options, viewport: options.viewport ?? THUMBNAIL_VIEWPORT },
      mediaType,
      quality,
    );
    return reply.header('content-type', mediaType).send(image);
  };
  app.get(`${STUDY}/thumbnail`, READ, thumbnail);
  app.get(`${SERIES}/thumbnail`, READ, thumbnail);
  app.get(`${INSTANCE}/thumbnail`, READ, thumbnail);

  // WADO-URI (§10.3); OHIF's wadoUriRoot points here.
  app.get('/wado', READ, (req: Req<unknown, WadoUriQuery>, reply) =>
    handleWadoUri(archive, req.query, reply, accessOf(req.principal)),
  );
}
