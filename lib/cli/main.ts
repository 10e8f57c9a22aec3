import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { CliError } from './errors';

/**
 * The `labs` command line. It never imports a lab's constructs: it works from the labs' tags
 * (`lib/shared/tags.ts`), synthesized templates and AWS APIs.
 *
 * Each command lives in `lib/cli/commands/<name>.ts` and is registered in `lib/cli/commands/index.ts`.
 */
export function buildProgram(): Command {
  const program = new Command('labs')
    .description('See, extend, pause, tear down, cost, review and check the course labs.')
    // A usage error is one line, like every other error: `labs: <what is wrong> (labs <command> --help ...)`.
    .configureOutput({
      outputError: (message, write) => write(`labs: ${message.replace(/^error: /, '').trim()} (run labs --help for usage)\n`),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/**
 * Runs the command line and returns the process exit status. User errors become one line on stderr;
 * anything else is a bug and keeps its stack trace.
 */
export async function run(argv: string[], log: (line: string) => void = console.error): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander already printed its message or help
    if (err instanceof CliError) {
      log(`labs: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}
