import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { nagValue } from '../shared/cdk-helpers';
import { sessionManagerStatement } from '../shared/session-manager';

/** A place in S3 given as a bucket and a key prefix (no leading or trailing slash; empty for the whole bucket). */
export interface S3Location {
  /** The bucket's name; may be a deploy-time token such as `${AWS::Region}.elasticmapreduce.samples`. */
  readonly bucketName: string;
  /** The key prefix, without leading or trailing slash; `''` for the whole bucket. */
  readonly prefix: string;
}

/** `s3://bucket/prefix` (or `s3://bucket`) of a location. */
export function s3Uri(location: S3Location): string {
  return location.prefix ? `s3://${location.bucketName}/${location.prefix}` : `s3://${location.bucketName}`;
}

/**
 * What carries the `for-use-with-amazon-emr-managed-policies=true` tag in this lab, which is what
 * `AmazonEMRServicePolicy_v2` lets EMR act on: the VPC and what CDK creates under it (tags on a construct
 * apply to its children), the two security groups, and the cluster, whose tags EMR passes on to the
 * cluster's EC2 instances (EMR's AddTags: tags "to associate with a cluster and propagate to Amazon EC2
 * instances", https://docs.aws.amazon.com/emr/latest/APIReference/API_AddTags.html). A test compares this
 * list with the tagged resources of the synthesized template.
 */
export const EMR_TAGGED_RESOURCES = [
  'VPC',
  'subnet',
  'route table',
  'internet gateway',
  'flow log',
  'the two EMR-managed security groups',
  'cluster (and the EC2 instances EMR launches for it, which get its tags)',
] as const;

/** Why the service role may have AWS's EMR service policy (a cdk-nag acknowledgement). */
export const EMR_SERVICE_POLICY_REASON =
  "AWS's current EMR service policy, maintained by EMR as its needs change. It acts only on resources tagged " +
  `for-use-with-amazon-emr-managed-policies=true, which in this stack are the lab's ${EMR_TAGGED_RESOURCES.join(', ')}.`;

/** Properties of `EmrRoles`. */
export interface EmrRolesProps {
  /** Where the Hive step writes its results: the nodes may read, write and delete objects in it. */
  readonly outputBucket: s3.IBucket;
  /** Where EMR writes the cluster's logs (`LogUri`): the nodes may add objects under `logPrefix`. */
  readonly logBucket: s3.IBucket;
  /** The key prefix of the cluster's logs in `logBucket`, without slashes at either end. */
  readonly logPrefix: string;
  /** The logs the Hive step reads: the nodes may list the bucket and read objects under the prefix. */
  readonly input: S3Location;
  /** The HiveQL script, deployed as an asset: the nodes may read this one object. */
  readonly script: s3assets.Asset;
  /** The security configuration's local-disk key: EMR encrypts EBS volumes with it, the nodes their local disks. */
  readonly localDiskKey: kms.IKey;
}

/**
 * The two IAM roles an EMR cluster needs, created for the lab so that nothing depends on the account's
 * `EMR_DefaultRole`/`EMR_EC2_DefaultRole` existing, or on their broad policies.
 *
 * - `serviceRole`, assumed by EMR itself (only for clusters of this account and region) to launch and
 *   manage the nodes. It has AWS's `AmazonEMRServicePolicy_v2`, which acts only on resources tagged
 *   `for-use-with-amazon-emr-managed-policies=true` (see `EMR_MANAGED_POLICY_TAG`), plus what that policy
 *   leaves to the user: passing this lab's instance role to EC2, and using the local-disk key for EBS.
 * - `instanceRole`, in `instanceProfile`, which the cluster's nodes run as: read the script and the input
 *   logs, write the results and the logs, use the local-disk key, and register with Systems Manager so a
 *   student can open a shell with Session Manager instead of SSH. Nothing else.
 */
export class EmrRoles extends Construct {
  public readonly serviceRole: iam.Role;
  public readonly instanceRole: iam.Role;
  public readonly instanceProfile: iam.InstanceProfile;

