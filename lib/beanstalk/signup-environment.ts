import { Aws, Fn, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticbeanstalk from 'aws-cdk-lib/aws-elasticbeanstalk';
import { Construct } from 'constructs';
import { BeanstalkRoles } from './beanstalk-roles';
import { BeanstalkEnvironmentKind } from './settings';
import { SignupAppBundle } from './signup-app-bundle';

/** The instance type of every instance: Graviton (arm64), the cheapest type with 1 GiB of memory. */
export const INSTANCE_TYPE = 't4g.micro';
/** The root volume of each instance. */
export const ROOT_VOLUME = { type: 'gp3', sizeGib: 10 } as const;

/** Properties of a `SignupEnvironment`. */
export interface SignupEnvironmentProps {
  /** The Elastic Beanstalk application's name (unique in the account and region). */
  readonly applicationName: string;
  readonly kind: BeanstalkEnvironmentKind;
  /** Where the environment runs: its public subnets. */
  readonly vpc: ec2.Vpc;
  /** The solution stack, resolved at deploy time (`NodePlatform`). */
  readonly solutionStackName: string;
  readonly bundle: SignupAppBundle;
  readonly roles: BeanstalkRoles;
  /** Environment variables of the app. */
  readonly appEnvironment: Readonly<Record<string, string>>;
}

/** One option setting of an environment. */
export type OptionSetting = elasticbeanstalk.CfnEnvironment.OptionSettingProperty;

/**
 * The Elastic Beanstalk application, its one application version (the app's source bundle from the CDK
 * asset) and its one environment, in L1 constructs.
 *
 * Every option is a documented namespace option
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html); `optionSettings`
 * says why each is set.
 */
export class SignupEnvironment extends Construct {
  public readonly application: elasticbeanstalk.CfnApplication;
  public readonly version: elasticbeanstalk.CfnApplicationVersion;
  public readonly environment: elasticbeanstalk.CfnEnvironment;

  constructor(scope: Construct, id: string, props: SignupEnvironmentProps) {
    super(scope, id);
    this.application = new elasticbeanstalk.CfnApplication(this, 'Application', {
      applicationName: props.applicationName,
      description: 'Course lab: a Node.js sign-up app on Elastic Beanstalk with DynamoDB and SNS (course-labs).',
    });
    // A changed bundle is a new asset, so a new application version (the resource is replaced) and an
    // environment update to it: the course's "deploy a second version" step.
    this.version = new elasticbeanstalk.CfnApplicationVersion(this, 'Version', {
      applicationName: props.applicationName,
      description: 'The sign-up app, bundled from lib/beanstalk/app at synth.',
      sourceBundle: { s3Bucket: props.bundle.asset.s3BucketName, s3Key: props.bundle.asset.s3ObjectKey },
    });
    this.version.node.addDependency(this.application);

    // One logical id per kind, so that changing `beanstalkEnvironment` on a deployed lab makes CloudFormation
    // create a new environment of the other kind and then delete the old one, rather than update it in place:
    // "You can choose the type of load balancer that your environment uses only during environment creation"
    // (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.managing.elb.html), and a
    // single-instance environment turned load-balanced in place would get its load balancer type by update.
    const logicalId = props.kind === 'high-availability' ? 'HighAvailabilityEnvironment' : 'Environment';
    this.environment = new elasticbeanstalk.CfnEnvironment(this, logicalId, {
      applicationName: props.applicationName,
      description: `Course lab sign-up app (${props.kind}).`,
      solutionStackName: props.solutionStackName,
      versionLabel: this.version.ref,
      tier: { name: 'WebServer', type: 'Standard' },
      optionSettings: optionSettings(props),
    });
    this.environment.node.addDependency(this.application);
    // The instances need their subnets' route to the internet before they start (to reach the Elastic
    // Beanstalk, S3 and SSM endpoints); the subnets alone do not say so.
    for (const subnet of props.vpc.publicSubnets) this.environment.node.addDependency(subnet.internetConnectivityEstablished);
    // The option settings refer to the instance profile and the service role, so CloudFormation waits for
    // those; but the instance role's permissions (the Elastic Beanstalk bucket, enhanced health, the table and
    // the topic) are in its default policy, a separate AWS::IAM::Policy nothing here refers to. Wait for the
    // whole role too, so the first instances do not start before their permissions exist.
    this.environment.node.addDependency(props.roles.instanceRole);

    Validations.of(this.environment).acknowledge(
      {
        id: 'AwsSolutions-EB3',
        reason:
          'Managed platform updates are off on purpose: a lab must not change under a student during a session; the stack expires within hours, and a redeploy after a platform bump takes the newest platform (lab guide, "Platform").',
      },
      {
        id: 'AwsSolutions-EB4',
        reason:
          "Publishing instance logs to S3 would write them into Elastic Beanstalk's account-wide bucket, which outlives the stack; students request logs when they need them (lab guide), and the app's log is on the instance (Session Manager).",
      },
    );
  }
}

/** The environment's option settings for `props.kind`; exported for the tests and the cost estimate's fixtures. */
export function optionSettings(props: SignupEnvironmentProps): OptionSetting[] {
  const ha = props.kind === 'high-availability';
  const subnets = Fn.join(',', props.vpc.publicSubnets.map((s) => s.subnetId));
  const set = (namespace: string, optionName: string, value: string): OptionSetting => ({ namespace, optionName, value });
  return [
    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-elasticbeanstalkenvironment
    set('aws:elasticbeanstalk:environment', 'EnvironmentType', ha ? 'LoadBalanced' : 'SingleInstance'),
    set('aws:elasticbeanstalk:environment', 'ServiceRole', props.roles.serviceRole.roleArn),
    ...(ha ? [set('aws:elasticbeanstalk:environment', 'LoadBalancerType', 'application')] : []),

    // The lab's own VPC, not the account's default one (which an account may not have).
    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-ec2vpc
    set('aws:ec2:vpc', 'VPCId', props.vpc.vpcId),
    set('aws:ec2:vpc', 'Subnets', subnets),
    // Public subnets, no NAT gateway. A single instance gets an Elastic IP whatever this says ("This option has
    // no effect on a single-instance environment, which always has a single Amazon EC2 instance with an
    // Elastic IP address"); the load-balanced instances get a public address each.
    set('aws:ec2:vpc', 'AssociatePublicIpAddress', 'true'),
    ...(ha ? [set('aws:ec2:vpc', 'ELBSubnets', subnets), set('aws:ec2:vpc', 'ELBScheme', 'public')] : []),

    // Graviton (arm64): instance types and architectures are options of aws:ec2:instances
    // (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-ec2instances,
    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.managing.ec2.html).
    set('aws:ec2:instances', 'InstanceTypes', INSTANCE_TYPE),
    // Not in the older copy of the option table searched while writing this (it predates Graviton support),
    // nor found by a second search in review; Elastic Beanstalk has launched arm64 instances since 2021
    // (https://github.com/aws/elastic-beanstalk-roadmap/issues/212, by the service team) and its console
    // fixes the architecture at creation. The first real deploy (`labs trial`) confirms the option; t4g.micro
    // alone is arm64 either way.
    set('aws:ec2:instances', 'SupportedArchitectures', 'arm64'),

    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.managing.ec2.namespace.html
    set('aws:autoscaling:launchconfiguration', 'IamInstanceProfile', props.roles.instanceProfile.attrArn),
    // IMDSv2 only. Already the default on AL2023 platforms ("The DisableIMDSv1 option setting defaults to true on
    // AL2023 platforms", https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/platforms-linux.html); set so it stays so.
    set('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'true'),
    // RootVolumeSize: "10 to 16384 GB for general purpose and provisioned IOPS SSD" (the smallest, stated so
    // labs cost can price it). gp3 postdates the copy of the option table searched (it lists gp2), and a
    // second search in review found no newer AWS copy; projects report RootVolumeType gp3 deploying since
    // 2021 (e.g. https://github.com/HardBoiledSmith/johanna/pull/510). Like SupportedArchitectures, the
    // first real deploy confirms it.
    set('aws:autoscaling:launchconfiguration', 'RootVolumeType', ROOT_VOLUME.type),
    set('aws:autoscaling:launchconfiguration', 'RootVolumeSize', String(ROOT_VOLUME.sizeGib)),
    // No key pair and SSH admitted from nowhere: students use Session Manager.
    set('aws:autoscaling:launchconfiguration', 'SSHSourceRestriction', 'tcp, 22, 22, 127.0.0.1/32'),

    // One instance, or two in two Availability Zones; never more (a lab's cost is fixed).
    // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-autoscalingasg
    set('aws:autoscaling:asg', 'MinSize', ha ? '2' : '1'),
    set('aws:autoscaling:asg', 'MaxSize', ha ? '2' : '1'),
    ...(ha
      ? [
          set('aws:elasticbeanstalk:environment:process:default', 'HealthCheckPath', '/health'),
          // A new version replaces one instance at a time, so the app keeps answering while it rolls out.
          // https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.rolling-version-deploy.html
          set('aws:elasticbeanstalk:command', 'DeploymentPolicy', 'Rolling'),
          set('aws:elasticbeanstalk:command', 'BatchSizeType', 'Fixed'),
          set('aws:elasticbeanstalk:command', 'BatchSize', '1'),
        ]
      : []),

    // Enhanced health: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-enable.html
    set('aws:elasticbeanstalk:healthreporting:system', 'SystemType', 'enhanced'),
    // Managed platform updates off: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environment-platform-update-managed.html
    set('aws:elasticbeanstalk:managedactions', 'ManagedActionsEnabled', 'false'),

    // No log group outside the stack: instance log streaming and health streaming off, so Elastic Beanstalk
    // creates no /aws/elasticbeanstalk/<environment>/... log group (both are off by default; said here so a
    // change is a reviewed template change). https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.cloudwatchlogs.html
    set('aws:elasticbeanstalk:cloudwatch:logs', 'StreamLogs', 'false'),
    set('aws:elasticbeanstalk:cloudwatch:logs:health', 'HealthStreamingEnabled', 'false'),
    // No rotated logs copied to the shared Elastic Beanstalk bucket, which outlives the stack.
    set('aws:elasticbeanstalk:hostmanager', 'LogPublicationControl', 'false'),

    // The app's settings: https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environments-cfg-softwaresettings.html
    ...Object.entries({ ...props.appEnvironment, AWS_REGION: Aws.REGION }).map(([key, value]) =>
      set('aws:elasticbeanstalk:application:environment', key, value),
    ),
  ];
}
