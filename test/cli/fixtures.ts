/** Builders for the `labs` unit tests: resources as the finders return them, and a session whose AWS calls are scripted. */
import { AwsSession } from '../../lib/cli/aws/session';
import { LabResource, ResourceKind } from '../../lib/cli/inventory/resources';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../lib/shared/tags';

/** The tags LabStack puts on everything in `stack`. */
export const tagsOf = (stack: string, lab = 'static-site'): Record<string, string> => ({
  [TAG_KEYS.project]: PROJECT_TAG_VALUE,
  [TAG_KEYS.lab]: lab,
  [TAG_KEYS.stack]: stack,
});

/** A tagged resource of `kind`, tagged for `stack`, with anything else overridden. */
export function resource(kind: ResourceKind, id: string, stack: string | Record<string, string>, extra: Partial<LabResource> = {}): LabResource {
  return {
    kind,
    id,
    tags: typeof stack === 'string' ? tagsOf(stack) : stack,
    state: 'running',
    detail: '',
    billable: [],
    facts: {},
    ...extra,
  };
}

export function labStack(name: string, extra: Partial<LabStack> = {}): LabStack {
  return {
    name,
    id: `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/0f0e0d0c-0000-4000-8000-000000000000`,
    lab: 'static-site',
    status: 'CREATE_COMPLETE',
    createdAt: new Date('2026-11-26T08:00:00Z'),
    outputs: {},
    tags: tagsOf(name),
    ...extra,
  };
}

/** One AWS call a test session received. */
export interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

type Handler = (input: Record<string, any>) => unknown;

/**
 * A session in us-east-1 whose every client's `send` is answered by `handlers`, keyed by command name
 * (`DeleteStackCommand`). A Describe/List/Get call without a handler answers `{}` (nothing found); any
 * other call without one fails the test, so nothing is changed by accident. Handlers may throw AWS-like errors.
 */
export function scriptedSession(handlers: Record<string, Handler>): { session: AwsSession; calls: Call[] } {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const session = new AwsSession({ region: 'us-east-1' });
  const calls: Call[] = [];
  const clients = [
    session.cloudFormation,
    session.ec2,
    session.s3,
    session.emr,
    session.ecs,
    session.elb,
    session.autoScaling,
    session.logs,
    session.scheduler,
    session.tagging,
    session.sts,
  ];
  for (const client of clients) {
    jest.spyOn(client as { send: (c: unknown) => Promise<unknown> }, 'send').mockImplementation(async (command: any) => {
      const name = command.constructor.name as string;
      calls.push({ command: name, input: command.input });
      const handler = handlers[name];
      if (handler) return handler(command.input);
      if (/^(Describe|List|Get)/.test(name)) return {};
      throw new Error(`unexpected AWS call ${name} ${JSON.stringify(command.input)}`);
    });
  }
  return { session, calls };
}

/** An error shaped like the SDK's service errors. */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}
