import { type ErrorCode, isLingshuError, toLingshuError } from '@lingshu/dicom';
import { analyzeCommand } from './commands/analyze.js';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { importCommand } from './commands/import.js';
import { institutionCommand } from './commands/institution.js';
import { rulesCommand } from './commands/rules.js';
import { serveCommand } from './commands/serve.js';
import { tokenCommand, userCommand } from './commands/user.js';
import { workerCommand } from './commands/worker.js';
import { type CliContext, cliVersion, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, helpContext } from './context.js';
import { langFromEnv, translator } from './i18n.js';

type Command = (args: string[], ctx: CliContext) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  import: importCommand,
  demo: demoCommand,
  serve: serveCommand,
  analyze: analyzeCommand,
  eval: evalCommand,
  audit: auditCommand,
  worker: workerCommand,
  rules: rulesCommand,
  user: userCommand,
  token: tokenCommand,
  institution: institutionCommand,
};

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['USAGE', 'CONFIG_INVALID']);

function defaultContext(): CliContext {
  const lang = langFromEnv(process.env);
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    lang,
    t: translator(lang),
  };
}

/** `--lang X` or `--lang=X` anywhere in the arguments (for messages before a command parses them). */
function langArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') return argv[i + 1];
    if (a.startsWith('--lang=')) return a.slice('--lang='.length);
  }
  return undefined;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage or configuration error). */
export async function main(argv: string[], base: CliContext = defaultContext()): Promise<number> {
  const ctx = helpContext(base, langArg(argv));
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    ctx.stdout.write(`${ctx.t('usage.main')}\n`);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    ctx.stdout.write(`${cliVersion()}\n`);
    return EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    ctx.stderr.write(`${ctx.t('error.unknownCommand', { command: command.slice(0, 40) })}\n`);
    return EXIT_USAGE;
  }
  try {
    return await run(rest, ctx);
  } catch (e) {
    const err = toLingshuError(e);
    if (isLingshuError(err) && USAGE_CODES.has(err.code)) {
      const key = err.code === 'USAGE' ? 'error.usage' : 'error.config';
      ctx.stderr.write(`${ctx.t(key, { message: err.message })}\n`);
      return EXIT_USAGE;
    }
    ctx.stderr.write(`${ctx.t('error.failed', { code: err.code, message: err.message })}\n`);
    return EXIT_FAILURE;
  }
}
