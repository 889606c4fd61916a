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
  /** Largest number of results (default and maximum `MAX_QUERY_RESULTS`). */
  limit?: number;
  offset?: number;
}

export interface QueryResponse {
  /**
   * DICOM JSON objects, one per match, with the level's required return keys. Bulk values keep
   * the archive's `bulk:` placeholders in BulkDataURI; adapters rewrite them to their own URIs.
   */
  results: DicomJsonDataset[];
  /** True when more matches exist beyond `limit` (QIDO warns with a 299 header then). */
  truncated: boolean;
  /** Matching keys the index cannot match on (ignored, as PS3.18 §10.6.1.3.2 allows): 8-hex tags. */
  ignoredMatches: string[];
}

/** The most results one query returns; a larger `limit` is lowered to this. */
export const MAX_QUERY_RESULTS = 1000;
