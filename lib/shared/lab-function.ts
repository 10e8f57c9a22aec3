import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as esbuild from 'esbuild';

/** The Node.js runtime of every lab function: the newest Lambda offers (cfn-lint flags deprecated ones). */
export const LAB_NODEJS_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * The esbuild target for a Node.js Lambda runtime (`nodejs24.x` -> `node24`), so that the bundle uses no
 * syntax the runtime lacks and changing `LAB_NODEJS_RUNTIME` is the only edit a runtime upgrade needs.
 */
export function esbuildTarget(runtime: lambda.Runtime): string {
  const version = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (!version) throw new Error(`esbuildTarget: ${runtime.name} is not a Node.js runtime of the form nodejsNN.x`);
  return `node${version}`;
}

/** Properties of a `LabFunction`. */
export interface LabFunctionProps {
  /** The handler's TypeScript source under `lambda/` (an existing file); it must export `handler`. */
  readonly entry: string;
  /**
   * What the function does, shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Environment variables for the handler.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * How long one invocation may run.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory, in MiB (CPU scales with it).
   * @default 128
   */
  readonly memorySize?: number;
  /**
   * How long CloudWatch keeps the function's logs (the log group itself goes with the stack).
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Node.js Lambda function as every lab should have one: bundled on this machine by esbuild, on a
 * current runtime, with a log group it owns and a role that may write only to that log group.
 *
 * Owning the log group matters for teardown: a function that logs to a group CloudFormation did not
 * create leaves that group (and its storage bill) behind after `cdk destroy`. The role deliberately
 * lacks `logs:CreateLogGroup`, so the function cannot recreate its group while the stack is deleted.
 *
 * Bundling calls esbuild's JavaScript API in-process through CDK's local-bundling hook rather than using
 * `NodejsFunction`, which starts `npx esbuild` twice per function (over a second each here) on every
 * synth and every test. Nothing falls back to Docker: a bundling error fails synthesis with esbuild's message.
 */
export class LabFunction extends Construct {
  /** The function. */
  public readonly function: lambda.Function;
  /** The log group the function writes to, deleted with the stack. */
  public readonly logGroup: logs.LogGroup;
  /** The function's execution role. Grant it what the handler needs. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LabFunctionProps) {
    super(scope, id);
    if (!fs.existsSync(props.entry) || !fs.statSync(props.entry).isFile()) {
      throw new Error(
        `${this.node.path}: entry ${JSON.stringify(props.entry)} is not a file. Give the handler's TypeScript source, ` +
          "e.g. path.join(__dirname, '..', '..', 'lambda', '<name>', 'index.ts'), exporting `handler`.",
      );
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${this.node.path}; may write only its own logs unless granted more.`,
    });
    this.logGroup.grantWrite(this.role);

    const bundleName = path.basename(props.entry).replace(/\.[cm]?[jt]s$/, '');
    this.function = new lambda.Function(this, 'Function', {
      runtime: LAB_NODEJS_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      handler: `${bundleName}.handler`,
      code: bundledCode(props.entry, bundleName),
      description: props.description,
      environment: props.environment,
      memorySize: props.memorySize ?? 128,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
    });
  }
}

/** The handler and everything it imports, bundled into `<bundleName>.js` (the AWS SDK v3 comes with the runtime). */
function bundledCode(entry: string, bundleName: string): lambda.Code {
  return lambda.Code.fromAsset(path.dirname(entry), {
    assetHashType: AssetHashType.OUTPUT, // the hash follows the bundle, not the folder
    bundling: {
      image: LAB_NODEJS_RUNTIME.bundlingImage, // required by the API; never used, local bundling always answers
      local: {
        tryBundle(outputDir: string): boolean {
          esbuild.buildSync({
            entryPoints: [entry],
            outfile: path.join(outputDir, `${bundleName}.js`),
            bundle: true,
            platform: 'node',
            target: esbuildTarget(LAB_NODEJS_RUNTIME),
            format: 'cjs',
            minify: true,
            external: ['@aws-sdk/*'],
            logLevel: 'error',
          });
          return true;
        },
      },
    },
  });
}
