import * as fs from 'fs';
import { Command } from 'commander';
import { readTemplates, selectStacks, synthesize } from '../assembly';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { cfnLint, Linter } from '../review/lint';
import { ReviewDeps, npmCi, withReviewSides } from '../review/git';
import { destructiveCount, renderReview, reviewStacks } from '../review/report';
import { PROJECT_DIR } from './cost';
import { refuseContextWithTemplates, withContext } from './common';

export interface ReviewOptions {
  readonly base: string;
  readonly context?: readonly string[];
  readonly failOnDestroy?: boolean;
  readonly output?: string;
  /** Compare these synthesized folders instead of synthesizing (`--base-templates`, `--templates`). */
  readonly baseTemplates?: string;
  readonly templates?: string;
  readonly cfnLint?: boolean;
}

/** The exit status of `--fail-on-destroy` when the change destroys or replaces something (the README's table). */
export const DESTRUCTIVE_EXIT = EXIT.destructiveChange;

const DEFAULT_DEPS: ReviewDeps = { synth: synthesize, install: npmCi };

/**
 * Builds the review report. Writes it to `options.output` (or returns it for stdout); with
 * `failOnDestroy`, throws a CliError after writing when anything is destroyed or replaced.
 */
export async function runReview(
  stackNames: readonly string[],
  options: ReviewOptions,
  projectDir: string = PROJECT_DIR,
  deps: ReviewDeps = DEFAULT_DEPS,
  linter: Linter | undefined = options.cfnLint === false ? undefined : cfnLint,
): Promise<string> {
  const compare = (baseDir: string, headDir: string) => {
    const head = readTemplates(headDir);
    const base = readTemplates(baseDir);
    const names = selectStacks([...head, ...base.filter((b) => !head.some((h) => h.name === b.name))], stackNames).map((s) => s.name);
    const pick = <T extends { name: string }>(stacks: T[]) => stacks.filter((s) => names.includes(s.name));
    return reviewStacks(options.base, pick(base), pick(head), linter, stackNames);
  };
  let review;
  if (options.baseTemplates || options.templates) {
    if (!options.baseTemplates || !options.templates) throw new CliError('--base-templates and --templates go together');
    refuseContextWithTemplates(options.context, options.templates ? '--templates' : '--base-templates');
    review = compare(options.baseTemplates, options.templates);
  } else {
    review = await withReviewSides(projectDir, options.base, options.context ?? [], deps, (sides) => compare(sides.baseOut, sides.headOut));
  }
  const report = renderReview(review);
  if (options.output) fs.writeFileSync(options.output, `${report}\n`);
  const destructive = destructiveCount(review);
  if (options.failOnDestroy && destructive) {
    if (!options.output) console.log(report);
    throw new CliError(`the change destroys or replaces ${destructive} resource${destructive === 1 ? '' : 's'} (--fail-on-destroy)`, DESTRUCTIVE_EXIT);
  }
  return report;
}

export function registerReview(program: Command): void {
  const command = program
    .command('review')
    .description('Markdown report of what the working tree changes in each stack against a git ref: resources, IAM, security groups, hourly cost, cdk-nag and cfn-lint findings (no AWS credentials).')
    .argument('[stack...]', 'stack names (default: every stack)')
    .requiredOption('--base <git-ref>', 'the commit to compare with, e.g. origin/main (synthesized in a temporary git worktree)')
    .option('--fail-on-destroy', `exit with status ${DESTRUCTIVE_EXIT} when anything is destroyed or replaced`)
    .option('-o, --output <file>', 'write the report to this file instead of stdout');
  withContext(command, 'a setting for both synths')
    .option('--base-templates <dir>', 'compare this synthesized folder (the base) ...')
    .option('--templates <dir>', '... with this one (the change), instead of synthesizing')
    .option('--no-cfn-lint', 'do not run cfn-lint')
    .addHelpText('after', '\nThe working tree must be clean: the review shows what committing it would change. `npm run review` compares with origin/main.')
    .action(async (stacks: string[], options: ReviewOptions) => {
      const report = await runReview(stacks, options);
      if (!options.output) console.log(report);
    });
}
