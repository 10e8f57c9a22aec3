import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { errorMessage } from './aws/errors';
import { CliError } from './errors';
import { EXIT } from './exit-codes';

/** The project's version (package.json), for `labs --version`. */
export function labsVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/**
 * The `labs` command line. It never imports a lab's constructs: it works from the labs' tags
 * (`lib/shared/tags.ts`), synthesized templates and AWS APIs.
 *
 * Each command lives in `lib/cli/commands/<name>.ts` and is registered in `lib/cli/commands/index.ts`.
 */
export function buildProgram(): Command {
  const program = new Command('labs')
    .description('See, extend, pause, tear down, cost, review and check the course labs.')
    .version(labsVersion(), '-V, --version', 'print the version of the labs command')
    .option('--debug', 'on an unexpected error, print its stack trace (before or after the command)')
    // A usage error is one line, like every other error: `labs: <what is wrong> (labs <command> --help ...)`.
    .configureOutput({
      outputError: (message, write) => write(`labs: ${message.replace(/^error: /, '').trim()} (run labs --help for usage)\n`),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/**
 * Runs the command line and returns the process exit status. User errors become one line on stderr. Anything
 * else is unexpected (a bug, or an AWS answer the command does not know): one line too, naming the error and
 * `--debug`, which prints its stack trace instead.
 */
export async function run(argv: string[], log: (line: string) => void = console.error): Promise<number> {
  const program = buildProgram();
  // Read from the arguments as well as the parsed option: an error can come before parsing finishes.
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const debug = () => program.opts<{ debug?: boolean }>().debug === true || options.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander already printed its message or help
    if (err instanceof CliError) {
      log(`labs: ${err.message}`);
      return err.exitCode;
    }
    if (debug()) {
      log(err instanceof Error && err.stack ? err.stack : String(err));
    } else {
      const name = err instanceof Error && err.name && err.name !== 'Error' ? `${err.name}: ` : '';
      const operation = err && typeof err === 'object' && typeof (err as { $operation?: unknown }).$operation === 'string' ? ` (${(err as { $operation: string }).$operation})` : '';
      log(`labs: unexpected error${operation}: ${name}${errorMessage(err)} (run again with --debug for the stack trace)`);
    }
    return EXIT.usage;
  }
}
