/**
 * The Hadoop lab's results: the files its Hive step wrote under `os_requests/` (requests per operating
 * system). Hive writes text rows with fields separated by Ctrl-A (\x01) unless told otherwise; this turns
 * them into aligned columns under a header, and tells "the step completed with no rows" from "no results
 * yet" (`readHiveResults`), for `labs results` and the Hadoop lab's `labs check`.
 */
import { paginateListSteps, StepSummary } from '@aws-sdk/client-emr';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { AwsSession } from './aws/session';
import { listStackResources } from './inventory/stacks';

/** Parses `s3://bucket/prefix/` into bucket and key prefix; undefined if it is not an S3 URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim());
  if (!m) return undefined;
  const prefix = m[2] ?? '';
  return { bucket: m[1], prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/** Keys that hold no rows: folder markers (`dir/`, `dir_$folder$`) and Hadoop's `_SUCCESS`. */
export function isResultFile(key: string, size: number): boolean {
  const name = key.split('/').pop() ?? '';
  return size > 0 && !key.endsWith('/') && !name.endsWith('_$folder$') && name !== '_SUCCESS';
}

/**
 * Hive's text output as aligned columns: fields split on Ctrl-A (or tabs), numbers right-aligned, under
 * `header` when one is given (a column is numeric if every row's value is).
 */
