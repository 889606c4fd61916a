import type { DicomJsonDataset } from '@lingshu/dicom';

/** Query/retrieve level (PS3.4 C.6). */
export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';

/**
 * One matching key with DICOM matching semantics (PS3.4 C.2.2.2): empty value = return only
 * (universal match), `*`/`?` wildcards, `a-b` ranges for DA/TM/DT, backslash-separated UID
 * lists, otherwise single-value (exact) match.
 */
export interface AttributeMatch {
  /** Tag as 8 upper-case hex digits, e.g. `00100010`. */
  tag: string;
  value: string;
}

export interface QueryRequest {
  level: QueryLevel;
  matches: AttributeMatch[];
  /** Person-name fuzzy matching (QIDO `fuzzymatching=true`). */
  fuzzyMatching?: boolean;
  /** Extra tags to return (8 hex), or `all`. */
  includeFields?: string[] | 'all';
  limit?: number;
  offset?: number;
}

export interface QueryResponse {
  /** DICOM JSON objects, one per match, with the level's required return keys. */
  results: DicomJsonDataset[];
  /** True when more matches exist beyond `limit` (QIDO warns with a 299 header then). */
  truncated: boolean;
}
