import type { AccessScope, Archive, InstanceFile, RetrieveScope } from '@lingshu/archive';
import { type ParsedDicom, parseDicom } from '@lingshu/dicom';
import type { FastifyRequest } from 'fastify';
import { notFound } from './wadoErrors.js';

/** Path parameters of the WADO-RS resource routes. */
export interface WadoParams {
  study: string;
  series?: string;
  instance?: string;
}

export function scopeOf(params: WadoParams): RetrieveScope {
  return {
    studyUid: params.study,
    ...(params.series !== undefined ? { seriesUid: params.series } : {}),
    ...(params.instance !== undefined ? { sopUid: params.instance } : {}),
  };
}

export function levelOf(scope: RetrieveScope): 'study' | 'series' | 'instance' {
  return scope.sopUid !== undefined ? 'instance' : scope.seriesUid !== undefined ? 'series' : 'study';
}

/**
 * The instances a request addresses among those `access` may see, from the index; 404
 * (HTTP_NOT_FOUND) when none: another institution's study answers exactly like an unknown UID.
 */
export async function resolveInstances(
  archive: Archive,
  scope: RetrieveScope,
  access: AccessScope,
): Promise<InstanceFile[]> {
  const files = await archive.findInstances(scope, access);
  if (files.length === 0) throw notFound(levelOf(scope));
  return files;
}

/** The one instance a request addresses. */
export async function resolveInstance(
  archive: Archive,
  scope: RetrieveScope,
  access: AccessScope,
): Promise<InstanceFile> {
  const [file] = await resolveInstances(archive, scope, access);
  if (!file) throw notFound('instance');
  return file;
}

/** Reads and parses a stored instance (pixel data included). */
export async function readParsed(archive: Archive, file: InstanceFile): Promise<ParsedDicom> {
  return parseDicom(await archive.files.get(file.storageKey));
}

/**
 * Absolute base of the DICOMweb service as the client reached it (scheme, host, and the mount
 * prefix before `/studies/`), for BulkDataURIs. Behind a proxy this relies on Fastify's
 * trustProxy handling of X-Forwarded-Proto/Host.
 */
export function serviceBase(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  const at = path.indexOf('/studies/');
  const prefix = at >= 0 ? path.slice(0, at) : '';
  return `${request.protocol}://${request.host}${prefix}`;
}

/**
 * The Accept the client asked for: the `accept` query parameter when present (PS3.18 §8.3.3.1
 * lets it override the header, for links a browser follows), else the Accept header.
 */
export function acceptOf(request: FastifyRequest): string | undefined {
  const q = (request.query as Record<string, unknown> | undefined)?.accept;
  if (typeof q === 'string' && q.trim() !== '') return q;
  if (Array.isArray(q) && q.length > 0) return q.join(', ');
  return request.headers.accept;
}

/** Middle instance of a list ordered by instance number (series/study thumbnails). */
export function middleOf<T>(items: readonly T[]): T | undefined {
  return items[Math.floor((items.length - 1) / 2)];
}