export function renderHiveRows(text: string, header?: readonly string[]): string {
  const data = text
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => line.split(line.includes('\x01') ? '\x01' : '\t'));
  if (!data.length) return '';
  const rows = header ? [[...header], ...data] : data;
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = widths.map((_, i) => data.every((r) => r[i] === undefined || /^-?\d+(\.\d+)?$/.test(r[i])));
  return rows
    .map((r) =>
      widths
        .map((w, i) => (numeric[i] ? (r[i] ?? '').padStart(w) : (r[i] ?? '').padEnd(w)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The columns of the Hive step's output, in order: `SELECT os, COUNT(*) AS requests` in
 * `lib/hadoop/hive/os-requests.q` (a test checks the two agree). Hive writes no header line itself.
 */
export const RESULT_COLUMNS = ['os', 'requests'] as const;

/**
 * The name of the step that writes `ResultsUri`: the stack's own step and `RerunStepCommand`'s
 * (`OS_REQUESTS_STEP_NAME` in lib/hadoop/os-requests-step.ts; a test checks the two agree). A step a
 * student adds under another name writes elsewhere, so it does not decide what an empty `ResultsUri` means.
 */
export const RESULTS_STEP_NAME = 'os-requests';

/** The Hive step as `labs results` and `labs check` see it: the newest step named `RESULTS_STEP_NAME`, else the newest step. */
export interface HiveStepState {
  readonly clusterId: string;
  readonly stepId?: string;
  readonly name?: string;
  /** EMR's step state: PENDING, CANCEL_PENDING, RUNNING, COMPLETED, CANCELLED, FAILED or INTERRUPTED. */
  readonly state?: string;
  /** EMR's failure message, for a FAILED step. */
  readonly failure?: string;
}

/** One output file that holds rows, with its text (the first `MAX_RESULT_BYTES` of a larger one). */
export interface HiveResultFile {
  readonly key: string;
  readonly size: number;
  readonly text: string;
  readonly truncated: boolean;
}

/**
 * What the lab's result location holds, told apart the way a student needs:
 * - `rows`: files with rows (whatever the step's state: a later rerun may be running);
 * - `completed-empty`: the newest step COMPLETED and wrote no row: the query ran and matched nothing,
 *   which for the course's data means the script is broken (the lab's check fails on it);
 * - `not-yet`: no rows and no completed step: the step is pending, running, failed or absent.
 */
export type HiveResults =
  | { readonly kind: 'rows'; readonly uri: string; readonly files: readonly HiveResultFile[]; readonly step?: HiveStepState }
  | { readonly kind: 'completed-empty'; readonly uri: string; readonly step: HiveStepState; readonly emptyFiles: number }
  | { readonly kind: 'not-yet'; readonly uri: string; readonly step?: HiveStepState; readonly cluster?: string };

/** Larger files are read only this far: the lab's result is a few hundred bytes. */
export const MAX_RESULT_BYTES = 1024 * 1024;

/**
 * The newest step named `RESULTS_STEP_NAME` of the stack's EMR cluster, else its newest step (ListSteps
 * answers newest first), or undefined if the stack has no cluster; `{ clusterId }` alone if the cluster
 * has no step.
 */
export async function hiveStepState(session: AwsSession, stackId: string): Promise<HiveStepState | undefined> {
  const clusterId = (await listStackResources(session, stackId)).find((r) => r.ResourceType === 'AWS::EMR::Cluster')?.PhysicalResourceId;
  if (!clusterId) return undefined;
  let newest: StepSummary | undefined;
  for await (const page of paginateListSteps({ client: session.emr }, { ClusterId: clusterId })) {
    newest ??= page.Steps?.[0];
    const named = page.Steps?.find((s) => s.Name === RESULTS_STEP_NAME);
    if (named) return stepState(clusterId, named);
  }
  return newest ? stepState(clusterId, newest) : { clusterId };
}

function stepState(clusterId: string, step: StepSummary): HiveStepState {
  return { clusterId, stepId: step.Id, name: step.Name, state: step.Status?.State, failure: step.Status?.FailureDetails?.Message };
}

/**
 * Reads the Hadoop lab's results at `uri` (its `ResultsUri` output) and says which of the three cases it is
 * in. `stackId` finds the cluster, for the step's state. Throws only on AWS errors.
 */
export async function readHiveResults(session: AwsSession, stackId: string, uri: string): Promise<HiveResults> {
  const location = parseS3Uri(uri);
  if (!location) throw new Error(`"${uri}" is not an s3://bucket/prefix URI`);
  const withRows: { key: string; size: number }[] = [];
  let emptyFiles = 0;
  for await (const page of paginateListObjectsV2({ client: session.s3 }, { Bucket: location.bucket, Prefix: location.prefix })) {
    for (const o of page.Contents ?? []) {
      if (!o.Key) continue;
      if (isResultFile(o.Key, o.Size ?? 0)) withRows.push({ key: o.Key, size: o.Size ?? 0 });
      else if (isResultFile(o.Key, 1)) emptyFiles++; // an output file with no rows (Hive writes one for an empty result)
    }
  }
  const step = await hiveStepState(session, stackId);
  if (withRows.length) {
    withRows.sort((a, b) => a.key.localeCompare(b.key));
    const files: HiveResultFile[] = [];
    for (const file of withRows) {
      const truncated = file.size > MAX_RESULT_BYTES;
      const object = await session.s3.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: file.key, Range: truncated ? `bytes=0-${MAX_RESULT_BYTES - 1}` : undefined }),
      );
      files.push({ ...file, truncated, text: (await object.Body?.transformToString('utf8')) ?? '' });
    }
    return { kind: 'rows', uri, files, step };
  }
  if (step?.state === 'COMPLETED') return { kind: 'completed-empty', uri, step, emptyFiles };
  return { kind: 'not-yet', uri, step, cluster: step?.clusterId };
}

/** One line on the step, for messages: `step "os-requests" (s-XXXX) on cluster j-XXXX is RUNNING`. */
export function describeStep(step: HiveStepState | undefined): string {
  if (!step) return 'the stack has no EMR cluster';
  if (!step.stepId) return `cluster ${step.clusterId} has no steps yet`;
  const failure = step.failure ? `: ${step.failure}` : '';
  return `its latest step "${step.name}" (${step.stepId}) on cluster ${step.clusterId} is ${step.state ?? 'in an unknown state'}${failure}`;
}
