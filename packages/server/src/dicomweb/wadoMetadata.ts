import {
  type AccessScope,
  type Archive,
  BULK_PLACEHOLDER_PREFIX,
  type InstanceMetadata,
  type RetrieveScope,
} from '@lingshu/archive';
import type { DicomJsonDataset } from '@lingshu/dicom';
import { covers, parseAccept } from './wadoAccept.js';
import { notAcceptable, notFound } from './wadoErrors.js';
import { levelOf } from './wadoResolve.js';

const DICOM_JSON = 'application/dicom+json';

/** 406 unless the client accepts DICOM JSON (application/json is taken as the same, as OHIF sends both). */
export function assertAcceptsDicomJson(accept: string | undefined): void {
  for (const range of parseAccept(accept)) {
    if (covers(range.mediaType, DICOM_JSON) || range.mediaType === 'application/json') return;
  }
  throw notAcceptable('metadata (only application/dicom+json is offered)');
}

/** Bulk data route of one instance; `tagPath` alternates tag hex and item index (`00540016/0/00181072`). */
export function instanceUrl(base: string, m: { studyUid: string; seriesUid: string; sopUid: string }): string {
  return `${base}/studies/${m.studyUid}/series/${m.seriesUid}/instances/${m.sopUid}`;
}

/**
 * Replaces the index's `bulk:` placeholders with absolute BulkDataURIs (PS3.18 F.2.6). The
 * placeholder's own path has no item numbers, so the URI is built from where the attribute sits
 * while walking the JSON, which names the item unambiguously.
 */
function rewrite(ds: DicomJsonDataset, url: string, path: readonly string[]): void {
  for (const [key, attr] of Object.entries(ds)) {
    if (attr.BulkDataURI?.startsWith(BULK_PLACEHOLDER_PREFIX)) {
      attr.BulkDataURI = `${url}/bulk/${[...path, key].join('/')}`;
    } else if (attr.vr === 'SQ' && attr.Value) {
      attr.Value.forEach((item, i) => {
        if (item && typeof item === 'object') rewrite(item as DicomJsonDataset, url, [...path, key, String(i)]);
      });
    }
  }
}

/** DICOM JSON of every instance in scope, from the index in one query (no file is read). */
export async function metadataFor(
  archive: Archive,
  scope: RetrieveScope,
  access: AccessScope,
  base: string,
): Promise<DicomJsonDataset[]> {
  const rows: InstanceMetadata[] = await archive.findMetadata(scope, access);
  if (rows.length === 0) throw notFound(levelOf(scope));
  return rows.map((row) => {
    rewrite(row.metadata, instanceUrl(base, row), []);
    return row.metadata;
  });
}
