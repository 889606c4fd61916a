import { LingshuError } from '@lingshu/dicom';
import { ROLES, type ServerContext } from '@lingshu/server';
import {
  type CliContext,
  EXIT_OK,
  EXIT_USAGE,
  helpContext,
  parseCommandArgs,
  printHelp,
  withLang,
} from '../context.js';
import { isLang, langFromEnv } from '../i18n.js';
import { withPlatform } from '../platformAccess.js';
import { promptPassword, readFirstLine } from './password.js';

const COMMON = {
  data: { type: 'string' },
  config: { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USER_OPTIONS = {
  ...COMMON,
  username: { type: 'string' },
  role: { type: 'string' },
  institution: { type: 'string' },
  'display-name': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function usage(message: string): LingshuError {
  return new LingshuError('USAGE', message);
}

/** The new password: from stdin (`--password-stdin`) or a prompt without echo (twice). Never an argument. */
async function newPassword(cli: CliContext, fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return readFirstLine(process.stdin);
  const first = await promptPassword(`${cli.t('user.passwordPrompt')} `, process.stdin, process.stderr);
  const again = await promptPassword(`${cli.t('user.passwordAgain')} `, process.stdin, process.stderr);
  if (first !== again) throw usage(cli.t('user.passwordMismatch'));
  return first;
}

function langOf(cli: CliContext, lang: string | undefined): CliContext {
  if (lang !== undefined && !isLang(lang))
    throw new LingshuError('CONFIG_INVALID', '--lang must be en or zh-CN', { details: { setting: '--lang' } });
  return withLang(cli, lang ?? langFromEnv(cli.env));
}

/** `lingshu user add|list|passwd|disable|enable|unlock`: local user accounts (zh-CN/en). */
export async function userCommand(args: string[], cli: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, USER_OPTIONS);
  if (values.help) return printHelp(helpContext(cli, values.lang), 'usage.user');
  cli = langOf(cli, values.lang);
  const [sub, name] = positionals;
  const out = (text: string): void => {
    cli.stdout.write(`${text}\n`);
  };
  const target = async (ctx: ServerContext) => {
    if (!name) throw usage(cli.t('user.needName'));
    const user = await ctx.platform.auth.findUser(name);
    if (!user) throw new LingshuError('HTTP_NOT_FOUND', cli.t('user.notFound'));
    return user;
  };
  const audit = async (ctx: ServerContext, id: string, change: string) => {
    await ctx.platform.auth.record({
      action: 'admin',
      outcome: 'success',
      actorName: 'cli',
      via: `lingshu user ${sub}`,
      resource: { type: 'user', id },
      detail: { change },
    });
  };
  switch (sub) {
    case 'add': {
      if (!values.username || !values.role) throw usage(cli.t('user.addNeeds'));
      const role = ROLES.find((r) => r === values.role);
      if (!role) throw usage(cli.t('user.badRole', { roles: ROLES.join(', ') }));
      const password = await newPassword(cli, values['password-stdin']);
      return withPlatform(cli, values, async (ctx) => {
        const user = await ctx.platform.auth.createUser({
          username: values.username as string,
          role,
          ...(values.institution !== undefined ? { institution: values.institution } : {}),
          ...(values['display-name'] !== undefined ? { displayName: values['display-name'] } : {}),
          password,
        });
        await audit(ctx, user.id, 'create');
        out(
          cli.t('user.added', { username: user.username, role: user.role, institution: user.institution?.code ?? '*' }),
        );
        return EXIT_OK;
      });
    }
    case 'list':
      return withPlatform(cli, values, async (ctx) => {
        const users = await ctx.platform.auth.listUsers();
        if (values.json) out(JSON.stringify(users, null, 2));
        else if (users.length === 0) out(cli.t('user.none'));
        else
          for (const u of users) {
            const state = u.disabled
              ? cli.t('user.disabled')
              : u.lockedUntil
                ? cli.t('user.locked')
                : cli.t('user.active');
            out(`${u.username}\t${u.role}\t${u.institution?.code ?? '*'}\t${state}\t${u.displayName}`);
          }
        return EXIT_OK;
      });
    case 'passwd': {
      if (!name) throw usage(cli.t('user.needName'));
      const password = await newPassword(cli, values['password-stdin']);
      return withPlatform(cli, values, async (ctx) => {
        const user = await target(ctx);
        await ctx.platform.auth.setPassword(user.id, password);
        await audit(ctx, user.id, 'password-reset');
        out(cli.t('user.passwordSet', { username: user.username }));
        return EXIT_OK;
      });
    }
    case 'disable':
    case 'enable':
      return withPlatform(cli, values, async (ctx) => {
        const user = await target(ctx);
        await ctx.platform.auth.updateUser(user.id, { disabled: sub === 'disable' });
        await audit(ctx, user.id, sub);
        out(cli.t(sub === 'disable' ? 'user.disabledDone' : 'user.enabledDone', { username: user.username }));
        return EXIT_OK;
      });
    case 'unlock':
      return withPlatform(cli, values, async (ctx) => {
        const user = await target(ctx);
        await ctx.platform.auth.unlockUser(user.id);
        await audit(ctx, user.id, 'unlock');
        out(cli.t('user.unlocked', { username: user.username }));
        return EXIT_OK;
      });
    default:
      cli.stderr.write(`${cli.t('usage.user')}\n`);
      return EXIT_USAGE;
  }
}

const TOKEN_OPTIONS = {
  ...COMMON,
  user: { type: 'string' },
  name: { type: 'string' },
  scope: { type: 'string' },
  'expires-days': { type: 'string' },
} as const;

/** `lingshu token create --user U --name N [--scope p,…] [--expires-days D]`: prints the token once. */
export async function tokenCommand(args: string[], cli: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, TOKEN_OPTIONS);
  if (values.help) return printHelp(helpContext(cli, values.lang), 'usage.token');
  cli = langOf(cli, values.lang);
  if (positionals[0] !== 'create') {
    cli.stderr.write(`${cli.t('usage.token')}\n`);
    return EXIT_USAGE;
  }
  if (!values.user || !values.name) throw usage(cli.t('token.needs'));
  const days = values['expires-days'];
  if (days !== undefined && !/^\d{1,4}$/.test(days)) throw usage(cli.t('token.badDays'));
  return withPlatform(cli, values, async (ctx) => {
    const owner = await ctx.platform.auth.findUser(values.user as string);
    if (!owner) throw new LingshuError('HTTP_NOT_FOUND', cli.t('user.notFound'));
    const { token, info } = await ctx.platform.auth.createToken(owner.id, {
      name: values.name as string,
      ...(values.scope !== undefined ? { scopes: values.scope.split(',').map((s) => s.trim()) } : {}),
      ...(days !== undefined ? { expiresDays: Number(days) } : {}),
    });
    await ctx.platform.auth.record({
      action: 'admin',
      outcome: 'success',
      actorName: 'cli',
      via: 'lingshu token create',
      resource: { type: 'token', id: info.id },
      detail: { change: 'token-create', scopes: (info.scopes ?? ['*']).join(' ') },
    });
    cli.stderr.write(`${cli.t('token.created', { name: info.name, username: owner.username, id: info.id })}\n`);
    cli.stdout.write(`${token}\n`);
    return EXIT_OK;
  });
}
