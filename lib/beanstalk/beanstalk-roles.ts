import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeSessionManagerWildcard, sessionManagerPolicy } from '../shared/session-manager';

/** Properties of `BeanstalkRoles`. */
export interface BeanstalkRolesProps {
  /** The Elastic Beanstalk application's name: the instances report health for its environments alone. */
  readonly applicationName: string;
}

/**
 * The two roles an Elastic Beanstalk environment needs, made by the stack (no `aws-elasticbeanstalk-*`
 * role is assumed to exist in the account), each with the least it needs.
 *
 * **Service role** (Elastic Beanstalk monitors the environment with it): AWS's
 * `AWSElasticBeanstalkEnhancedHealth`, the policy "for enhanced health monitoring", and not
 * `AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy`, which "provides additional permissions required
 * for managed platform updates" (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/concepts-roles-service.html):
 * managed updates are off in this lab. Trusted by `elasticbeanstalk.amazonaws.com` with the external id
 * `elasticbeanstalk` that Elastic Beanstalk passes when it assumes a service role
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/iam-servicerole.html). Elastic Beanstalk's
 * documentation names no `aws:SourceAccount`/`aws:SourceArn` context for this call, so the trust policy
 * does not require one (a condition the service does not send would stop it assuming the role).
 *
 * **Instance role** (the app and the platform's agents on the instances): the parts of AWS's
 * `AWSElasticBeanstalkWebTier` this environment uses, narrowed from every `elasticbeanstalk-*` bucket and
 * every environment to this region's Elastic Beanstalk bucket and this application's environments: reading its objects
 * (the application version Elastic Beanstalk copied there) and writing instance logs when a student
 * requests them; reporting enhanced health for this environment. Left out: X-Ray (off) and CloudWatch
 * Logs (log streaming is off). Plus the Session Manager agent's five actions inline (`lib/shared/session-manager.ts`),
 * not `AmazonSSMManagedInstanceCore`, which also reads every SSM parameter in the account. The stack grants
 * it the table and the topic.
 */
export class BeanstalkRoles extends Construct {
  public readonly serviceRole: iam.Role;
  public readonly instanceRole: iam.Role;
  public readonly instanceProfile: iam.CfnInstanceProfile;

  constructor(scope: Construct, id: string, props: BeanstalkRolesProps) {
    super(scope, id);
    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      description: 'Elastic Beanstalk monitors the course lab environment with this role (enhanced health).',
      assumedBy: new iam.ServicePrincipal('elasticbeanstalk.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': 'elasticbeanstalk' } },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSElasticBeanstalkEnhancedHealth')],
    });
    Validations.of(this.serviceRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth]',
      reason:
        "AWS's policy for Elastic Beanstalk's enhanced health monitoring, which the service role exists for: read-only Describe calls on the environment's instances, Auto Scaling group and load balancer, which take no resource ARNs. AWS keeps it in step with what the health system calls.",
    });

    const bucketArn = `arn:${Aws.PARTITION}:s3:::elasticbeanstalk-${Aws.REGION}-${Aws.ACCOUNT_ID}`;
    this.instanceRole = new iam.Role(this, 'InstanceRole', {
      description: 'The course lab Beanstalk instances: the app (table, topic), enhanced health, logs on request, Session Manager.',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      inlinePolicies: { SsmAgent: sessionManagerPolicy() },
    });
    acknowledgeSessionManagerWildcard(this.instanceRole);
    this.instanceRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBeanstalkBucket',
        actions: ['s3:GetObject', 's3:ListBucket'],
        resources: [bucketArn, `${bucketArn}/*`],
      }),
    );
    this.instanceRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteRequestedLogs',
        actions: ['s3:PutObject'],
        resources: [`${bucketArn}/resources/environments/logs/*`],
      }),
    );
    this.instanceRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReportEnhancedHealth',
        actions: ['elasticbeanstalk:PutInstanceStatistics'],
        resources: [
          `arn:${Aws.PARTITION}:elasticbeanstalk:${Aws.REGION}:${Aws.ACCOUNT_ID}:application/${props.applicationName}`,
          // The environment's name is generated at deploy time, and the environment refers to this role, so
          // the role cannot name it: the environments of this lab's application (it has one).
          `arn:${Aws.PARTITION}:elasticbeanstalk:${Aws.REGION}:${Aws.ACCOUNT_ID}:environment/${props.applicationName}/*`,
        ],
      }),
    );
    this.instanceProfile = new iam.CfnInstanceProfile(this, 'InstanceProfile', { roles: [this.instanceRole.roleName] });

    Validations.of(this.instanceRole).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::elasticbeanstalk-<AWS::Region>-<AWS::AccountId>/*]',
        reason:
          "Objects of this region's Elastic Beanstalk bucket, where the service copies the application version the instances deploy; their keys hold ids known only at deploy time.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticbeanstalk:<AWS::Region>:<AWS::AccountId>:environment/${props.applicationName}/*]`,
        reason:
          "Enhanced health reports for the environments of this lab's application, which has one; its name is generated at deploy time and the environment refers to this role, so the role cannot name it.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::elasticbeanstalk-<AWS::Region>-<AWS::AccountId>/resources/environments/logs/*]',
        reason: 'Where the instances upload the log bundles a student requests (Elastic Beanstalk console, Logs); only that prefix.',
      },
    );
  }
}
