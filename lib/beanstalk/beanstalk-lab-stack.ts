import { Aws, CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { publicLabVpc } from '../shared/public-lab-vpc';
import { SIGNUP_TABLE_KEY } from './app/src/backends';
import { normalizeEmail } from './app/src/signup';
import { BeanstalkRoles } from './beanstalk-roles';
import { NodePlatform } from './node-platform';
import { BEANSTALK_ENVIRONMENTS, BeanstalkEnvironmentKind } from './settings';
import { SignupAppBundle } from './signup-app-bundle';
import { SignupEnvironment } from './signup-environment';

/** A further lab of the course (after the core five). */
export const BEANSTALK_LAB: LabInfo = {
  id: 'beanstalk',
  title: 'Node.js web app on Elastic Beanstalk with DynamoDB and SNS',
};

/** Properties of a `BeanstalkLabStack`. */
export interface BeanstalkLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * `single-instance`: one t4g.micro, no load balancer. `high-availability`: an Application Load Balancer
   * and two t4g.micro instances in two Availability Zones.
   * @default 'single-instance'
   */
  readonly environmentKind?: BeanstalkEnvironmentKind;
  /**
   * An address to subscribe to the sign-up topic (AWS emails it a confirmation link first).
   * @default - no subscription
   */
  readonly notificationEmail?: string;
}

/**
 * The course lab "Deploy a high-availability Node.js web app using AWS Elastic Beanstalk and Amazon DynamoDB": a
 * sign-up app (lib/beanstalk/app) on an Elastic Beanstalk environment in the lab's own VPC, writing each
 * sign-up to a DynamoDB table and publishing it to an SNS topic. The walkthrough is
 * `lib/beanstalk/README.md`.
 */
export class BeanstalkLabStack extends LabStack {
  public readonly environmentKind: BeanstalkEnvironmentKind;
  public readonly table: dynamodb.Table;
  public readonly topic: sns.Topic;
  public readonly roles: BeanstalkRoles;
  public readonly platform: NodePlatform;
  public readonly signupEnvironment: SignupEnvironment;

