import { LingshuError } from '@lingshu/dicom';

/** A parsed media type: lower-case `type/subtype` and parameters (names lower-case, values unquoted). */
export interface MediaType {
  essence: string;
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses a Content-Type value (RFC 9110 §8.3.1: `type/subtype *( ";" name=value )`, values tokens or
 * quoted strings). Returns undefined when the value is not a media type.
 */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (value === undefined) return undefined;
  let pos = value.indexOf(';');
  const essence = (pos < 0 ? value : value.slice(0, pos)).trim().toLowerCase();
  const slash = essence.indexOf('/');
  if (slash <= 0 || !TOKEN.test(essence.slice(0, slash)) || !TOKEN.test(essence.slice(slash + 1))) return undefined;
  const params = new Map<string, string>();
  while (pos >= 0 && pos < value.length) {
    pos++;
    while (pos < value.length && (value[pos] === ' ' || value[pos] === '\t')) pos++;
    const eq = value.indexOf('=', pos);
    if (eq < 0) break;
    const name = value.slice(pos, eq).trim().toLowerCase();
    pos = eq + 1;
    let v = '';
    if (value[pos] === '"') {
      pos++;
      while (pos < value.length && value[pos] !== '"') {
        if (value[pos] === '\\' && pos + 1 < value.length) pos++;
        v += value[pos];
        pos++;
      }
      pos = value.indexOf(';', pos);
    } else {
      const end = value.indexOf(';', pos);
      v = (end < 0 ? value.slice(pos) : value.slice(pos, end)).trim();
      pos = end;
    }
    if (TOKEN.test(name) && !params.has(name)) params.set(name, v);
  }
  return { essence, params };
}

// RFC 2046 §5.1.1: 1–70 characters from bchars, not ending with a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary parameter of a multipart media type; HTTP_MULTIPART_MALFORMED when missing or invalid. */
export function multipartBoundary(mediaType: MediaType): string {
  const boundary = mediaType.params.get('boundary');
  if (boundary === undefined || boundary === '') {
    throw new LingshuError('HTTP_MULTIPART_MALFORMED', 'The multipart content type has no boundary parameter');
  }
  if (!BOUNDARY.test(boundary)) {
    throw new LingshuError('HTTP_MULTIPART_MALFORMED', 'The multipart boundary parameter is not valid (RFC 2046)');
  }
  return boundary;
}
