import { randomBytes } from 'node:crypto';

/**
 * `text` as a dollar-quoted SQL literal, with a random tag that does not occur in it, so the
 * quoting holds whatever the content. Used to put a JSON batch into the statement text: one
 * simple-protocol round trip, where a bound parameter costs PGlite extra protocol exchanges.
 */
export function dollarQuoted(text: string): string {
  let tag: string;
  do tag = `$b${randomBytes(6).toString('hex')}$`;
  while (text.includes(tag));
  return `${tag}${text}${tag}`;
}
