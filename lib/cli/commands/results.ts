import { Command } from 'commander';
import { paginateListSteps } from '@aws-sdk/client-emr';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { AwsSession } from '../aws/session';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatBytes } from '../format';
import { getLabStack, LabStack, listStackResources } from '../inventory/stacks';
import { io } from '../io';
import { isResultFile, parseS3Uri, renderHiveRows } from '../results';
import { RegionOption, withRegion, withSession } from './common';

/** The lab whose results `labs results` fetches, by its `course-labs:lab` tag. */
export const RESULTS_LAB = 'hadoop';
/** The stack output that holds where the Hive step writes (an s3:// URI of its `os_requests/` prefix). */
export const RESULTS_OUTPUT = 'ResultsUri';
/** Larger files are cut, with a note: the lab's result is a few hundred bytes. */
const MAX_PRINT_BYTES = 1024 * 1024;

/** The state of the Hive step of the stack's EMR cluster, for "no results yet" messages. */
async function hiveStepState(session: AwsSession, stack: LabStack): Promise<string | undefined> {
  const cluster = (await listStackResources(session, stack.id)).find((r) => r.ResourceType === 'AWS::EMR::Cluster')?.PhysicalResourceId;
  if (!cluster) return undefined;
  for await (const page of paginateListSteps({ client: session.emr }, { ClusterId: cluster })) {
    const step = page.Steps?.[0]; // newest first
    if (step) return `its latest step "${step.Name}" on cluster ${cluster} is ${step.Status?.State ?? 'in an unknown state'}${step.Status?.FailureDetails?.Message ? `: ${step.Status.FailureDetails.Message}` : ''}`;
  }
  return `cluster ${cluster} has no steps yet`;
}

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

      const files: { key: string; size: number }[] = [];
      for await (const page of paginateListObjectsV2({ client: session.s3 }, { Bucket: location.bucket, Prefix: location.prefix })) {
        for (const o of page.Contents ?? []) if (o.Key && isResultFile(o.Key, o.Size ?? 0)) files.push({ key: o.Key, size: o.Size ?? 0 });
      }
      if (!files.length) {
        const step = await hiveStepState(session, stack);
        throw new CliError(`No results yet under ${uri}${step ? `: ${step}` : ''}. The Hive step writes them when it finishes; try again then.`, EXIT.notFound);
      }
      files.sort((a, b) => a.key.localeCompare(b.key));
      for (const file of files) {
        const range = file.size > MAX_PRINT_BYTES ? `bytes=0-${MAX_PRINT_BYTES - 1}` : undefined;
        const body = await (await session.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: file.key, Range: range }))).Body?.transformToString('utf8');
        io.out(`s3://${location.bucket}/${file.key} (${formatBytes(file.size)})${range ? `, first ${formatBytes(MAX_PRINT_BYTES)}` : ''}:`);
        io.out(renderHiveRows(body ?? ''));
      }
    });
  });
}
