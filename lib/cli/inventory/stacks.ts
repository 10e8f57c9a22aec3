/**
 * The lab stacks in a region: every CloudFormation stack whose `course-labs:project` tag is `course-labs`,
 * with what the `labs` commands read from it (its lab, age, outputs and expiry).
 */
import {
  DescribeStacksCommand,
  paginateDescribeStacks,
  paginateListStackResources,
  Stack,
  StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../shared/tags';
import { AwsSession } from '../aws/session';
import { isError } from '../aws/errors';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';

/** A deployed lab stack as the `labs` command sees it. */
export interface LabStack {
  readonly name: string;
  /** The stack's ARN: commands act on it rather than the name, so a new stack of the same name is never hit. */
  readonly id: string;
  /** The lab's id from the `course-labs:lab` tag, e.g. `static-site`. */
  readonly lab: string;
  /** CloudFormation's status, e.g. `CREATE_COMPLETE`, `DELETE_FAILED`. */
  readonly status: string;
  readonly statusReason?: string;
  readonly createdAt: Date;
  /** The stack's outputs by key (`ExpiresAt`, `Expiry`, `DestroyCommand`, lab-specific ones). */
  readonly outputs: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** When the deploy set the stack to delete itself (the `ExpiresAt` output), if it expires. */
  readonly expiresAt?: Date;
}

/** Every existing stack in the region, and the lab stacks among them. */
export interface StackListing {
  /** Names of every stack that exists (any status but DELETE_COMPLETE), lab or not. */
  readonly existingNames: ReadonlySet<string>;
  readonly labStacks: readonly LabStack[];
}

const tagsOf = (stack: Stack): Record<string, string> =>
  Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** True if CloudFormation's stack carries the project's tag. */
export function isLabStack(stack: Stack): boolean {
  return tagsOf(stack)[TAG_KEYS.project] === PROJECT_TAG_VALUE;
}

/** Parses the `ExpiresAt` output (`2026-11-26T14:05:00Z`); anything else is ignored. */
export function parseExpiresAt(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The `labs` view of one CloudFormation stack. */
export function toLabStack(stack: Stack): LabStack {
  const tags = tagsOf(stack);
  const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  return {
    name: stack.StackName ?? '',
    id: stack.StackId ?? stack.StackName ?? '',
    lab: tags[TAG_KEYS.lab] ?? 'unknown',
    status: stack.StackStatus ?? 'UNKNOWN',
    statusReason: stack.StackStatusReason,
    createdAt: stack.CreationTime ?? new Date(0),
    outputs,
    tags,
    expiresAt: parseExpiresAt(outputs.ExpiresAt),
  };
}

/** Lists every stack in the region (DescribeStacks, all pages). */
export async function listStacks(session: AwsSession): Promise<StackListing> {
  const existing = new Set<string>();
  const labStacks: LabStack[] = [];
  for await (const page of paginateDescribeStacks({ client: session.cloudFormation }, {})) {
    for (const stack of page.Stacks ?? []) {
      if (stack.StackStatus === 'DELETE_COMPLETE' || !stack.StackName) continue;
      existing.add(stack.StackName);
      if (isLabStack(stack)) labStacks.push(toLabStack(stack));
    }
  }
  labStacks.sort((a, b) => a.name.localeCompare(b.name));
  return { existingNames: existing, labStacks };
}

/** CloudFormation's rule for stack names (an ARN is also accepted). */
const STACK_NAME = /^([a-zA-Z][-a-zA-Z0-9]{0,127}|arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[-a-zA-Z0-9]+\/[-a-f0-9]+)$/;

/** Checks a stack-name argument before any AWS call. */
export function checkStackName(name: string): string {
  if (!STACK_NAME.test(name)) {
    throw new CliError(
      `Invalid stack name "${name}": a stack name starts with a letter and has only letters, digits and hyphens (at most 128), e.g. StaticSiteLabStack.`,
      EXIT.usage,
    );
  }
  return name;
}

/**
 * The lab stack called `name`, or a one-line error: no such stack (with the lab stacks that do exist), or a
 * stack that is not a course lab (the `labs` command never acts on those).
 */
export async function getLabStack(session: AwsSession, name: string): Promise<LabStack> {
  checkStackName(name);
  let stack: Stack | undefined;
  try {
    stack = (await session.cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (err) {
    if (!isError(err, [], /does not exist/)) throw err;
  }
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    const region = await session.region();
    const { labStacks } = await listStacks(session);
    const known = labStacks.length ? `Lab stacks in ${region}: ${labStacks.map((s) => s.name).join(', ')}.` : `There are no lab stacks in ${region}.`;
    throw new CliError(`No stack named "${name}" in ${region}. ${known}`, EXIT.notFound);
  }
  if (!isLabStack(stack)) {
    throw new CliError(
      `Stack "${name}" is not a course lab: it has no ${TAG_KEYS.project}=${PROJECT_TAG_VALUE} tag, and labs acts only on lab stacks.`,
      EXIT.notFound,
    );
  }
  return toLabStack(stack);
}

/** Every resource CloudFormation lists for the stack (ListStackResources, all pages). */
export async function listStackResources(session: AwsSession, stackId: string): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client: session.cloudFormation }, { StackName: stackId })) {
    resources.push(...(page.StackResourceSummaries ?? []));
  }
  return resources;
}
