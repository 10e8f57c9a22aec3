import * as path from 'path';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

/** The course's Hive script, in the repository; the stack deploys it as an asset. */
export const OS_REQUESTS_SCRIPT = path.join(__dirname, 'hive', 'os-requests.q');

/** The step's name, as `aws emr list-steps` shows it. */
export const OS_REQUESTS_STEP_NAME = 'os-requests';

/** Properties of an `OsRequestsStep`. */
export interface OsRequestsStepProps {
  /** `s3://...` of the folder of CloudFront logs the script reads (its `INPUT`). */
  readonly inputUri: string;
  /** `s3://bucket` under which the script writes `os_requests/` (its `OUTPUT`). */
  readonly outputUri: string;
}

/**
 * The course's EMR step: the Hive script `hive/os-requests.q`, uploaded as an asset, run on the primary
 * node through `command-runner.jar` exactly as the EMR console's Hive step runs it:
 * `hive-script --run-hive-script --args -f <script> -d INPUT=<input> --define OUTPUT=<output>`.
 * (`--define` is the long form of Hive's `-d`. The console repeats `-d`, but CloudFormation's schema for
 * the cluster's steps wants every argument distinct, and cfn-lint and CDK's template validation enforce it.)
 *
 * A failed step does not stop the cluster (`CONTINUE`): in long-running mode it waits, so a student can
 * read the step's logs and try again by hand; in transient mode it terminates anyway, having no step left.
 */
export class OsRequestsStep extends Construct {
  /** The script in the CDK asset bucket. The cluster's nodes need read access to it. */
  public readonly script: s3assets.Asset;
  /** The arguments of `command-runner.jar`. */
  public readonly args: string[];
  /** The step as the cluster's `Steps` property takes it. */
  public readonly config: emr.CfnCluster.StepConfigProperty;

  constructor(scope: Construct, id: string, props: OsRequestsStepProps) {
    super(scope, id);
    this.script = new s3assets.Asset(this, 'Script', { path: OS_REQUESTS_SCRIPT });
    this.args = [
      'hive-script',
      '--run-hive-script',
      '--args',
      '-f',
      this.script.s3ObjectUrl,
      '-d',
      `INPUT=${props.inputUri}`,
      '--define',
      `OUTPUT=${props.outputUri}`,
    ];
    this.config = {
      name: OS_REQUESTS_STEP_NAME,
      actionOnFailure: 'CONTINUE',
      hadoopJarStep: { jar: 'command-runner.jar', args: this.args },
    };
  }
}
