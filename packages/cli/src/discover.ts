import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { toLingshuError } from '@lingshu/dicom';
import type { DiscoveryProblem, ImportCandidate } from './candidate.js';
import { dicomdirReferences } from './dicomdir.js';
import { DEFAULT_ZIP_LIMITS, listZip, looksLikeZip, type ZipLimits } from './zip.js';

export interface Discovery {
  candidates: ImportCandidate[];
  problems: DiscoveryProblem[];
  /** Releases open zip archives; call when every candidate has been loaded. */
  close(): void;
}

export interface DiscoverOptions {
  /** Folders never walked into (e.g. the archive's own data directory). */
  exclude?: string[];
  zipLimits?: ZipLimits;
}

function fileCandidate(path: string, size: number): ImportCandidate {
  return { source: path, size, load: async () => new Uint8Array(await readFile(path)) };
}

async function readHead(path: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: 0, end: 3 })) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function problemOf(source: string, e: unknown): DiscoveryProblem {
  if ((e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return { source, code: 'IMPORT_UNREADABLE', message: 'The file does not exist' };
  }
  const err = toLingshuError(e);
  if (err.code === 'INTERNAL') return { source, code: 'IMPORT_UNREADABLE', message: 'The file cannot be read' };
  return { source, code: err.code, message: err.message };
}

/**
 * Turns import paths into candidates: files, folders (recursively, in name order), DICOMDIR files
 * (their referenced files) and zip archives (their entries). A path is visited once.
 */
export async function discover(paths: readonly string[], options: DiscoverOptions = {}): Promise<Discovery> {
  const candidates: ImportCandidate[] = [];
  const problems: DiscoveryProblem[] = [];
  const closers: Array<() => void> = [];
  const seen = new Set<string>();
  const exclude = new Set((options.exclude ?? []).map((p) => resolve(p)));
  const zipLimits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;

  const addZip = async (path: string): Promise<void> => {
    try {
      const listing = await listZip(path, zipLimits);
      candidates.push(...listing.candidates);
      problems.push(...listing.problems);
      closers.push(listing.close);
    } catch (e) {
      problems.push(problemOf(path, e));
    }
  };

  const addFile = async (path: string, size: number, explicit: boolean): Promise<void> => {
    if (seen.has(path)) return;
    seen.add(path);
    const isZipName = path.toLowerCase().endsWith('.zip');
    if (isZipName || explicit) {
      if (looksLikeZip(await readHead(path))) return addZip(path);
    }
    candidates.push(fileCandidate(path, size));
  };

  const visit = async (path: string, explicit: boolean): Promise<void> => {
    if (exclude.has(path)) return;
    const info = await stat(path);
    if (info.isDirectory()) {
      const names = (await readdir(path)).sort();
      for (const name of names) {
        const child = join(path, name);
        try {
          await visit(child, false);
        } catch (e) {
          problems.push(problemOf(child, e));
        }
      }
    } else if (info.isFile()) {
      if (basename(path).toUpperCase() === 'DICOMDIR') {
        // Walking a folder finds the referenced files anyway; an explicit DICOMDIR selects them.
        if (!explicit) return;
        for (const ref of await dicomdirReferences(path)) {
          try {
            const refInfo = await stat(ref);
            await addFile(ref, refInfo.size, false);
          } catch (e) {
            problems.push(problemOf(ref, e));
          }
        }
        return;
      }
      await addFile(path, info.size, explicit);
    }
  };

  for (const p of paths) {
    const path = resolve(p);
    try {
      await visit(path, true);
    } catch (e) {
      problems.push(problemOf(path, e));
    }
  }
  const close = (): void => {
    for (const c of closers) c();
  };
  return { candidates, problems, close };
}
