import type { Institution, InstitutionChanges, InstitutionKind, NewInstitution } from '@lingshu/archive';
import { isValidUid, LingshuError } from '@lingshu/dicom';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { scopeOf } from './scope.js';

function principalOf(request: FastifyRequest): Principal {
  // The auth guard sets it on every non-public route; its absence is a wiring bug, not a client error.
  if (!request.principal) throw new LingshuError('AUTH_REQUIRED');
  return request.principal;
}

function bad(parameter: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter } });
}

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('body', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(key, `${key} must be a string`);
  return v;
}

function kindOf(body: Record<string, unknown>): InstitutionKind | undefined {
  const v = body.kind;
  if (v === undefined) return undefined;
  if (v !== 'hub' && v !== 'primary') throw bad('kind', "kind must be 'hub' or 'primary'");
  return v;
}

function aeTitlesOf(body: Record<string, unknown>): string[] | undefined {
  const v = body.aeTitles;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw bad('aeTitles', 'aeTitles must be a list of AE titles');
  return v as string[];
}

/** A study path parameter: an unusable UID is simply not found (no separate error to probe with). */
function studyUidOf(raw: string): string {
  if (!isValidUid(raw)) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Study not found');
  return raw;
}

async function hubPkOf(ctx: ServerContext, body: Record<string, unknown>): Promise<string | null | undefined> {
  if (!('hub' in body)) return undefined;
  if (body.hub === null) return null;
  const code = text(body, 'hub');
  if (code === undefined) return undefined;
  return (await ctx.archive.institutions.requireCode(code)).pk;
}

/** What a principal may learn about institutions: everything for administrators, codes and names otherwise. */
function publicView(i: Institution): Pick<Institution, 'code' | 'name' | 'nameEn' | 'kind'> {
  return { code: i.code, name: i.name, nameEn: i.nameEn, kind: i.kind };
}

/** Network-wide administrators manage institutions; an institution's own administrator does not. */
function requireNetworkAdmin(principal: Principal): void {
  if (principal.institutionPk !== null)
    throw new LingshuError('AUTH_FORBIDDEN', 'Only network-wide administrators manage institutions', {
      details: { permission: 'institutions:admin' },
    });
}

/**
 * Only the owning institution (or a network-wide principal) shares a study on or ends its shares:
 * a study seen through a share is not passed further. Invisible studies answer 404 like unknown ones.
 */
async function requireOwner(ctx: ServerContext, studyUid: string, principal: Principal): Promise<void> {
  const owner = await ctx.archive.institutions.ownerOf(studyUid, scopeOf(principal));
  if (owner === undefined) throw new LingshuError('ARCHIVE_NOT_FOUND', 'Study not found');
  if (principal.institutionPk !== null && owner !== principal.institutionPk)
    throw new LingshuError('AUTH_FORBIDDEN', 'Only the institution that owns the study shares it', {
      details: { permission: 'study:share' },
    });
}

/**
 * Institutions REST under /api (docs/institutions.md): the network's institutions, their
 * administration (network-wide 'institutions:admin') and study shares ('study:share', only for
 * studies the caller can see; others answer 404 like unknown studies).
 */
