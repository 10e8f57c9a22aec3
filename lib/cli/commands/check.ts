import { Command, InvalidArgumentError } from 'commander';
import { AwsSession } from '../aws/session';
import { checksFor } from '../check';
import { CheckDeps, liveDeps, renderReport, renderTable, runLabChecks, StackReport } from '../check/run';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { getLabStack, LabStack, listStacks } from '../inventory/stacks';
import { io } from '../io';
import { RegionOption, withRegion, withSession } from './common';

export interface CheckCommandOptions extends RegionOption {
  readonly stackSuffix?: string;
  readonly all?: boolean;
  readonly json?: boolean;
  readonly watch?: boolean;
  readonly seconds?: number;
}

/** The longest `--watch` run: one hour (a phase change takes a few minutes). */
export const MAX_WATCH_SECONDS = 3600;

/** Parses `--seconds`: a positive whole number, at most an hour. */
export function parseSeconds(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > MAX_WATCH_SECONDS) {
    throw new InvalidArgumentError(`"${value}" is not allowed: a whole number of seconds from 1 to ${MAX_WATCH_SECONDS}.`);
  }
  return Number(value);
}

/** The `stackSuffix` setting's rule (lib/shared/settings.ts): 1 to 20 letters, digits or hyphens, starting with a letter or digit. */
const SUFFIX = /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/;

/** Parses `--stack-suffix`, as `-c stackSuffix=` accepts it. */
export function parseSuffix(value: string): string {
  if (!SUFFIX.test(value)) throw new InvalidArgumentError(`"${value}" is not allowed: 1 to 20 letters, digits or hyphens, starting with a letter or digit.`);
  return value;
}

/** The stack to check: the name given, with `-<suffix>` appended when `--stack-suffix` is given. */
export function stackNameFor(name: string, suffix?: string): string {
  return suffix && !name.endsWith(`-${suffix}`) ? `${name}-${suffix}` : name;
}

/**
 * Checks the named stack, or every lab stack (`--all`), and prints the report. Throws a `CliError` with
 * `EXIT.checksFailed` when any check failed, after printing everything.
 */
export async function checkCommand(session: AwsSession, stackName: string | undefined, options: CheckCommandOptions, deps: CheckDeps): Promise<StackReport[]> {
  if (!stackName === !options.all) throw new CliError('Name one lab stack, or pass --all for every lab stack (not both).', EXIT.usage);
  if (options.seconds !== undefined && !options.watch) throw new CliError('--seconds is how long --watch runs: pass --watch too.', EXIT.usage);
  if (options.watch && options.all) throw new CliError('--watch watches one lab stack: name it instead of --all.', EXIT.usage);

  let stacks: LabStack[];
  if (stackName) {
    const stack = await getLabStack(session, stackNameFor(stackName, options.stackSuffix));
    const checks = checksFor(stack.lab);
    if (!checks) throw new CliError(`${stack.name} is the ${stack.lab} lab, which has no checks in this version of labs.`, EXIT.notFound);
    if (options.watch && !checks.watches) throw new CliError(`--watch is for the microservices lab; ${stack.name} is the ${stack.lab} lab.`, EXIT.usage);
    stacks = [stack];
  } else {
    const { labStacks } = await listStacks(session);
    const matching = options.stackSuffix ? labStacks.filter((s) => s.name.endsWith(`-${options.stackSuffix}`)) : labStacks;
    if (!matching.length) {
      throw new CliError(`There are no lab stacks${options.stackSuffix ? ` with suffix -${options.stackSuffix}` : ''} in ${await session.region()}.`, EXIT.notFound);
    }
    stacks = [...matching];
  }

  const reports: StackReport[] = [];
  for (const stack of stacks) {
    // The plan comes first, before anything is requested or written.
    if (!options.json) for (const line of checksFor(stack.lab)?.plan(stack) ?? []) io.out(`${stack.name}: ${line}`);
    const report = await runLabChecks(session, stack, deps, { watch: options.watch, seconds: options.seconds });
    reports.push(report);
    if (!options.json && !options.all) for (const line of renderReport({ ...report, plan: [] })) io.out(line);
  }
  if (options.json) {
    io.out(JSON.stringify({ region: await session.region(), ok: reports.every((r) => r.ok), stacks: reports }, null, 2));
  } else if (options.all) {
    for (const line of renderTable(reports)) io.out(line);
  }
  const failed = reports.filter((r) => !r.ok);
  if (failed.length) {
    const checks = failed.reduce((n, r) => n + r.checks.filter((c) => c.status === 'FAIL').length, 0);
    throw new CliError(`${checks} check${checks === 1 ? '' : 's'} failed on ${failed.map((r) => r.stack).join(', ')} (FAIL lines above say what to do).`, EXIT.checksFailed);
  }
  return reports;
}

/** `labs check <stack>|--all`: prove a deployed lab works. */
export function registerCheck(program: Command): void {
  withRegion(
    program
      .command('check')
      .summary('Prove a deployed lab works: one PASS/FAIL/SKIP line per check')
      .description(
        "Run the checks that prove the course's exercise can be done on a deployed lab, and print one line per check: PASS, FAIL with " +
          'what was seen and what to do, or SKIP with why. Exit status 0 when no check fails, 7 when one does. A check that must write ' +
          '(a temporary user, a test workload) says so in the plan printed first, and removes what it wrote.',
      )
      .argument('[stack]', 'the lab stack, e.g. StaticSiteLabStack')
      .option('--stack-suffix <suffix>', "the copy deployed with -c stackSuffix=<suffix> (e.g. a student's)", parseSuffix)
      .option('--all', 'every lab stack in the region: one table row per stack')
      .option('--json', 'print the results as JSON, for graders')
      .option('--watch', 'microservices lab: request every route at 20/s and count failures per route and status (run it while redeploying)')
      .option('--seconds <n>', 'how long --watch runs (default 60)', parseSeconds),
  ).action(async (stackName: string | undefined, options: CheckCommandOptions) => {
    await withSession(options, async (session) => {
      await checkCommand(session, stackName, options, liveDeps((line) => io.err(line)));
    });
  });
}
