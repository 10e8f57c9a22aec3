/**
 * Custom resource that picks, at deploy time, the Elastic Beanstalk platform the lab's environment runs
 * on: the newest "Node.js on Amazon Linux 2023" solution stack that Elastic Beanstalk offers in the region.
 *
 * Why at deploy time: platform versions are superseded as AWS releases them, and "Retired platform
 * branches are no longer available for creating new environments"
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/platforms/welcome.html), so a name written into the
 * template would stop deploying next term. `ListAvailableSolutionStacks` returns the solution stacks that
 * can be used now (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_ListAvailableSolutionStacks.html),
 * named like `64bit Amazon Linux 2023 v6.6.4 running Node.js 22`, the form `SolutionStackName` takes
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticbeanstalk-environment.html).
 *
 * CloudFormation calls it on create, and again only when its properties change: a redeploy keeps the
 * platform the environment has (a lab must not change under a student), and so does an update that does
 * not raise `Revision` (a replaced resolver function changes only the ServiceToken); the guide says how to
 * move on.
 *
 * It speaks the custom resource protocol directly (a PUT to the pre-signed `ResponseURL`), like the
 * expiry function.
 */
import { ElasticBeanstalkClient, ListAvailableSolutionStacksCommand } from '@aws-sdk/client-elastic-beanstalk';
import { putResponse } from '../shared/cloudformation-response';

export interface PlatformEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  /** On Update: the properties before the change. */
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
}

const NODE_ON_AL2023 = /^64bit Amazon Linux 2023 v(\d+)\.(\d+)\.(\d+) running Node\.js (\d+)$/;

/**
 * The newest Node.js solution stack on Amazon Linux 2023 among `names`: the highest Node.js major
 * version, then the highest platform version. Throws, naming what it saw, when there is none.
 */
export function newestNodeSolutionStack(names: readonly string[]): string {
  const candidates = names
    .map((name) => ({ name, m: NODE_ON_AL2023.exec(name) }))
    .filter((c): c is { name: string; m: RegExpExecArray } => c.m !== null)
    .map(({ name, m }) => ({ name, key: [Number(m[4]), Number(m[1]), Number(m[2]), Number(m[3])] }));
  if (candidates.length === 0) {
    const nodeLike = names.filter((n) => /Node\.js/.test(n)).slice(0, 5);
    throw new Error(
      `Elastic Beanstalk lists no "64bit Amazon Linux 2023 vX.Y.Z running Node.js N" solution stack in this region ` +
        `(${names.length} listed${nodeLike.length ? `; Node.js ones: ${nodeLike.join('; ')}` : ''}).`,
    );
  }
  candidates.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return b.key[i] - a.key[i];
    return 0;
  });
  return candidates[0].name;
}

/**
 * Whether an Update leaves the platform as it is: only a changed `Revision` (PLATFORM_REVISION in
 * lib/beanstalk/node-platform.ts) moves the environment to the newest platform, which replaces it.
 */
function keepsPlatform(event: PlatformEvent): boolean {
  return (
    event.OldResourceProperties !== undefined &&
    String(event.OldResourceProperties.Revision) === String(event.ResourceProperties.Revision) &&
    NODE_ON_AL2023.test(event.PhysicalResourceId ?? '')
  );
}

type Put = (url: string, body: string) => Promise<void>;

export function makeHandler(deps: { listSolutionStacks: () => Promise<string[]>; put: Put }) {
  return async (event: PlatformEvent): Promise<void> => {
    const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
    let response: Record<string, unknown>;
    try {
      if (event.RequestType === 'Delete') {
        response = { ...base, PhysicalResourceId: event.PhysicalResourceId ?? event.RequestId, Status: 'SUCCESS' };
      } else if (event.RequestType === 'Update' && event.PhysicalResourceId && keepsPlatform(event)) {
        // An update that does not raise the revision (the resolver function itself was replaced, so its
        // ServiceToken changed): keep the platform the environment runs, which is this resource's physical id.
        const name = event.PhysicalResourceId;
        response = { ...base, PhysicalResourceId: name, Status: 'SUCCESS', Data: { SolutionStackName: name } };
      } else {
        const name = newestNodeSolutionStack(await deps.listSolutionStacks());
        response = { ...base, PhysicalResourceId: name, Status: 'SUCCESS', Data: { SolutionStackName: name } };
      }
    } catch (err) {
      response = {
        ...base,
        PhysicalResourceId: event.PhysicalResourceId ?? event.RequestId,
        Status: 'FAILED',
        Reason: err instanceof Error ? err.message : String(err),
      };
    }
    console.log(JSON.stringify({ requestType: event.RequestType, response }));
    await deps.put(event.ResponseURL, JSON.stringify(response));
  };
}

/** The names of every solution stack Elastic Beanstalk offers in the client's region. */
export async function listSolutionStacks(client: ElasticBeanstalkClient = new ElasticBeanstalkClient({})): Promise<string[]> {
  const out = await client.send(new ListAvailableSolutionStacksCommand({}));
  return out.SolutionStacks ?? [];
}

export const handler = makeHandler({ listSolutionStacks: () => listSolutionStacks(), put: putResponse });