export function registerInstitutionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const store = ctx.archive.institutions;
  const audit = (event: Parameters<ServerContext['platform']['audit']['record']>[0]): Promise<void> =>
    ctx.platform?.audit?.record(event) ?? Promise.resolve();

  app.get('/api/institutions', { config: { access: 'authenticated' } }, async (request) => {
    const principal = principalOf(request);
    const all = await store.list();
    if (principal.permissions.has('institutions:admin') && principal.institutionPk === null)
      return { institutions: all };
    const own = all.filter((i) => i.pk === principal.institutionPk);
    // Sharers need the other institutions' codes and names (not their AE titles).
    const others = principal.permissions.has('study:share')
      ? all.filter((i) => i.pk !== principal.institutionPk).map(publicView)
      : [];
    return { institutions: [...own.map(publicView), ...others], own: own[0]?.code ?? null };
  });

  app.post('/api/admin/institutions', { config: { access: 'institutions:admin' } }, async (request, reply) => {
    const principal = principalOf(request);
    requireNetworkAdmin(principal);
    const body = objectBody(request);
    const code = text(body, 'code');
    const name = text(body, 'name');
    if (code === undefined) throw bad('code', 'code is required');
    if (name === undefined) throw bad('name', 'name is required');
    const input: NewInstitution = { code, name };
    const nameEn = text(body, 'nameEn');
    const kind = kindOf(body);
    const aeTitles = aeTitlesOf(body);
    const hubPk = await hubPkOf(ctx, body);
    if (nameEn !== undefined) input.nameEn = nameEn;
    if (kind !== undefined) input.kind = kind;
    if (aeTitles !== undefined) input.aeTitles = aeTitles;
    if (hubPk !== undefined) input.hubPk = hubPk;
    const created = await store.create(input);
    await audit({
      action: 'admin',
      outcome: 'success',
      principal,
      address: request.ip,
      via: 'POST /api/admin/institutions',
      resource: { type: 'institution', id: created.code },
      detail: { change: 'create' },
    });
    return reply.code(201).send(created);
  });

  app.patch<{ Params: { code: string } }>(
    '/api/admin/institutions/:code',
    { config: { access: 'institutions:admin' } },
    async (request) => {
      const principal = principalOf(request);
      requireNetworkAdmin(principal);
      const current = await store.requireCode(request.params.code);
      const body = objectBody(request);
      const changes: InstitutionChanges = {};
      const name = text(body, 'name');
      const nameEn = text(body, 'nameEn');
      const kind = kindOf(body);
      const aeTitles = aeTitlesOf(body);
      const hubPk = await hubPkOf(ctx, body);
      if (name !== undefined) changes.name = name;
      if (nameEn !== undefined) changes.nameEn = nameEn;
      if (kind !== undefined) changes.kind = kind;
      if (aeTitles !== undefined) changes.aeTitles = aeTitles;
      if (hubPk !== undefined) changes.hubPk = hubPk;
      const updated = await store.update(current.pk, changes);
      await audit({
        action: 'admin',
        outcome: 'success',
        principal,
        address: request.ip,
        via: 'PATCH /api/admin/institutions/:code',
        resource: { type: 'institution', id: updated.code },
        detail: { change: 'update', fields: Object.keys(changes).sort().join(',') },
      });
      return updated;
    },
  );

  app.get<{ Params: { studyUid: string } }>(
    '/api/studies/:studyUid/shares',
    { config: { access: 'study:read' } },
    async (request) => {
      const shares = await store.listShares(studyUidOf(request.params.studyUid), scopeOf(request.principal));
      return { shares: shares.map(({ institutionPk: _pk, ...rest }) => rest) };
    },
  );

  app.post<{ Params: { studyUid: string } }>(
    '/api/studies/:studyUid/shares',
    { config: { access: 'study:share' } },
    async (request, reply) => {
      const principal = principalOf(request);
      const studyUid = studyUidOf(request.params.studyUid);
      const body = objectBody(request);
      const code = text(body, 'institution');
      if (code === undefined) throw bad('institution', 'institution (a code) is required');
      const purpose = text(body, 'purpose') ?? '';
      await requireOwner(ctx, studyUid, principal);
      const target = await store.requireCode(code);
      const share = await store.share(studyUid, target.pk, { sharedBy: principal.name, purpose }, scopeOf(principal));
      await audit({
        action: 'share',
        outcome: 'success',
        principal,
        address: request.ip,
        via: 'POST /api/studies/:studyUid/shares',
        resource: { type: 'study', studyUids: [studyUid] },
        detail: { institution: target.code, change: 'share' },
      });
      const { institutionPk: _pk, ...shown } = share;
      return reply.code(201).send(shown);
    },
  );

  app.delete<{ Params: { studyUid: string; code: string } }>(
    '/api/studies/:studyUid/shares/:code',
    { config: { access: 'study:share' } },
    async (request, reply) => {
      const principal = principalOf(request);
      const studyUid = studyUidOf(request.params.studyUid);
      await requireOwner(ctx, studyUid, principal);
      const target = await store.requireCode(request.params.code);
      const removed = await store.unshare(studyUid, target.pk, scopeOf(principal));
      if (!removed) throw new LingshuError('HTTP_NOT_FOUND', 'The study is not shared with this institution');
      await audit({
        action: 'share',
        outcome: 'success',
        principal,
        address: request.ip,
        via: 'DELETE /api/studies/:studyUid/shares/:code',
        resource: { type: 'study', studyUids: [studyUid] },
        detail: { institution: target.code, change: 'unshare' },
      });
      return reply.code(204).send();
    },
  );
}
