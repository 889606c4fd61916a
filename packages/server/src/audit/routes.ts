import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { type AuditFilter, jsonLine, parseAuditFilter, parsePaging, queryAudit, streamAudit } from './query.js';
import { auditDb } from './table.js';

type Query = Record<string, string | undefined>;

/** Reading the audit trail is itself audited ("Audit Log Used"). */
const AUDIT_READ = {
  access: 'audit:read',
  audit: 'read',
  auditResource: { type: 'system', id: 'audit-log' },
} as const;

/** The request's filters; an institution-bound administrator sees only its institution's events. */
function filterOf(request: FastifyRequest<{ Querystring: Query }>): AuditFilter {
  const filter = parseAuditFilter(request.query);
  const own = request.principal?.institutionPk;
  return own ? { ...filter, institutionPk: own } : filter;
}

function noteRead(request: FastifyRequest, filter: AuditFilter, events: number): void {
  request.audit = {
    resource: {
      type: 'system',
      id: 'audit-log',
      // Who looked up which patient's trail is itself worth finding (the column may hold PHI).
      ...(filter.patient ? { patientId: filter.patient } : {}),
      ...(filter.study ? { studyUids: [filter.study] } : {}),
    },
    detail: {
      events,
      ...(filter.user ? { user: filter.user } : {}),
      ...(filter.action ? { action: filter.action } : {}),
    },
  };
}

/**
 * /api/admin/audit: one page of events, newest first, with `nextCursor`;
 * /api/admin/audit/export: every matching event, oldest first, as JSON lines.
 * Filters: user, patient, study, action, from, to (ISO 8601). Needs `audit:read`.
 */
export function registerAuditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const db = auditDb(ctx.archive);

  app.get<{ Querystring: Query }>('/api/admin/audit', { config: AUDIT_READ }, async (request, reply) => {
    const filter = filterOf(request);
    const { limit, cursor } = parsePaging(request.query, 100);
    const events = await queryAudit(db, {
      ...filter,
      order: 'desc',
      limit,
      ...(cursor !== undefined ? { cursor } : {}),
    });
    noteRead(request, filter, events.length);
    const last = events[events.length - 1];
    reply.header('cache-control', 'no-store');
    return { events, nextCursor: events.length === limit && last ? String(last.seq) : null };
  });

  app.get<{ Querystring: Query }>('/api/admin/audit/export', { config: AUDIT_READ }, async (request, reply) => {
    const filter = filterOf(request);
    noteRead(request, filter, 0);
    const lines = async function* (): AsyncGenerator<string> {
      let n = 0;
      for await (const row of streamAudit(db, filter)) {
        yield jsonLine(row);
        n++;
        noteRead(request, filter, n);
      }
    };
    return reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="lingshu-audit.jsonl"')
      .send(Readable.from(lines()));
  });
}
