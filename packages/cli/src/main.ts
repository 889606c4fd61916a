import { type ErrorCode, isLingshuError, toLingshuError } from '@lingshu/dicom';
import { type CliContext, cliVersion, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, helpContext } from './context.js';
import { langFromEnv, translator } from './i18n.js';

type Command = (args: string[], ctx: CliContext) => Promise<number>;

/**
 * Commands load on demand: `lingshu --help` or `lingshu import` need not compile the server, the
 * job queue and the analyzers (the CLI runs its TypeScript sources through tsx).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  import: async () => (await import('./commands/import.js')).importCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  analyze: async () => (await import('./commands/analyze.js')).analyzeCommand,
  eval: async () => (await import('./commands/eval.js')).evalCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
  worker: async () => (await import('./commands/worker.js')).workerCommand,
  rules: async () => (await import('./commands/rules.js')).rulesCommand,
  user: async () => (await import('./commands/user.js')).userCommand,
  token: async () => (await import('./commands/user.js')).tokenCommand,
  institution: async () => (await import('./commands/institution.js')).institutionCommand,
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
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    ctx.stderr.write(`${ctx.t('error.unknownCommand', { command: command.slice(0, 40) })}\n`);
    return EXIT_USAGE;
  }
  try {
    const run = await load();
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
