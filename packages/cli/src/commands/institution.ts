import type { Institution, InstitutionChanges, InstitutionKind } from '@lingshu/archive';
import { LingshuError } from '@lingshu/dicom';
import type { ServerContext } from '@lingshu/server';
import { type CliContext, EXIT_OK, helpContext, parseCommandArgs, printHelp, withLang } from '../context.js';
import { isLang, langFromEnv } from '../i18n.js';
import { withArchive, withPlatform } from '../platformAccess.js';

const OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  'name-en': { type: 'string' },
  kind: { type: 'string' },
  hub: { type: 'string' },
  ae: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function kindOf(raw: string | undefined, cli: CliContext): InstitutionKind | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'hub' && raw !== 'primary') throw new LingshuError('USAGE', cli.t('institution.badKind'));
  return raw;
}

function aeList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

async function hubPk(ctx: ServerContext, cli: CliContext, code: string | undefined): Promise<string | undefined> {
  if (code === undefined) return undefined;
  const hub = await ctx.archive.institutions.byCode(code);
  if (!hub) throw new LingshuError('USAGE', cli.t('institution.unknown', { code }));
  return hub.pk;
}

/** Bad input from the archive (code, AE title, hub) is a usage error: exit 2 with its message. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof LingshuError && (e.code === 'HTTP_BAD_PARAMETER' || e.code === 'INSTITUTION_CONFLICT'))
      throw new LingshuError('USAGE', e.message, { details: e.details });
    throw e;
  }
}

function line(i: Institution, byPk: ReadonlyMap<string, string>): string {
  const hub = i.hubPk ? (byPk.get(i.hubPk) ?? i.hubPk) : '-';
  const names = i.nameEn ? `${i.name} (${i.nameEn})` : i.name;
  return [
    i.code.padEnd(12),
    i.kind.padEnd(8),
    hub.padEnd(12),
    names,
    i.aeTitles.length > 0 ? `[${i.aeTitles.join(',')}]` : '',
  ]
    .join(' ')
    .trimEnd();
}

async function recordAdmin(ctx: ServerContext, code: string, change: 'create' | 'update'): Promise<void> {
  await ctx.platform.audit.record({
    action: 'admin',
    outcome: 'success',
    actorName: 'cli',
    actorKind: 'system',
    via: `lingshu institution ${change === 'create' ? 'add' : 'update'}`,
    resource: { type: 'institution', id: code },
    detail: { change },
  });
}

/** `lingshu institution add|list|update`: the institutions of the network (医联体), zh-CN/en. */
export async function institutionCommand(args: string[], cli: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(cli, values.lang), 'usage.institution');
  if (values.lang !== undefined && !isLang(values.lang))
    throw new LingshuError('CONFIG_INVALID', '--lang must be en or zh-CN', { details: { setting: '--lang' } });
  cli = withLang(cli, values.lang ?? langFromEnv(cli.env));
  const out = (text: string): void => {
    cli.stdout.write(`${text}\n`);
  };
  const [sub] = positionals;
  switch (sub) {
    case 'list':
      return withArchive(cli, values, async (archive) => {
        const all = await archive.institutions.list();
        if (values.json) out(JSON.stringify(all, null, 2));
        else {
          const byPk = new Map(all.map((i) => [i.pk, i.code]));
          out(cli.t('institution.header'));
          for (const i of all) out(line(i, byPk));
        }
        return EXIT_OK;
      });
    case 'add': {
      if (!values.code || !values.name) throw new LingshuError('USAGE', cli.t('institution.needCodeName'));
      const kind = kindOf(values.kind, cli);
      const aeTitles = aeList(values.ae);
      return withPlatform(cli, values, async (ctx) => {
        const hub = await hubPk(ctx, cli, values.hub);
        const created = await asUsage(() =>
          ctx.archive.institutions.create({
            code: values.code!,
            name: values.name!,
            ...(values['name-en'] !== undefined ? { nameEn: values['name-en'] } : {}),
            ...(kind ? { kind } : {}),
            ...(hub ? { hubPk: hub } : {}),
            ...(aeTitles ? { aeTitles } : {}),
          }),
        );
        await recordAdmin(ctx, created.code, 'create');
        out(values.json ? JSON.stringify(created, null, 2) : cli.t('institution.added', { code: created.code }));
        return EXIT_OK;
      });
    }
    case 'update': {
      if (!values.code) throw new LingshuError('USAGE', cli.t('institution.needCode'));
      const kind = kindOf(values.kind, cli);
      const aeTitles = aeList(values.ae);
      return withPlatform(cli, values, async (ctx) => {
        const current = await ctx.archive.institutions.byCode(values.code!);
        if (!current) throw new LingshuError('USAGE', cli.t('institution.unknown', { code: values.code! }));
        const changes: InstitutionChanges = {};
        if (values.name !== undefined) changes.name = values.name;
        if (values['name-en'] !== undefined) changes.nameEn = values['name-en'];
        if (kind) changes.kind = kind;
        if (aeTitles) changes.aeTitles = aeTitles;
        if (values.hub !== undefined)
          changes.hubPk = values.hub === '' ? null : ((await hubPk(ctx, cli, values.hub)) ?? null);
        const updated = await asUsage(() => ctx.archive.institutions.update(current.pk, changes));
        await recordAdmin(ctx, updated.code, 'update');
        out(values.json ? JSON.stringify(updated, null, 2) : cli.t('institution.updated', { code: updated.code }));
        return EXIT_OK;
      });
    }
    default:
      throw new LingshuError('USAGE', cli.t('institution.unknownCommand'));
  }
}
