/**
 * Checks for the Hadoop lab (lab 5): the course's Hive step completed, wrote rows (requests per operating
 * system) under the `ResultsUri` output, and the cluster stops billing on its own. From the stack's
 * `ClusterId`, `ResultsUri` and `DescribeStepCommand` outputs, EMR and S3; writes nothing.
 */
import { DescribeClusterCommand, GetAutoTerminationPolicyCommand, ListStepsCommand, StepSummary } from '@aws-sdk/client-emr';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AwsSession } from '../aws/session';
import { isResultFile, parseS3Uri } from '../results';
import { CheckContext, CheckResult, LabChecks } from './types';
import { attempt, excerpt, fail, missingOutput, pass, skip } from './util';

export const HADOOP_LAB = 'hadoop';

const STEP = 'course step completed';
const ROWS = 'os_requests/ holds rows';
const COUNTS = 'one positive count per operating system';
const STOPS = 'cluster stops billing on its own';

/**
 * The course step's name, from the stack's `DescribeStepCommand` output (which selects the step by name:
 * `Steps[?Name==\`<name>\`]`); undefined when the output is missing or written otherwise.
 */
export function courseStepName(outputs: Readonly<Record<string, string>>): string | undefined {
  return /Name==`([^`]+)`/.exec(outputs.DescribeStepCommand ?? '')?.[1];
}

/**
 * Every row the step wrote under `uri`, in key order. Kept small on purpose: `labs results` reads the same
 * files, and when lib/cli/results.ts exports one reader for both (telling "completed but empty" from "not
 * yet"), this is the function to replace with it.
 */
export async function readResultRows(session: AwsSession, uri: string): Promise<{ files: number; rows: string[] }> {
  const location = parseS3Uri(uri);
  if (!location) throw new Error(`ResultsUri "${uri}" is not an s3://bucket/prefix URI`);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await session.s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && isResultFile(o.Key, o.Size ?? 0)) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  keys.sort();
  const rows: string[] = [];
  for (const key of keys) {
    const body = await (await session.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }))).Body?.transformToString('utf8');
    rows.push(...(body ?? '').split(/\r?\n/).filter((line) => line.length > 0));
  }
  return { files: keys.length, rows };
}

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

/** The course step: the one named in the outputs, else the cluster's first step. */
async function findStep(context: CheckContext, clusterId: string): Promise<StepSummary | undefined> {
  const name = courseStepName(context.stack.outputs);
  const steps: StepSummary[] = [];
  let marker: string | undefined;
  do {
    const page = await context.session.emr.send(new ListStepsCommand({ ClusterId: clusterId, Marker: marker }));
    steps.push(...(page.Steps ?? []));
    marker = page.Marker;
  } while (marker);
  // ListSteps returns the newest first (https://docs.aws.amazon.com/emr/latest/APIReference/API_ListSteps.html).
  return name ? steps.find((s) => s.Name === name) : steps[steps.length - 1];
}

const printable = (row: string) => excerpt(row.replace(/\x01/g, '^A'), 60);

export const hadoopChecks: LabChecks = {
  lab: HADOOP_LAB,
  plan: (stack) => [
    `Reads ${stack.name}'s ClusterId and ResultsUri outputs, the cluster's steps and auto-termination, and the files under ResultsUri. Writes nothing.`,
  ],
  async run(context) {
    const { stack, session } = context;
    const clusterId = stack.outputs.ClusterId;
    const resultsUri = stack.outputs.ResultsUri;
    if (!clusterId) return [missingOutput(STEP, stack.name, 'ClusterId')];
    if (!resultsUri) return [missingOutput(ROWS, stack.name, 'ResultsUri')];

    let step: StepSummary | undefined;
    const stepResult = await attempt(STEP, async () => {
      step = await findStep(context, clusterId);
      const state = step?.Status?.State;
      if (!step) return fail(STEP, `Cluster ${clusterId} has no ${courseStepName(stack.outputs) ?? 'course'} step. Add it with the stack's RerunStepCommand output.`);
      if (state === 'COMPLETED') return pass(STEP, `Step "${step.Name}" (${step.Id}) on cluster ${clusterId} is COMPLETED.`);
      if (state === 'PENDING' || state === 'RUNNING') {
        return fail(STEP, `Step "${step.Name}" is ${state}: not finished yet. It takes a few minutes after the cluster starts; check again then (WatchStepCommand output).`);
      }
      const reason = step.Status?.FailureDetails?.Message ?? step.Status?.StateChangeReason?.Message;
      return fail(STEP, `Step "${step.Name}" is ${state}${reason ? `: ${reason}` : ''}. Read its logs (StepLogsCommand output), fix, and run it again (RerunStepCommand).`);
    });
    const completed = step?.Status?.State === 'COMPLETED';

    let rows: string[] | undefined;
    const rowsResult = await attempt(ROWS, async () => {
      const read = await readResultRows(session, resultsUri);
      rows = read.rows;
      if (read.rows.length) return pass(ROWS, `${read.rows.length} rows in ${read.files} file(s) under ${resultsUri}.`);
      // A completed step with no rows is a broken lab, not a "not yet": the query matched nothing.
      return completed
        ? fail(ROWS, `The step completed but ${resultsUri} holds no rows (${read.files} non-empty files): the query matched no log line. Check the step's input (InputUri output) and the Hive script's regex.`)
        : fail(ROWS, `No rows under ${resultsUri} yet: the step has not completed (see "${STEP}").`);
    });

    const countsResult = rows?.length
      ? (() => {
          const { malformed, repeated } = badRows(rows!);
          if (malformed.length) return fail(COUNTS, `${malformed.length} of ${rows!.length} rows are not "<os><tab or ^A><positive count>", e.g. "${printable(malformed[0])}". Check the Hive script's SELECT.`);
          if (repeated.length) return fail(COUNTS, `Operating systems listed more than once: ${repeated.join(', ')}. The query must GROUP BY os.`);
          return pass(COUNTS, `${rows!.length} operating systems, each with a positive count.`);
        })()
      : skip(COUNTS, 'no rows to check.');

    const stopsResult = await attempt(STOPS, async () => {
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