  constructor(scope: Construct, id: string, props: EmrRolesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const s3Arn = (resource: string) => `arn:${Aws.PARTITION}:s3:::${resource}`;
    const keyArn = props.localDiskKey.keyArn;

    const readInput = props.input.prefix ? `${props.input.bucketName}/${props.input.prefix}*` : `${props.input.bucketName}/*`;
    this.instanceRole = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: "The course Hadoop lab's EMR nodes: read the step's script and input, write results and logs, Session Manager.",
      inlinePolicies: {
        HadoopLabNodes: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadTheHiveScript',
              actions: ['s3:GetObject'],
              resources: [props.script.bucket.arnForObjects(props.script.s3ObjectKey)],
            }),
            // Listing the whole bucket lets a missing key answer 404 rather than 403, which Hadoop's
            // S3 client expects when it probes a folder; the samples bucket is public anyway.
            new iam.PolicyStatement({ sid: 'ListTheInputBucket', actions: ['s3:ListBucket'], resources: [s3Arn(props.input.bucketName)] }),
            new iam.PolicyStatement({ sid: 'ReadTheInputLogs', actions: ['s3:GetObject'], resources: [s3Arn(readInput)] }),
            new iam.PolicyStatement({
              sid: 'ListTheOutputBucket',
              actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads', 's3:GetBucketLocation'],
              resources: [props.outputBucket.bucketArn],
            }),
            new iam.PolicyStatement({
              sid: 'WriteTheResults',
              actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              resources: [props.outputBucket.arnForObjects('*')],
            }),
            new iam.PolicyStatement({
              sid: 'WriteClusterLogs',
              actions: ['s3:PutObject', 's3:PutObjectAcl', 's3:AbortMultipartUpload'],
              resources: [props.logBucket.arnForObjects(`${props.logPrefix}/*`)],
            }),
            new iam.PolicyStatement({
              sid: 'EncryptLocalDisks',
              actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
              resources: [keyArn],
            }),
            sessionManagerStatement(),
          ],
        }),
      },
    });
    // Named after its role: "Amazon EC2 allows you to create instance profiles and roles with different names,
    // but Amazon EMR does not support this configuration, and it results in an 'invalid instance profile'
    // error when you create the cluster" (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-roles-custom.html).
    // aws-cdk's own EMR task (aws-stepfunctions-tasks EmrCreateCluster) names its profile after its role too.
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.instanceRole, instanceProfileName: this.instanceRole.roleName });

    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      // Only EMR acting for this account and region may assume it (the confused-deputy guard EMR documents).
      assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'elasticmapreduce', resource: '*' }) },
      }),
      description: "EMR's service role for the course Hadoop lab: launches the cluster's nodes into the lab's tagged network.",
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEMRServicePolicy_v2')],
      inlinePolicies: {
        HadoopLabCluster: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'PassTheNodeRoleToEc2',
              actions: ['iam:PassRole'],
              resources: [this.instanceRole.roleArn],
              conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
            }),
            // EBS encryption with a customer managed key: EC2 uses the key on behalf of the caller that
            // launches the instance, here EMR's service role.
            new iam.PolicyStatement({
              sid: 'EncryptEbsVolumes',
              actions: [
                'kms:Encrypt',
                'kms:Decrypt',
                'kms:ReEncryptFrom',
                'kms:ReEncryptTo',
                'kms:GenerateDataKey',
                'kms:GenerateDataKeyWithoutPlaintext',
                'kms:DescribeKey',
              ],
              resources: [keyArn],
            }),
            new iam.PolicyStatement({
              sid: 'LetEc2HoldGrantsOnTheKey',
              actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
              resources: [keyArn],
              conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
            }),
          ],
        }),
      },
    });

    Validations.of(this.serviceRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]',
      reason: EMR_SERVICE_POLICY_REASON,
    });
    Validations.of(this.instanceRole).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'The Session Manager agent actions (ssm:UpdateInstanceInformation, ssmmessages:*Channel) support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagValue(this, s3Arn(readInput))}]`,
        reason: 'Every log file under the input prefix the Hive step reads.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagValue(this, props.outputBucket.arnForObjects('*'))}]`,
        reason: "Objects of this lab's own output bucket: Hive writes the os_requests results there.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagValue(this, props.logBucket.arnForObjects(`${props.logPrefix}/*`))}]`,
        reason: "The cluster's log folder in this lab's own log bucket.",
      },
    );
  }
}