  constructor(scope: Construct, id: string, props: BeanstalkLabStackProps = {}) {
    super(scope, id, { ...props, lab: BEANSTALK_LAB });
    const kind = props.environmentKind ?? 'single-instance';
    if (!BEANSTALK_ENVIRONMENTS.includes(kind)) {
      throw new Error(`${id}: environmentKind must be one of ${BEANSTALK_ENVIRONMENTS.join(', ')}, got ${JSON.stringify(kind)}`);
    }
    const email = props.notificationEmail === undefined ? undefined : normalizeEmail(props.notificationEmail);
    if (props.notificationEmail !== undefined && !email) {
      throw new Error(`${id}: notificationEmail must be one email address, got ${JSON.stringify(props.notificationEmail)}`);
    }
    this.environmentKind = kind;
    // The application is named after the stack (unique per account and region, as stack names are). The
    // environment's name is left to CloudFormation: SolutionStackName "Update requires: Replacement"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticbeanstalk-environment.html),
    // and CloudFormation cannot replace a resource with a fixed name, so a fixed name would block moving to
    // a newer platform (`PLATFORM_REVISION`).
    const applicationName = this.stackName;

    const vpc = publicLabVpc(this, 'Vpc', {
      cidr: '10.50.0.0/16',
      maxAzs: 2, // high-availability mode spreads its two instances and the load balancer over two zones
      noFlowLogsReason:
        "A lab VPC that lives a few hours: the exercise watches Elastic Beanstalk's health view; flow logs would add a delivery role and per-GB log ingestion that nobody reads.",
    });

    this.table = new dynamodb.Table(this, 'Signups', {
      partitionKey: { name: SIGNUP_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST, // nothing bills while idle
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.topic = new sns.Topic(this, 'SignupTopic', { displayName: 'Course lab sign-ups', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'The messages are sign-up notices of made-up test users, delivered as plain email anyway; a customer managed key would add $1/month and a key policy to a lab that lives hours.',
    });
    if (email) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    this.roles = new BeanstalkRoles(this, 'Roles', { applicationName });
    this.table.grant(this.roles.instanceRole, 'dynamodb:PutItem');
    this.topic.grantPublish(this.roles.instanceRole);

    this.platform = new NodePlatform(this, 'Platform');
    // The environment waits for the platform (its SolutionStackName), so making the platform wait for the
    // roles and the instance profile puts the resolver's run (seconds) between the profile's creation and
    // Elastic Beanstalk's first use of it. IAM is eventually consistent: after a role is added to an
    // instance profile "you must then wait for the change to appear across all of AWS"
    // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html), and an
    // environment created against a profile not yet visible fails with "The instance profile ... associated
    // with the environment does not exist" (e.g. https://github.com/cloudposse/terraform-aws-elastic-beanstalk-environment/pull/267).
    // Free: the resolver runs once per deploy either way.
    this.platform.resource.node.addDependency(this.roles);
    this.signupEnvironment = new SignupEnvironment(this, 'SignupApp', {
      applicationName,
      kind,
      vpc,
      solutionStackName: this.platform.solutionStackName,
      bundle: new SignupAppBundle(this, 'Bundle'),
      roles: this.roles,
      appEnvironment: { SIGNUP_TABLE: this.table.tableName, SIGNUP_TOPIC_ARN: this.topic.topicArn },
    });

    this.addOutputs(Boolean(email));
  }

  private addOutputs(subscribed: boolean): void {
    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const region = `--region ${Aws.REGION}`;
    const env = this.signupEnvironment.environment;
    const table = this.table.tableName;
    const environmentName = env.ref; // the name CloudFormation gave it

    out('EnvironmentUrl', 'Open this in a browser: the sign-up page (HTTP).', `http://${env.attrEndpointUrl}/`);
    out('EnvironmentName', 'The Elastic Beanstalk environment (console: Elastic Beanstalk, Environments).', env.ref);
    out('ApplicationName', 'The Elastic Beanstalk application.', this.signupEnvironment.application.ref);
    out('SolutionStackName', 'The platform the environment runs on, chosen at the first deploy.', this.platform.solutionStackName);
    out('SignupTableName', 'The DynamoDB table: one item per sign-up, partition key email.', table);
    out('SignupTopicArn', 'The SNS topic each sign-up is published to.', this.topic.topicArn);
    out('ScanSignupsCommand', 'Every sign-up in the table.', `aws dynamodb scan --table-name ${table} ${region}`);
    out(
      'HealthCommand',
      "The environment's health as Elastic Beanstalk sees it (Green/Ready when all is well), then each instance's.",
      `aws elasticbeanstalk describe-environment-health --environment-name ${environmentName} --attribute-names All ${region} && ` +
        `aws elasticbeanstalk describe-instances-health --environment-name ${environmentName} --attribute-names All ${region}`,
    );
    out(
      'InstanceSessionCommand',
      "A shell on one of the environment's instances through Session Manager (needs the Session Manager plugin for the AWS CLI).",
      `aws ssm start-session ${region} --target $(aws ec2 describe-instances ${region} ` +
        `--filters Name=tag:elasticbeanstalk:environment-name,Values=${environmentName} Name=instance-state-name,Values=running ` +
        "--query 'Reservations[0].Instances[0].InstanceId' --output text)",
    );
    out(
      'SubscribeCommand',
      subscribed
        ? 'Subscribed from notificationEmail: confirm the email AWS sent. To add another address, run this with it.'
        : 'No address is subscribed (no notificationEmail): run this with yours, then confirm the email AWS sends.',
      `aws sns subscribe --topic-arn ${this.topic.topicArn} --protocol email --notification-endpoint YOU@example.com ${region}`,
    );
    out('RedeployCommand', 'After you change the app (lib/beanstalk/app): deploy it as a new application version.', `npx cdk deploy ${this.stackName}${this.settingsArgs()}`);
  }
}
