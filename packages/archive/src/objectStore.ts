import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LingshuError } from '@lingshu/dicom';

/** Where instance files live. Keys are relative, '/'-separated paths of safe characters. */
export interface ObjectStore {
  /** `deferDirSync`: the caller syncs the directory later with `syncDirectories` (one sync per batch). */
  put(key: string, bytes: Uint8Array, options?: { deferDirSync?: boolean }): Promise<void>;
  /** Makes the directory entries of these keys durable (one fsync per distinct directory). */
  syncDirectories(keys: readonly string[]): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  size(key: string): Promise<number>;
  createReadStream(key: string): ReadStream;
}

const KEY_RE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function assertSafeKey(key: string): void {
  if (!KEY_RE.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new LingshuError('ARCHIVE_STORAGE_FAILED', 'Invalid object key');
  }
}

/** Files on a local filesystem; writes are atomic (temp file, fdatasync, rename, fsync directory). */
export class FileSystemObjectStore implements ObjectStore {
  /** Folders this store has made or found (a series' instances share one: one mkdir, not one per file). */
  private readonly folders = new Set<string>();

  constructor(
    readonly root: string,
    private readonly durable = true,
  ) {}

  path(key: string): string {
    assertSafeKey(key);
    return join(this.root, key);
  }

  async put(key: string, bytes: Uint8Array, options: { deferDirSync?: boolean } = {}): Promise<void> {
    const target = this.path(key);
    const dir = dirname(target);
    if (!this.folders.has(dir)) await this.makeFolder(dir);
    const temp = join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const handle = await open(temp, 'w').catch(async (e: unknown) => {
        // The folder went away since it was made (removed by hand): make it again.
        if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
        await this.makeFolder(dir);
        return open(temp, 'w');
      });
      try {
        await handle.writeFile(bytes);
        // fdatasync: the data and the size it needs to be read back; the name is made durable by
        // the directory sync after the rename.
        if (this.durable) await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      if (this.durable && !options.deferDirSync) await syncDirectory(dir);
    } catch (cause) {
      await rm(temp, { force: true });
      throw new LingshuError('ARCHIVE_STORAGE_FAILED', 'Could not write an instance file', { cause });
    }
  }

  private async makeFolder(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    if (this.folders.size >= 10_000) this.folders.clear();
    this.folders.add(dir);
  }

  async syncDirectories(keys: readonly string[]): Promise<void> {
    if (!this.durable) return;
    const dirs = new Set(keys.map((k) => dirname(this.path(k))));
    try {
      await Promise.all([...dirs].map(syncDirectory));
    } catch (cause) {
      throw new LingshuError('ARCHIVE_STORAGE_FAILED', 'Could not make instance files durable', { cause });
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (cause) {
      throw new LingshuError('ARCHIVE_NOT_FOUND', 'Instance file not found', { cause });
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await stat(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    return (await stat(this.path(key))).size;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  createReadStream(key: string): ReadStream {
    return createReadStream(this.path(key));
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
