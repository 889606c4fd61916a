import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getNumber, getSequence, getStrings, LingshuError, parseDicom, type Tag, toLingshuError } from '@lingshu/dicom';

/** Basic Directory IOD attributes (PS3.3 F.3). */
const DirectoryRecordSequence: Tag = 0x00041220;
const RecordInUseFlag: Tag = 0x00041410;
const ReferencedFileID: Tag = 0x00041500;
const INACTIVE_RECORD = 0x0000;

/**
 * The files a DICOMDIR references (ReferencedFileID components joined under the DICOMDIR's
 * folder), in record order, without duplicates. Inactive records are left out.
 */
export async function dicomdirReferences(path: string): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new LingshuError('IMPORT_UNREADABLE', 'The DICOMDIR cannot be read', { cause: e });
  }
  let records: ReturnType<typeof getSequence>;
  try {
    records = getSequence(parseDicom(bytes).dataset, DirectoryRecordSequence);
  } catch (e) {
    const err = toLingshuError(e);
    throw new LingshuError('IMPORT_BAD_ARCHIVE', `The DICOMDIR is malformed (${err.code})`, { cause: e });
  }
  const base = dirname(path);
  const files = new Set<string>();
  for (const record of records) {
    if (getNumber(record, RecordInUseFlag) === INACTIVE_RECORD) continue;
    const components = getStrings(record, ReferencedFileID).filter((c) => c !== '');
    if (components.length === 0) continue;
    if (components.some((c) => c === '..' || c === '.' || c.includes('/'))) {
      throw new LingshuError('IMPORT_BAD_ARCHIVE', 'A DICOMDIR record references a file outside its folder');
    }
    files.add(resolveFileId(base, components));
  }
  return [...files];
}

/** File IDs are upper case on the medium; a copied file set may have been lower-cased. */
function resolveFileId(base: string, components: string[]): string {
  const exact = join(base, ...components);
  if (existsSync(exact)) return exact;
  const lower = join(base, ...components.map((c) => c.toLowerCase()));
  return existsSync(lower) ? lower : exact;
}
