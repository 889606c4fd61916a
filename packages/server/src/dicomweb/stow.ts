import type { Readable } from 'node:stream';
import { isValidUid, LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stowAudit } from '../audit/dicomweb.js';
import type { ServerContext } from '../context.js';
import { multipartBoundary, parseMediaType } from '../multipart/mediaType.js';
import { MultipartStreamError, readParts } from '../multipart/readParts.js';
import { stowFailureReason } from './stowFailure.js';
import { stowOwner } from './stowOwner.js';
import { failed, type PartOutcome, storePart } from './stowPart.js';
import { buildStowResponse } from './stowResponse.js';

/** Parts being validated/stored at once: lets the archive micro-batch without unbounded buffering. */
const MAX_PARTS_IN_FLIGHT = 32;
const MAX_BYTES_IN_FLIGHT = 8 * 1024 * 1024;

/**
 * STOW-RS (PS3.18 §10.5): `POST /studies` and `POST /studies/{study}` with
 * `multipart/related; type="application/dicom"` bodies (PS3.18 §8.6.1.2). The body is parsed as
 * it streams in; each part is stored as soon as it is complete.
 */
/** STOW stores studies: study:write (auth/guard.ts). */
const WRITE = { config: { access: 'study:write' as const, audit: 'write' as const } };

export function registerStow(app: FastifyInstance, ctx: ServerContext): void {
  app.register(async (scope) => {
    // Own encapsulated scope: every body reaches the handler as the raw stream, unread, so the
    // handler (not a generic parser) decides about media types and sizes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post('/studies', WRITE, (req, reply) => handleStow(ctx, req, reply, undefined));
    scope.post<{ Params: { study: string } }>('/studies/:study', WRITE, (req, reply) =>
      handleStow(ctx, req, reply, req.params.study),
    );
  });
}

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).iterator === 'function';
}

/** The request parts of `…/dicomweb`, for RetrieveURLs (no configured public URL yet). */
function baseUrl(req: FastifyRequest): string {
  const path = req.url.slice(0, req.url.indexOf('/studies'));
  return `${req.protocol}://${req.host}${path}`;
}

async function handleStow(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
  study: string | undefined,
): Promise<FastifyReply> {
  // Anything rejected before the body is read closes the connection: the unread body is not drained.
  reply.header('connection', 'close');
  const media = parseMediaType(req.headers['content-type']);
  if (media?.essence !== 'multipart/related') {
    throw new LingshuError(
      'HTTP_UNSUPPORTED_MEDIA_TYPE',
      'STOW-RS accepts multipart/related; type="application/dicom"',
    );
  }
  const rootType = media.params.get('type')?.toLowerCase();
  if (rootType !== undefined && rootType !== 'application/dicom') {
    // PS3.18 also defines application/dicom+json (or +xml) metadata with bulk-data parts; not supported.
    throw new LingshuError(
      'HTTP_UNSUPPORTED_MEDIA_TYPE',
      'Only multipart/related; type="application/dicom" is accepted',
      {
        details: { parameter: 'type' },
      },
    );
  }
  const boundary = multipartBoundary(media);
  if (study !== undefined && !isValidUid(study)) {
    throw new LingshuError('HTTP_BAD_PARAMETER', 'The study in the path is not a valid UID', {
      details: { parameter: 'study' },
    });
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > ctx.config.maxUploadBytes) {
    throw new LingshuError('HTTP_PAYLOAD_TOO_LARGE', 'The request body is larger than allowed', {
      details: { limitBytes: ctx.config.maxUploadBytes },
    });
  }
  const owner = await stowOwner(ctx, req);
  const body = isReadable(req.body) ? req.body : req.raw;

  const outcomes: PartOutcome[] = [];
  const inflight = new Map<number, Promise<void>>();
  let inflightBytes = 0;
  let streamError: LingshuError | undefined;
  let incompletePart = -1;
  try {
    // destroyOnReturn false: stopping early must not destroy the socket the response goes out on.
    const source = body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
    const parts = readParts(source, {
      boundary,
      maxPartBytes: ctx.config.maxInstanceBytes,
      maxTotalBytes: ctx.config.maxUploadBytes,
    });
    for await (const part of parts) {
      const size = part.bytes.length;
      inflightBytes += size;
      const task = storePart(ctx, part, {
        defaultType: rootType,
        study,
        owner,
        ...(req.principal ? { principal: req.principal } : {}),
      })
        .catch(() => failed('INTERNAL', 'Internal error while storing the instance'))
        .then((outcome) => {
          outcomes[part.index] = outcome;
          inflight.delete(part.index);
          inflightBytes -= size;
        });
      inflight.set(part.index, task);
      // Backpressure: stop pulling the body while enough work is queued behind storage.
      while (inflight.size >= MAX_PARTS_IN_FLIGHT || (inflight.size > 0 && inflightBytes >= MAX_BYTES_IN_FLIGHT)) {
        await Promise.race(inflight.values());
      }
    }
  } catch (e) {
    if (e instanceof MultipartStreamError) {
      streamError = new LingshuError(e.code, e.message, { details: e.details });
      if (e.incompletePart) incompletePart = e.partsStarted - 1;
    } else {
      // The connection failed (client went away): keep what was complete, report the rest.
      streamError = new LingshuError('HTTP_MULTIPART_MALFORMED', 'The request body could not be read to its end');
    }
  }
  await Promise.all(inflight.values());
  if (outcomes.length === 0) {
    // Nothing complete arrived: a request-level error (the boundary error handler formats it).
    throw streamError ?? new LingshuError('HTTP_MULTIPART_MALFORMED', 'The request contains no parts');
  }
  if (incompletePart >= 0 && streamError) {
    outcomes[incompletePart] = failed(streamError.code, streamError.message);
  }
  if (!streamError) reply.removeHeader('connection');

  req.audit = stowAudit(outcomes);
  const response = buildStowResponse(outcomes, {
    baseUrl: baseUrl(req),
    ...(study ? { study } : {}),
    ...(streamError ? { streamError } : {}),
  });
  const reasons: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.ok) continue;
    const key = `${o.code}/${stowFailureReason(o.code).toString(16)}`;
    reasons[key] = (reasons[key] ?? 0) + 1;
  }
  req.log.info(
    {
      stow: {
        parts: outcomes.length,
        stored: response.stored,
        failed: response.failed,
        reasons,
        status: response.status,
      },
    },
    'STOW-RS request processed',
  );
  if (streamError) {
    // PS3.18 §8.4 allows a Warning header (299) with a human-readable explanation.
    reply.header('warning', `299 lingshu "${streamError.code}: ${streamError.message}"`);
  }
  return reply.code(response.status).header('content-type', 'application/dicom+json').send(response.body);
}
