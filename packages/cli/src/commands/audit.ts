import { createWriteStream, type WriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { finished } from 'node:stream/promises';
import type { Archive } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import { AuditTrail, auditDb, countAudit, jsonLine, parseAuditFilter, streamAudit, verifyChain } from '@lingshu/server';
import pino from 'pino';
import {
  type CliContext,
  EXIT_FAILURE,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  printHelp,
  withLang,
} from '../context.js';
import { isLang, langFromEnv, type MessageKey } from '../i18n.js';
import { openArchiveOf, serverConfigOf } from '../platformAccess.js';
import { createProgress } from '../progress.js';

const OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  user: { type: 'string' },
  patient: { type: 'string' },
  action: { type: 'string' },
  out: { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

const BREAK_KEYS = {
  'hash-mismatch': 'audit.reason.hash',
  'prev-hash-mismatch': 'audit.reason.prevHash',
  gap: 'audit.reason.gap',
} as const satisfies Record<string, MessageKey>;

/** The archive the server would open (flags > LINGSHU_* / DATABASE_URL > config file > defaults). */
async function openTrail(values: Values, ctx: CliContext): Promise<{ archive: Archive; trail: AuditTrail }> {
  const archive = await openArchiveOf(serverConfigOf(ctx, values));
  try {
    return { archive, trail: await AuditTrail.open(archive, pino({ level: 'silent' })) };
  } catch (e) {
    await archive.close();
    throw e;
  }
}

async function verify(values: Values, ctx: CliContext): Promise<number> {
  const { archive, trail } = await openTrail(values, ctx);
  try {
    const result = await verifyChain(auditDb(archive));
    if (result.ok) {
      ctx.stdout.write(
        `${ctx.t('audit.intact', { events: result.events, seq: result.headSeq, hash: result.headHash })}\n`,
      );
      return EXIT_OK;
    }
    const reason = ctx.t(BREAK_KEYS[result.reason]);
    ctx.stderr.write(`${ctx.t('audit.broken', { seq: result.seq, reason, events: result.events })}\n`);
    return EXIT_FAILURE;
  } finally {
    await trail.close();
    await archive.close();
  }
}

async function exportLines(values: Values, ctx: CliContext): Promise<number> {
  // Filters are checked before anything is opened; a bad one is a usage error naming the option.
  let filter: ReturnType<typeof parseAuditFilter>;
  try {
    filter = parseAuditFilter({
      from: values.from,
      to: values.to,
      user: values.user,
      patient: values.patient,
      action: values.action,
    });
  } catch (e) {
    const parameter = e instanceof LingshuError ? String(e.details?.parameter ?? '') : '';
    throw new LingshuError('USAGE', `--${parameter}: ${e instanceof Error ? e.message : 'invalid value'}`);
  }
  const { archive, trail } = await openTrail(values, ctx);
  let file: WriteStream | undefined;
  try {
    const db = auditDb(archive);
    const out: NodeJS.WritableStream = values.out ? createWriteStream(values.out, { flags: 'wx' }) : ctx.stdout;
    if (values.out) file = out as WriteStream;
    const total = file ? await countAudit(db, filter) : 0;
    const progress = createProgress({ totalFiles: total, stream: ctx.stderr, t: ctx.t, unit: 'events', quiet: !file });
    let written = 0;
    for await (const row of streamAudit(db, filter)) {
      if (!out.write(jsonLine(row))) await new Promise((resolve) => out.once('drain', resolve));
      written++;
      progress.tick(1, 0);
    }
    progress.stop();
    if (file) {
      file.end();
      await finished(file);
    }
    // Exporting the trail is itself an audited read of the audit log.
    await trail.record({
      action: 'read',
      outcome: 'success',
      actorKind: 'system',
      actorName: `cli:${userInfo().username}`,
      resource: { type: 'system', id: 'audit-log' },
      via: 'lingshu audit export',
      detail: { events: written },
    });
    if (file) ctx.stderr.write(`${ctx.t('audit.exported', { events: written, out: values.out ?? '' })}\n`);
    return EXIT_OK;
  } finally {
    if (file && !file.closed) file.destroy();
    await trail.close();
    await archive.close();
  }
}

/** `lingshu audit verify|export`: check the hash chain (exit 1 naming the first broken event) or export JSON lines. */
export async function auditCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help || positionals.length === 0) return printHelp(helpContext(ctx, values.lang), 'usage.audit');
  if (values.lang !== undefined && !isLang(values.lang))
    throw new LingshuError('CONFIG_INVALID', '--lang must be en or zh-CN', { details: { setting: '--lang' } });
  ctx = withLang(ctx, values.lang ?? langFromEnv(ctx.env));
  const [sub, ...extra] = positionals;
  if (extra.length > 0) throw new LingshuError('USAGE', ctx.t('audit.usage'));
  if (sub === 'verify') return verify(values, ctx);
  if (sub === 'export') return exportLines(values, ctx);
  throw new LingshuError('USAGE', ctx.t('audit.usage'));
}
