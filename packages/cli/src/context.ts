import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { LingshuError } from '@lingshu/dicom';
import { isLang, type Lang, type MessageKey, type Translate, translator } from './i18n.js';

/** Where a command writes (process.stdout / stderr, or a PassThrough in tests). */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** What a command needs from its process; tests and the server can pass their own. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  lang: Lang;
  t: Translate;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function withLang(ctx: CliContext, lang: Lang): CliContext {
  return { ...ctx, lang, t: translator(lang) };
}

/** The context in the language asked for with --lang, when that is a known language. */
export function helpContext(ctx: CliContext, lang: string | undefined): CliContext {
  return lang !== undefined && isLang(lang) ? withLang(ctx, lang) : ctx;
}

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with parse failures turned into USAGE errors (exit 2). */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new LingshuError('USAGE', e instanceof Error ? e.message : 'Invalid arguments');
  }
}

/** Prints a command's help text and returns 0. */
export function printHelp(ctx: CliContext, key: MessageKey): number {
  ctx.stdout.write(`${ctx.t(key)}\n`);
  return EXIT_OK;
}

export function parsePositiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new LingshuError('USAGE', `${name} must be a positive integer`);
  return Number(raw);
}
