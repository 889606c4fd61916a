import type { AttributeMatch, QueryLevel } from '@lingshu/archive';
import {
  type Dataset,
  type DicomJsonDataset,
  elementText,
  fromDicomJson,
  LingshuError,
  parseDicom,
  Tags,
  tagHex,
  writeDataset,
} from '@lingshu/dicom';
import type { DimseDataset } from './lib.js';
import { RawDataset } from './rawDataset.js';

const QUERY_RETRIEVE_LEVEL = 0x00080052;
const LEVELS = new Set<string>(['PATIENT', 'STUDY', 'SERIES', 'IMAGE']);

/** A C-FIND/C-MOVE/C-GET identifier read with Lingshu's parser. */
export interface Identifier {
  level: QueryLevel;
  dataset: Dataset;
}

/**
 * Reads an identifier dcmjs-dimse has decoded. It re-encodes it in the presentation context's
 * syntax, and Lingshu parses that, so matching uses one DICOM reader across DICOMweb and DIMSE.
 */
export function readIdentifier(ds: DimseDataset | undefined): Identifier {
  if (!ds) throw new LingshuError('DIMSE_BAD_QUERY', 'The request has no identifier');
  const ts = ds.getTransferSyntaxUid();
  let dataset: Dataset;
  try {
    dataset = parseDicom(new Uint8Array(ds.getDenaturalizedDataset()), { transferSyntaxUID: ts }).dataset;
  } catch (cause) {
    throw new LingshuError('DIMSE_BAD_QUERY', 'The identifier could not be parsed', { cause });
  }
  const levelEl = dataset.get(QUERY_RETRIEVE_LEVEL);
  const level = levelEl ? elementText(dataset, levelEl).trim() : '';
  if (!LEVELS.has(level)) {
    throw new LingshuError('DIMSE_BAD_QUERY', 'Query/Retrieve Level is missing or invalid');
  }
  return { level: level as QueryLevel, dataset };
}

/**
 * The identifier's keys as matches (PS3.4 C.2.2.1): a zero-length value is a return key (universal
 * match), anything else a matching key. Sequence keys are not supported for matching; they are
 * returned when present in results.
 */
export function identifierMatches(id: Identifier): AttributeMatch[] {
  const matches: AttributeMatch[] = [];
  for (const el of id.dataset.elements.values()) {
    if (el.tag === QUERY_RETRIEVE_LEVEL || el.tag === Tags.SpecificCharacterSet) continue;
    if (el.tag >>> 16 === 0x0000 || (el.tag & 0xffff) === 0) continue; // group lengths
    if (el.vr === 'SQ') continue;
    const value = el.bytes ? elementText(id.dataset, el).replace(/[\s\0]+$/u, '') : '';
    matches.push({ tag: tagHex(el.tag), value });
  }
  return matches;
}

/** The tags asked for (8 hex), matching and return keys alike. */
export function requestedTags(id: Identifier): string[] {
  return [...id.dataset.elements.values()]
    .filter((el) => el.tag !== QUERY_RETRIEVE_LEVEL && el.tag !== Tags.SpecificCharacterSet)
    .map((el) => tagHex(el.tag));
}

/**
 * A C-FIND response identifier: only the requested keys, plus Query/Retrieve Level and Specific
 * Character Set (PS3.4 C.4.1.1.3.2), text as UTF-8 (ISO_IR 192) so Chinese names survive.
 * Encoded by Lingshu's writer in the context's syntax and handed over as raw bytes.
 */
export function responseIdentifier(
  result: DicomJsonDataset,
  requested: readonly string[],
  level: QueryLevel,
  transferSyntaxUID: string,
): RawDataset {
  const json: DicomJsonDataset = {
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '00080052': { vr: 'CS', Value: [level] },
  };
  for (const t of requested) {
    const attr = result[t];
    if (attr) json[t] = attr;
  }
  const bytes = writeDataset(fromDicomJson(json), transferSyntaxUID);
  return new RawDataset(bytes, transferSyntaxUID);
}
