import type { Tag } from './tag.js';

export type VR =
  | 'AE'
  | 'AS'
  | 'AT'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'FD'
  | 'FL'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'OB'
  | 'OD'
  | 'OF'
  | 'OL'
  | 'OV'
  | 'OW'
  | 'PN'
  | 'SH'
  | 'SL'
  | 'SQ'
  | 'SS'
  | 'ST'
  | 'SV'
  | 'TM'
  | 'UC'
  | 'UI'
  | 'UL'
  | 'UN'
  | 'UR'
  | 'US'
  | 'UT'
  | 'UV';

/**
 * One data element. Values are kept as raw bytes in little-endian byte order (what Explicit VR
 * Little Endian would carry), so reading then writing is lossless; text is decoded on access with
 * the character set in effect.
 */
export interface Element {
  tag: Tag;
  vr: VR;
  /** Raw value bytes (little endian, padding included). Absent for SQ and encapsulated pixel data. */
  bytes?: Uint8Array;
  /** Items of a sequence (VR SQ). */
  items?: Dataset[];
  /** Encapsulated pixel data: the Basic Offset Table item's bytes (may be empty). */
  offsetTable?: Uint8Array;
  /** Encapsulated pixel data: every fragment after the offset table, in order. */
  fragments?: Uint8Array[];
}

/**
 * A DICOM dataset (or sequence item). Elements are keyed by tag. `parent` links an item to the
 * dataset that holds its sequence, so the Specific Character Set in effect can be inherited.
 */
export class Dataset {
  readonly elements = new Map<Tag, Element>();
  parent: Dataset | undefined;

  constructor(parent?: Dataset) {
    this.parent = parent;
  }

  get(t: Tag): Element | undefined {
    return this.elements.get(t);
  }

  has(t: Tag): boolean {
    return this.elements.has(t);
  }

  set(element: Element): void {
    this.elements.set(element.tag, element);
  }

  delete(t: Tag): boolean {
    return this.elements.delete(t);
  }

  /** Tags in ascending order (the order a writer must use). */
  sortedTags(): Tag[] {
    return [...this.elements.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.elements.size;
  }
}
