import type { AccessScope, AttributeMatch, InstanceFile, QueryLevel } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { ServerContext } from '../context.js';
import { type Identifier, identifierMatches } from './identifier.js';
import type { StoredInstance } from './scu.js';

const UID_KEYS: Record<string, QueryLevel> = {
  '00100020': 'PATIENT',
  '0020000D': 'STUDY',
  '0020000E': 'SERIES',
  '00080018': 'IMAGE',
};
const ORDER: QueryLevel[] = ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'];

function first(json: Record<string, { Value?: unknown[] }>, tag: string): string | undefined {
  const v = json[tag]?.Value?.[0];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The stored instances a C-MOVE/C-GET identifier addresses (PS3.4 C.4.2.2.1): the unique keys
 * at and above its level, each possibly a UID list. A PATIENT-level request (Patient Root) takes
 * every study of that patient. Only unique keys select; other keys are refused as a bad query.
 */
export async function resolveInstances(
  ctx: ServerContext,
  id: Identifier,
  access: AccessScope,
): Promise<InstanceFile[]> {
  const depth = ORDER.indexOf(id.level);
  const matches: AttributeMatch[] = [];
  for (const m of identifierMatches(id)) {
    const keyLevel = UID_KEYS[m.tag];
    if (keyLevel === undefined || m.value === '') continue;
    if (ORDER.indexOf(keyLevel) > depth) continue;
    matches.push(m);
  }
  if (!matches.some((m) => UID_KEYS[m.tag] === id.level)) {
    throw new LingshuError('DIMSE_BAD_QUERY', 'The retrieve identifier has no unique key at its level');
  }
  // Patients are retrieved study by study.
  const level: QueryLevel = id.level === 'PATIENT' ? 'STUDY' : id.level;
  const { results } = await ctx.archive.query({ level, matches }, access);
  const out: InstanceFile[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    const studyUid = first(r, '0020000D');
    if (!studyUid) continue;
    const seriesUid = level === 'SERIES' || level === 'IMAGE' ? first(r, '0020000E') : undefined;
    const sopUid = level === 'IMAGE' ? first(r, '00080018') : undefined;
    const files = await ctx.archive.findInstances(
      {
        studyUid,
        ...(seriesUid ? { seriesUid } : {}),
        ...(sopUid ? { sopUid } : {}),
      },
      access,
    );
    for (const f of files) {
      if (seen.has(f.sopUid)) continue;
      seen.add(f.sopUid);
      out.push(f);
    }
  }
  return out;
}

/** An archive instance as a storage sub-operation source. */
export function storedInstance(ctx: ServerContext, f: InstanceFile): StoredInstance {
  return {
    sopClassUid: f.sopClassUid,
    sopUid: f.sopUid,
    transferSyntaxUid: f.transferSyntaxUid,
    read: () => ctx.archive.files.get(f.storageKey),
  };
}
