/**
 * Checks for the Hadoop lab (lab 5, `HadoopLabStack`): the course's Hive step completed, wrote rows (requests per operating
 * system) under the `ResultsUri` output, and the cluster stops billing on its own. The step and the rows are
 * read as `labs results` reads them (`readHiveResults` in ../results.ts, which tells "completed but empty"
 * from "not yet"); the cluster from the stack's resources, EMR and S3. Writes nothing.
 */
import { DescribeClusterCommand, GetAutoTerminationPolicyCommand } from '@aws-sdk/client-emr';
import { describeStep, hiveStepState, HiveStepState, readHiveResults } from '../results';
import { LabChecks } from './types';
import { attempt, excerpt, fail, missingOutput, pass, skip } from './util';

export const HADOOP_LAB = 'hadoop';

const STEP = 'course step completed';
const ROWS = 'os_requests/ holds rows';
const COUNTS = 'one positive count per operating system';
const STOPS = 'cluster stops billing on its own';

/**
 * The rows that are not `<operating system><separator><positive whole number>` with the separator Hive's
 * text output uses (Ctrl-A, or a tab), and the operating systems named twice.
 */
export function badRows(rows: readonly string[]): { malformed: string[]; repeated: string[] } {
  const seen = new Set<string>();
  const malformed: string[] = [];
  const repeated: string[] = [];
  for (const row of rows) {
    const fields = row.split(row.includes('\x01') ? '\x01' : '\t');
    if (fields.length !== 2 || !fields[0].trim() || !/^[1-9]\d*$/.test(fields[1].trim())) malformed.push(row);
    else if (seen.has(fields[0])) repeated.push(fields[0]);
    else seen.add(fields[0]);
  }
  return { malformed, repeated };
}

const printable = (row: string) => excerpt(row.replace(/\x01/g, '^A'), 60);

export const hadoopChecks: LabChecks = {
  lab: HADOOP_LAB,
  plan: (stack) => [
    `Reads ${stack.name}'s EMR cluster (from its resources), its steps and auto-termination, and the files under the ResultsUri output. Writes nothing.`,
  ],
  async run(context) {
    const { stack, session } = context;
    const resultsUri = stack.outputs.ResultsUri;
    if (!resultsUri) return [missingOutput(ROWS, stack.name, 'ResultsUri')];

    let step: HiveStepState | undefined;
    const stepResult = await attempt(STEP, async () => {
      step = await hiveStepState(session, stack.id);
      const state = step?.state;
      if (!step) return fail(STEP, `${stack.name} has no EMR cluster in its resources. Redeploy it.`);
      if (!step.stepId) return fail(STEP, `Cluster ${step.clusterId} has no steps. Add the course step with the stack's RerunStepCommand output.`);
      if (state === 'COMPLETED') return pass(STEP, `Step "${step.name}" (${step.stepId}) on cluster ${step.clusterId} is COMPLETED.`);
      if (state === 'PENDING' || state === 'RUNNING') {
        return fail(STEP, `Step "${step.name}" is ${state}: not finished yet. It takes a few minutes after the cluster starts; check again then (WatchStepCommand output).`);
      }
      return fail(STEP, `Step "${step.name}" is ${state}${step.failure ? `: ${step.failure}` : ''}. Read its logs (StepLogsCommand output), fix, and run it again (RerunStepCommand).`);
    });

    let rows: string[] | undefined;
    const rowsResult = await attempt(ROWS, async () => {
      const results = await readHiveResults(session, stack.id, resultsUri);
      if (results.kind === 'rows') {
        rows = results.files.flatMap((f) => f.text.split(/\r?\n/).filter((line) => line.length > 0));
        return pass(ROWS, `${rows.length} rows in ${results.files.length} file(s) under ${resultsUri}.`);
      }
      // A completed step with no rows is a broken lab, not a "not yet": the query matched nothing.
      if (results.kind === 'completed-empty') {
        return fail(ROWS, `The step completed but ${resultsUri} holds no rows: the query matched no log line. Check the step's input (InputUri output) and the Hive script's regex.`);
      }
      return fail(ROWS, `No rows under ${resultsUri} yet: ${describeStep(results.step)}.`);
    });
    const completed = step?.state === 'COMPLETED';
    const clusterId = step?.clusterId ?? stack.outputs.ClusterId;

    const countsResult = rows?.length
      ? (() => {
          const { malformed, repeated } = badRows(rows!);
          if (malformed.length) return fail(COUNTS, `${malformed.length} of ${rows!.length} rows are not "<os><tab or ^A><positive count>", e.g. "${printable(malformed[0])}". Check the Hive script's SELECT.`);
          if (repeated.length) return fail(COUNTS, `Operating systems listed more than once: ${repeated.join(', ')}. The query must GROUP BY os.`);
          return pass(COUNTS, `${rows!.length} operating systems, each with a positive count.`);
        })()
      : skip(COUNTS, 'no rows to check.');

    const stopsResult = await attempt(STOPS, async () => {
      if (!clusterId) return fail(STOPS, `${stack.name} has no EMR cluster in its resources and no ClusterId output.`);
      const cluster = (await session.emr.send(new DescribeClusterCommand({ ClusterId: clusterId }))).Cluster;
      const state = cluster?.Status?.State ?? 'UNKNOWN';
      const reason = cluster?.Status?.StateChangeReason;
      const ended = state.startsWith('TERMINAT'); // TERMINATING, TERMINATED, TERMINATED_WITH_ERRORS: no more billing
      if (cluster?.AutoTerminate) {
        // Transient mode (KeepJobFlowAliveWhenNoSteps false): EMR terminates the cluster once its steps end,
        // with reason ALL_STEPS_COMPLETED (https://docs.aws.amazon.com/emr/latest/APIReference/API_ClusterStateChangeReason.html).
        if (ended) return pass(STOPS, `Transient cluster ${clusterId} is ${state} (${reason?.Code ?? 'no reason given'}).`);
        if (!completed) return skip(STOPS, `transient cluster ${clusterId} is ${state}; it terminates once the step ends.`);
        return fail(STOPS, `Transient cluster ${clusterId} is still ${state} after its step ended: it bills until it terminates. Run: aws emr terminate-clusters --cluster-ids ${clusterId}`);
      }
      if (ended) return pass(STOPS, `Cluster ${clusterId} is ${state} (${reason?.Code ?? ''}${reason?.Message ? `: ${reason.Message}` : ''}).`);
      // Long-running mode: EMR's auto-termination policy ends the cluster after IdleTimeout seconds idle
      // (https://docs.aws.amazon.com/emr/latest/APIReference/API_GetAutoTerminationPolicy.html).
      const policy = (await session.emr.send(new GetAutoTerminationPolicyCommand({ ClusterId: clusterId }))).AutoTerminationPolicy;
      const idle = policy?.IdleTimeout ?? 0;
      return idle > 0
        ? pass(STOPS, `Cluster ${clusterId} is ${state} and terminates after ${idle} s idle.`)
        : fail(STOPS, `Cluster ${clusterId} is ${state} with no idle timeout: it bills until the stack is destroyed. Redeploy the lab, or terminate it when done.`);
    });
    return [stepResult, rowsResult, countsResult, stopsResult];
  },
};
