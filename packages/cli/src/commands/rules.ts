import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LingshuError } from '@lingshu/dicom';
import {
  type CliContext,
  EXIT_FAILURE,
  EXIT_OK,
  helpContext,
  parseCommandArgs,
  printHelp,
  withLang,
} from '../context.js';
import { isLang, langFromEnv } from '../i18n.js';
import { withPlatform } from '../platformAccess.js';

const OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(message: string): LingshuError {
  return new LingshuError('USAGE', message);
}

/** `lingshu rules list|show ID|set FILE|dry-run STUDY_UID`: the AI routing rules (zh-CN/en). */
export async function rulesCommand(args: string[], cli: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  if (values.help) return printHelp(helpContext(cli, values.lang), 'usage.rules');
  if (values.lang !== undefined && !isLang(values.lang))
    throw new LingshuError('CONFIG_INVALID', '--lang must be en or zh-CN', { details: { setting: '--lang' } });
  cli = withLang(cli, values.lang ?? langFromEnv(cli.env));
  const [sub, arg] = positionals;
  const out = (text: string): void => {
    cli.stdout.write(`${text}\n`);
  };
  switch (sub) {
    case 'list':
      return withPlatform(cli, values, async (ctx) => {
        const rules = await ctx.platform.jobs.rules();
        if (values.json) out(JSON.stringify(rules, null, 2));
        else if (rules.length === 0) out(cli.t('rules.none'));
        else
          for (const r of rules)
            out(
              `${r.id}\t${r.enabled ? 'on' : cli.t('rules.disabled')}\t${r.priority}\t${r.analyzers.join(',')}\t${r.name}`,
            );
        return EXIT_OK;
      });
    case 'show': {
      if (!arg) throw usage('rules show needs a rule id');
      return withPlatform(cli, values, async (ctx) => {
        const rule = (await ctx.platform.jobs.rules()).find((r) => r.id === arg);
        if (!rule) {
          cli.stderr.write(`${cli.t('rules.notFound')}\n`);
          return EXIT_FAILURE;
        }
        out(JSON.stringify(rule, null, 2));
        return EXIT_OK;
      });
    }
    case 'set': {
      if (!arg) throw usage('rules set needs a JSON file');
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(resolve(cli.cwd, arg), 'utf8'));
      } catch {
        throw new LingshuError('RULE_INVALID', 'rules: the file cannot be read as JSON', {
          details: { field: 'rules' },
        });
      }
      return withPlatform(cli, values, async (ctx) => {
        const rules = await ctx.platform.jobs.setRules(raw, 'cli');
        out(cli.t('rules.saved', { count: rules.length }));
        return EXIT_OK;
      });
    }
    case 'dry-run': {
      if (!arg) throw usage('rules dry-run needs a Study Instance UID');
      return withPlatform(cli, values, async (ctx) => {
        const d = await ctx.platform.jobs.dryRun(arg);
        if (values.json) {
          out(JSON.stringify(d, null, 2));
          return EXIT_OK;
        }
        if (d.analyzers.length === 0) out(cli.t('rules.noMatch'));
        for (const a of d.analyzers)
          out(cli.t('rules.match', { analyzer: a.analyzerId, rule: a.ruleId, priority: a.priority }));
        for (const r of d.rules) {
          const state = !r.enabled
            ? cli.t('rules.disabled')
            : r.matched
              ? cli.t('rules.matched')
              : cli.t('rules.notMatched');
          out(`- ${r.ruleId}: ${state}`);
          for (const c of r.conditions) out(`    ${c.ok ? '✓' : '✗'} ${c.condition}: ${c.detail}`);
        }
        return EXIT_OK;
      });
    }
    default:
      throw usage('rules needs list, show, set or dry-run');
  }
}
