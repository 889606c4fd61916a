import type { ErrorCode } from '@lingshu/dicom';

/** One file to import: a path on disk, a zip entry or a DICOMDIR reference. */
export interface ImportCandidate {
  /** Where it came from (a path, or `archive.zip!/entry`); user-supplied, shown in reports. */
  source: string;
  /** Size in bytes as far as known before reading. */
  size: number;
  load(): Promise<Uint8Array>;
}

/** An input that could not become a candidate (missing file, bad zip entry, …). */
export interface DiscoveryProblem {
  source: string;
  code: ErrorCode;
  message: string;
}
