import { Aws, CfnOutput } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { labBucket } from '../shared/lab-bucket';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { clusterHourlyCost, EmrApplication, LabInstanceType } from './emr-release';
import { EmrNetwork } from './emr-network';
import { EmrRoles, S3Location, s3Uri } from './emr-roles';
import { EmrSecurityConfiguration } from './emr-security-configuration';
import { HadoopCluster } from './hadoop-cluster';
import { OS_REQUESTS_STEP_NAME, OsRequestsStep } from './os-requests-step';
import { HADOOP_LIMITS, HADOOP_SETTINGS, HadoopClusterMode } from './settings';

/** Course lab 5. */
export const HADOOP_LAB: LabInfo = { id: 'hadoop', title: 'Analyze Big Data with Hadoop' };

/** The key prefix of the cluster's logs in the log bucket (`LogUri`). */
export const CLUSTER_LOG_PREFIX = 'elasticmapreduce';

/** The folder, under the output bucket, that the Hive step writes. */
export const RESULTS_FOLDER = 'os_requests';

/** Properties of a `HadoopLabStack`. */
export interface HadoopLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * `long-running`: the cluster waits after the step until idle for `idleTimeoutSeconds`.
   * `transient`: it terminates itself as soon as the step ends.
   * @default 'long-running'
   */
  readonly mode?: HadoopClusterMode;
  /**
   * Core nodes besides the one primary node (0 to 8; 0 makes a one-node cluster).
   * @default 2
   */
  readonly coreNodes?: number;
  /**
   * Run the core nodes on Spot capacity.
   * @default true
   */
  readonly coreSpot?: boolean;
  /**
   * Instance type of every node.
   * @default 'm4.large'
   */
  readonly instanceType?: LabInstanceType;
  /**
   * Seconds without work after which EMR terminates the cluster (60 to 604800).
   * @default 3600
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * EMR applications to install; Hadoop and Hive always are.
   * @default ['Hadoop', 'Hive']
   */
  readonly applications?: readonly EmrApplication[];
  /**
   * `s3://bucket/prefix` of the CloudFront logs the step reads.
   * @default - the region's EMR sample logs, `s3://<region>.elasticmapreduce.samples/cloudfront/data`
   */
  readonly input?: string;
}

/**
 * Lab 5, "Analyze Big Data with Hadoop": an EMR cluster with Hadoop and Hive that runs the course's Hive
 * step over the sample CloudFront logs and writes requests per operating system to S3, in a VPC of its
 * own, with roles, encryption and teardown all owned by the stack. The walkthrough is
 * `lib/hadoop/README.md`.
 */
export class HadoopLabStack extends LabStack {
  public readonly outputBucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly cluster: HadoopCluster;
  /** `s3://<output bucket>/os_requests/`: where the step's result lands. */
  public readonly resultsUri: string;

  constructor(scope: Construct, id: string, props: HadoopLabStackProps = {}) {
    super(scope, id, { ...props, lab: HADOOP_LAB });
    const input = inputLocation(this, props.input);
    const mode = props.mode ?? 'long-running';

    this.outputBucket = hadoopBucket(this, 'OutputBucket', 'Holds what the Hive step writes (os_requests/).');
    this.logBucket = hadoopBucket(this, 'LogBucket', "Holds the EMR cluster's logs, steps' logs included.");
    const outputUri = `s3://${this.outputBucket.bucketName}`;
    const logUri = `s3://${this.logBucket.bucketName}/${CLUSTER_LOG_PREFIX}/`;
    this.resultsUri = `${outputUri}/${RESULTS_FOLDER}/`;

    const step = new OsRequestsStep(this, 'OsRequestsStep', { inputUri: s3Uri(input), outputUri });
    const network = new EmrNetwork(this, 'Network');
    const encryption = new EmrSecurityConfiguration(this, 'SecurityConfiguration');
    const roles = new EmrRoles(this, 'Roles', {
      outputBucket: this.outputBucket,
      logBucket: this.logBucket,
      logPrefix: CLUSTER_LOG_PREFIX,
      input,
      script: step.script,
      localDiskKey: encryption.localDiskKey,
    });
    this.cluster = new HadoopCluster(this, 'Cluster', {
      network,
      roles,
      securityConfiguration: encryption,
      logUri,
      steps: [step.config],
      mode,
      coreNodes: props.coreNodes,
      coreSpot: props.coreSpot,
      instanceType: props.instanceType,
      idleTimeoutSeconds: props.idleTimeoutSeconds,
      applications: props.applications,
    });
    // The cluster writes to both buckets until it has terminated: empty them only after that.
    for (const bucket of [this.outputBucket, this.logBucket]) {
      this.cluster.node.addDependency(bucket.node.findChild('AutoDeleteObjectsCustomResource'));
    }

    this.addOutputs({ mode, step, input, logUri, props });
  }

