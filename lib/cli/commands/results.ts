import { Command } from 'commander';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatBytes } from '../format';
import { getLabStack } from '../inventory/stacks';
import { io } from '../io';
import { describeStep, HiveResults, MAX_RESULT_BYTES, parseS3Uri, readHiveResults, renderHiveRows, RESULT_COLUMNS } from '../results';
import { RegionOption, withRegion, withSession } from './common';

/** The lab whose results `labs results` fetches, by its `course-labs:lab` tag. */
export const RESULTS_LAB = 'hadoop';
/** The stack output that holds where the Hive step writes (an s3:// URI of its `os_requests/` prefix). */
export const RESULTS_OUTPUT = 'ResultsUri';

/** `labs results <stack>`: print the Hadoop lab's Hive output from S3. */
export function registerResults(program: Command): void {
  withRegion(
    program
      .command('results')
      .summary("Print the Hadoop lab's Hive results from S3")
      .description("Print the Hadoop lab's results: the Hive step's output (requests per operating system) from S3. Other labs have no results to fetch.")
      .argument('<stack>', 'the Hadoop lab stack'),
  ).action(async (stackName: string, options: RegionOption) => {
    await withSession(options, async (session) => {
      const stack = await getLabStack(session, stackName);
      if (stack.lab !== RESULTS_LAB) {
        io.out(`${stack.name} is the ${stack.lab} lab, which has no results to fetch: labs results is for the Hadoop lab's Hive output.`);
        return;
      }
      const uri = stack.outputs[RESULTS_OUTPUT];
      if (!uri) throw new CliError(`${stack.name} has no ${RESULTS_OUTPUT} output, so labs cannot tell where its results are. Redeploy it from this checkout.`, EXIT.notFound);
      const location = parseS3Uri(uri);
      if (!location) throw new CliError(`${stack.name}'s ${RESULTS_OUTPUT} output "${uri}" is not an s3://bucket/prefix URI.`, EXIT.notFound);

      const results = await readHiveResults(session, stack.id, uri);
      io.out(resultsReport(stack.name, results));
    });
  });
}

/**
 * What `labs results` prints for rows, or the error it exits with otherwise: "completed with no rows"
 * (exit 5: the step ran and its query matched nothing) and "no results yet" (exit 4) say which they are.
 */
export function resultsReport(stackName: string, results: HiveResults): string {
  if (results.kind === 'completed-empty') {
    throw new CliError(
      `${stackName}'s Hive step completed but its query returned no rows: ${results.uri} holds ${results.emptyFiles ? `${results.emptyFiles} empty output file(s) and ` : ''}no row (${describeStep(results.step)}). ` +
        "The table's regular expression matched no log line in the date range: check that the input holds CloudFront standard logs (hadoopInput) and read the step's stderr (StepLogsCommand).",
      EXIT.incomplete,
    );
  }
  if (results.kind === 'not-yet') {
    const ended = ['FAILED', 'CANCELLED', 'INTERRUPTED'].includes(results.step?.state ?? '');
    throw new CliError(
      `No results yet under ${results.uri}: ${describeStep(results.step)}. ` +
        (ended ? "It wrote nothing: read its logs (StepLogsCommand), then run it again (RerunStepCommand)." : 'The Hive step writes them when it finishes; try again then.'),
      EXIT.notFound,
    );
  }
  const total = results.files.reduce((sum, f) => sum + f.size, 0);
  const cut = results.files.filter((f) => f.truncated).map((f) => f.key.split('/').pop());
  const source = `${results.uri} (${results.files.length} file${results.files.length === 1 ? '' : 's'}, ${formatBytes(total)})`;
  const step = results.step?.stepId ? `, written by step "${results.step.name}" (${results.step.stepId}, now ${results.step.state ?? 'in an unknown state'})` : '';
  const note = cut.length ? `\n(only the first ${formatBytes(MAX_RESULT_BYTES)} of ${cut.join(', ')} shown)` : '';
  const text = results.files.map((f) => (f.text.endsWith('\n') || !f.text ? f.text : `${f.text}\n`)).join('');
  return `Requests per operating system, from ${source}${step}:\n${renderHiveRows(text, RESULT_COLUMNS)}${note}`;
}
