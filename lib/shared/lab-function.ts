import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of a `LabFunction`. */
export interface LabFunctionProps
  extends Omit<NodejsFunctionProps, 'role' | 'logGroup' | 'logRetention' | 'logRetentionRole' | 'logRetentionRetryOptions'> {
  /**
   * The handler's source file under `lambda/`, bundled by the local esbuild (no Docker).
   */
  readonly entry: string;
  /**
   * How long CloudWatch keeps the function's logs (the log group itself goes with the stack).
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Node.js Lambda function as every lab should have one: bundled locally by esbuild, on a current
 * runtime, with a log group it owns and a role that may write only to that log group.
 *
 * Owning the log group matters for teardown: a function that logs to a group CloudFormation did not
 * create leaves that group (and its storage bill) behind after `cdk destroy`. The role deliberately
 * lacks `logs:CreateLogGroup`, so the function cannot recreate its group while the stack is deleted.
 */
export class LabFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** The log group the function writes to, deleted with the stack. */
  public readonly logGroup: logs.LogGroup;
  /** The function's execution role. Grant it what the handler needs. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LabFunctionProps) {
    super(scope, id);
    const { logRetention, ...functionProps } = props;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${this.node.path}; may write only its own logs unless granted more.`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(30),
      ...functionProps,
      bundling: { minify: true, sourceMap: false, ...functionProps.bundling },
      role: this.role,
      logGroup: this.logGroup,
    });
  }
}
