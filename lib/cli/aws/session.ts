/**
 * The AWS side of the `labs` command: one place that builds the SDK v3 clients, so every command gets the
 * same region, retry policy and endpoint.
 *
 * - Region: `--region`, else the SDK's own chain (`AWS_REGION`, then the profile's `region`).
 * - Endpoint: the SDK itself honours `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_<SERVICE>`); the integration
 *   tests point it at moto_server that way.
 * - Throttling: the SDK's `adaptive` retry mode retries throttling and transient errors with exponential
 *   backoff and, once it sees throttling, rate-limits the client's own requests.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticBeanstalkClient } from '@aws-sdk/client-elastic-beanstalk';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EMRClient } from '@aws-sdk/client-emr';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

// SDK releases from 2027 need Node 22; on Node 20 every client would print a multi-line
// NodeVersionSupportWarning on every command. The README says which Node to use; a user who wants the
// warning back sets the variable to `false`. It must be set before the first client is built.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * How many times a call is tried in all (the first try plus retries) before its error is reported; the
 * SDK's own `AWS_MAX_ATTEMPTS` overrides it.
 */
export const MAX_ATTEMPTS = 8;

/** Options every AWS command accepts. */
export interface SessionOptions {
  /**
   * The region to work in.
   * @default - the SDK's chain: AWS_REGION, then the profile's region
   */
  readonly region?: string;
}

// The middleware signature, loosely typed: it is the same for every client but each client names its own types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AddMiddleware = (middleware: any, options: { step: 'initialize'; name: string }) => void;

/** Records on a failed call's error which operation failed, as `$operation` ("EC2 TerminateInstances"). */
const nameFailedOperation =
  (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
  async (args: unknown) => {
    try {
      return await next(args);
    } catch (err) {
      if (err && typeof err === 'object' && !('$operation' in err)) {
        const service = (context.clientName ?? '').replace(/Client$/, '');
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        Object.assign(err, { $operation: `${service} ${operation}`.trim() });
      }
      throw err;
    }
  };

type ClientConfig = { region?: string; maxAttempts: number; retryMode: 'adaptive' };

/** Lazily built, cached SDK clients for one region, and the account they act in. */
export class AwsSession {
  private readonly config: ClientConfig;
  private readonly cache = new Map<string, unknown>();
  private accountPromise?: Promise<string>;
  private regionPromise?: Promise<string>;

  constructor(options: SessionOptions = {}) {
    const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
    const maxAttempts = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : MAX_ATTEMPTS;
    this.config = { region: options.region, maxAttempts, retryMode: 'adaptive' };
  }

  private client<T extends { middlewareStack: { add: AddMiddleware } }>(key: string, make: (config: ClientConfig) => T): T {
    if (!this.cache.has(key)) {
      const client = make(this.config);
      // Errors carry the operation that failed ("EC2 TerminateInstances"), so a one-line message can name it.
      client.middlewareStack.add(nameFailedOperation, { step: 'initialize', name: 'labsNameFailedOperation' });
      this.cache.set(key, client);
    }
    return this.cache.get(key) as T;
  }

  get cloudFormation() { return this.client('cfn', (c) => new CloudFormationClient(c)); }
  get ec2() { return this.client('ec2', (c) => new EC2Client(c)); }
  get s3() { return this.client('s3', (c) => new S3Client(c)); }
  get emr() { return this.client('emr', (c) => new EMRClient(c)); }
  get ecs() { return this.client('ecs', (c) => new ECSClient(c)); }
  get elb() { return this.client('elb', (c) => new ElasticLoadBalancingV2Client(c)); }
  get autoScaling() { return this.client('asg', (c) => new AutoScalingClient(c)); }
  get logs() { return this.client('logs', (c) => new CloudWatchLogsClient(c)); }
  get scheduler() { return this.client('scheduler', (c) => new SchedulerClient(c)); }
  get tagging() { return this.client('tagging', (c) => new ResourceGroupsTaggingAPIClient(c)); }
  get sts() { return this.client('sts', (c) => new STSClient(c)); }
  get ssm() { return this.client('ssm', (c) => new SSMClient(c)); }
  get cognito() { return this.client('cognito', (c) => new CognitoIdentityProviderClient(c)); }
  get elasticBeanstalk() { return this.client('elasticbeanstalk', (c) => new ElasticBeanstalkClient(c)); }
  get dynamoDb() { return this.client('dynamodb', (c) => new DynamoDBClient(c)); }

  /** The region the clients use, as the SDK resolved it (fails with the SDK's "Region is missing" error). */
  region(): Promise<string> {
    this.regionPromise ??= this.sts.config.region();
    return this.regionPromise;
  }

  /** The account the credentials belong to (STS GetCallerIdentity, which also proves the credentials work). */
  account(): Promise<string> {
    this.accountPromise ??= this.sts.send(new GetCallerIdentityCommand({})).then((r) => r.Account ?? 'unknown');
    return this.accountPromise;
  }

  /** "account 123456789012, region eu-west-1": the first line of every plan. */
  async where(): Promise<{ account: string; region: string }> {
    const [account, region] = await Promise.all([this.account(), this.region()]);
    return { account, region };
  }
}
