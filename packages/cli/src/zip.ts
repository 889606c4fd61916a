import { basename } from 'node:path';
import { LingshuError } from '@lingshu/dicom';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { DiscoveryProblem, ImportCandidate } from './candidate.js';

/** Limits that stop a zip bomb before it is inflated. */
export interface ZipLimits {
  /** Largest uncompressed entry, in bytes. */
  maxEntryBytes: number;
  /** Largest uncompressed / compressed ratio for entries over `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Largest sum of uncompressed entry sizes in one zip. */
  maxTotalBytes: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 2 ** 30,
  maxRatio: 1000,
  ratioFloorBytes: 2 ** 20,
  maxTotalBytes: 64 * 2 ** 30,
  maxEntries: 1_000_000,
};

export interface ZipListing {
  candidates: ImportCandidate[];
  problems: DiscoveryProblem[];
  close(): void;
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip)
        reject(new LingshuError('IMPORT_BAD_ARCHIVE', 'The zip archive cannot be opened', { cause: err }));
      else resolve(zip);
    });
  });
}

function readEntries(zip: ZipFile, maxEntries: number): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      if (entries.length > maxEntries) {
        reject(new LingshuError('IMPORT_BAD_ARCHIVE', 'The zip archive has too many entries'));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: unknown) =>
      reject(new LingshuError('IMPORT_BAD_ARCHIVE', 'The zip directory is malformed', { cause: err })),
    );
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) {
        reject(new LingshuError('IMPORT_BAD_ARCHIVE', 'A zip entry cannot be read', { cause: err }));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (e: unknown) =>
        reject(new LingshuError('IMPORT_BAD_ARCHIVE', 'A zip entry is corrupt or larger than declared', { cause: e })),
      );
      stream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    });
  });
}

/** Why an entry must not be inflated, or undefined when it is within the limits. */
function entryProblem(entry: Entry, limits: ZipLimits): string | undefined {
  if (entry.isEncrypted()) return 'The zip entry is encrypted';
  if (!entry.canDecodeFileData()) return 'The zip entry uses an unsupported compression method';
  if (entry.uncompressedSize > limits.maxEntryBytes) return 'The zip entry is larger than the entry size limit';
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
    return 'The zip entry has a suspicious compression ratio';
  }
  return undefined;
}

/**
 * Lists a zip archive's file entries (nested folders included) as import candidates, reading only
 * the central directory; entries are inflated one by one when a candidate is loaded.
 */
export async function listZip(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipListing> {
  const zip = await openZip(path);
  let entries: Entry[];
  try {
    entries = await readEntries(zip, limits.maxEntries);
  } catch (e) {
    zip.close();
    throw e;
  }
  const candidates: ImportCandidate[] = [];
  const problems: DiscoveryProblem[] = [];
  let total = 0;
  for (const entry of entries) {
    if (entry.fileName.endsWith('/')) continue;
    if (basename(entry.fileName).toUpperCase() === 'DICOMDIR') continue;
    const source = `${path}!/${entry.fileName}`;
    const problem = entryProblem(entry, limits);
    if (problem) {
      problems.push({ source, code: 'IMPORT_BAD_ARCHIVE', message: problem });
      continue;
    }
    total += entry.uncompressedSize;
    if (total > limits.maxTotalBytes) {
      problems.push({ source, code: 'IMPORT_BAD_ARCHIVE', message: 'The zip archive exceeds the total size limit' });
      break;
    }
    candidates.push({ source, size: entry.uncompressedSize, load: () => readEntry(zip, entry) });
  }
  return { candidates, problems, close: () => zip.close() };
}

/** True when the bytes start with a zip local file header (PK\3\4) or an empty-archive record. */
export function looksLikeZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}