  private addOutputs(o: { mode: HadoopClusterMode; step: OsRequestsStep; input: S3Location; logUri: string; props: HadoopLabStackProps }) {
    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const clusterId = this.cluster.clusterId;
    const region = `--region ${Aws.REGION}`;
    const nodes = 1 + (o.props.coreNodes ?? HADOOP_LIMITS.coreNodes.default);
    const instanceType = o.props.instanceType ?? 'm4.large';

    out('ResultsUri', 'Where the Hive step writes the requests per operating system.', this.resultsUri);
    out('ClusterId', 'The EMR cluster.', clusterId);
    out('InputUri', 'The CloudFront logs the step reads.', s3Uri(o.input));
    out('HiveScriptUri', 'The Hive script the step runs (lib/hadoop/hive/os-requests.q, deployed as an asset).', o.step.script.s3ObjectUrl);
    out(
      'WatchStepCommand',
      'Step 1: watch the step go PENDING, RUNNING, COMPLETED (a few minutes after the cluster is up).',
      `aws emr list-steps --cluster-id ${clusterId} ${region} --query 'Steps[].[Name,Status.State,Id]' --output table`,
    );
    out(
      'DescribeStepCommand',
      "The step's full status, with the reason if it failed.",
      `aws emr describe-step --cluster-id ${clusterId} ${region} --query Step.Status --step-id ` +
        `$(aws emr list-steps --cluster-id ${clusterId} ${region} --query 'Steps[?Name==\`${OS_REQUESTS_STEP_NAME}\`].Id | [0]' --output text)`,
    );
    out('ListResultsCommand', 'Step 2: list the files the step wrote.', `aws s3 ls ${this.resultsUri} ${region}`);
    out(
      'ReadResultsCommand',
      'Step 3: download the result and print it: one line per operating system, a tab, its number of requests.',
      `aws s3 cp --recursive ${this.resultsUri} ${RESULTS_FOLDER}/ ${region} && cat ${RESULTS_FOLDER}/*`,
    );
    out(
      'StepLogsCommand',
      "The step's logs (stderr, stdout, controller), written by EMR a few minutes after the step ends.",
      `aws s3 ls --recursive ${o.logUri}${clusterId}/steps/ ${region}`,
    );
    // EMR's reason codes are INTERNAL_ERROR, VALIDATION_ERROR, INSTANCE_FAILURE, INSTANCE_FLEET_TIMEOUT,
    // BOOTSTRAP_FAILURE, USER_REQUEST, STEP_FAILURE and ALL_STEPS_COMPLETED
    // (https://docs.aws.amazon.com/emr/latest/APIReference/API_ClusterStateChangeReason.html): none is for an
    // idle auto-termination, so the output says to read the message rather than name a code that does not exist.
    out(
      'ClusterStateCommand',
      "The cluster's state, reason code and message: TERMINATED means it stopped billing (reason ALL_STEPS_COMPLETED after a transient run's step; after an idle timeout the message says so).",
      `aws emr describe-cluster --cluster-id ${clusterId} ${region} --query 'Cluster.Status.[State,StateChangeReason.Code,StateChangeReason.Message]' --output text`,
    );
    out(
      'ClusterCostPerHour',
      'What the cluster costs while it runs (us-east-1 on-demand prices, Spot counted as on-demand; see lib/hadoop/README.md).',
      `$${clusterHourlyCost(instanceType, nodes).toFixed(4)} per hour: ${nodes} x ${instanceType} (EC2, EMR fee, public IPv4, EBS)`,
    );
    if (o.mode === 'long-running') {
      out(
        'ConnectCommand',
        'Step 4: open a shell on the primary node with Session Manager (needs the session-manager-plugin); no SSH.',
        `aws ssm start-session ${region} --target $(aws emr list-instances --cluster-id ${clusterId} ${region} ` +
          "--instance-group-types MASTER --instance-states RUNNING --query 'Instances[0].Ec2InstanceId' --output text)",
      );
      out(
        'RerunStepCommand',
        'Run the Hive step again on the running cluster (it overwrites os_requests/).',
        `aws emr add-steps --cluster-id ${clusterId} ${region} --steps ` +
          `'Type=CUSTOM_JAR,Name=${OS_REQUESTS_STEP_NAME},ActionOnFailure=CONTINUE,Jar=command-runner.jar,Args=[${o.step.args.join(',')}]'`,
      );
    }
  }
}

/** The step's input: the setting's value, or the region's EMR sample logs. */
function inputLocation(scope: Construct, input: string | undefined): S3Location {
  if (input === undefined) return { bucketName: `${Aws.REGION}.elasticmapreduce.samples`, prefix: 'cloudfront/data' };
  const uri = HADOOP_SETTINGS.hadoopInput.parse(input);
  if (!uri) throw new Error(`${scope.node.path}: input must be ${HADOOP_SETTINGS.hadoopInput.allowed}, got ${JSON.stringify(input)}`);
  const [bucketName, ...prefix] = uri.slice('s3://'.length).split('/');
  return { bucketName, prefix: prefix.join('/') };
}

/** A private bucket of the lab (see `labBucket`), with the reason this lab's buckets have no access logs. */
function hadoopBucket(scope: Construct, id: string, purpose: string): s3.Bucket {
  return labBucket(scope, id, {
    purpose,
    noAccessLogsReason:
      "A short-lived lab bucket. S3 server access logs arrive hours late, after the lab's log bucket is gone or, worse, between its emptying and its deletion, which would make cdk destroy fail; EMR's own logs are in the log bucket.",
  });
}
