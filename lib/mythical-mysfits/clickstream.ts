import * as path from 'path';
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { nagValue } from '../shared/cdk-helpers';
import { LabFunction } from '../shared/lab-function';
import { MysfitsTable } from './mysfits-table';

const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

/** How long Firehose gathers records before it writes an object (and before it calls the processor). */
export const CLICK_BUFFER_INTERVAL = Duration.seconds(60);

/** Where enriched clicks land in the bucket; failed records go under `processing-failed/` (Firehose's default error prefix). */
export const CLICKS_PREFIX = 'clicks/';

/** Properties of a `Clickstream`. */
export interface ClickstreamProps {
  /** The mysfits table the processor reads each clicked mysfit from. */
  readonly table: MysfitsTable;
}

/**
 * The workshop's module 5: a Firehose stream that takes clicks by direct PUT (from the API's `POST
 * /clicks`; no Kinesis data stream, which would bill by the hour), has a Lambda processor
 * (`lambda/mysfits-click-processor`) add each clicked mysfit's attributes from the table, and writes the
 * records to a bucket the stack owns, emptied and deleted with the stack.
 *
 * Firehose's role is the stack's own, with only what Firehose needs for this destination (the
 * documented S3 destination policy, narrowed to this bucket, function and log stream), and only Firehose
 * acting for this account can assume it.
 * https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html
 */
export class Clickstream extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly processor: LabFunction;
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly role: iam.Role;
  /** Firehose's own error log (failed deliveries and processor invocations). */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ClickstreamProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Only Firehose writes here; server access logs would need a second bucket to empty at teardown, and the clicks themselves are the record.',
    });

    this.processor = new LabFunction(this, 'Processor', {
      entry: path.join(LAMBDA_DIR, 'mysfits-click-processor', 'index.ts'),
      description: "Adds each clicked mysfit's name, species and alignment to the click records Firehose delivers.",
      environment: { MYSFITS_TABLE_NAME: props.table.table.tableName },
      // Firehose waits up to its own invocation timeout; a batch of clicks needs one BatchGetItem call.
      timeout: Duration.minutes(1),
    });
    props.table.grant(this.processor.role, ['dynamodb:BatchGetItem']);

    this.logGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', { logGroup: this.logGroup, removalPolicy: RemovalPolicy.DESTROY });

    this.role = new iam.Role(this, 'DeliveryRole', {
      // The documented trust policy: Firehose, with the account as external id (the condition Firehose's
      // documentation gives for the role it assumes).
      // https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } } }),
      description: 'Firehose delivers clicks: writes the clickstream bucket, calls the processor, logs its errors.',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    // The documented policy names the function with its version (`function-name:function-version`), and Lambda
    // authorizes a call that names a version only against a policy that names it too: the function as the
    // stream names it (unqualified) and its $LATEST version, nothing else.
    // https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3
    const processorArn = this.processor.function.functionArn;
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], resources: [processorArn, `${processorArn}:$LATEST`] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: `${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagValue(this, this.bucket.arnForObjects('*'))}]`,
      reason: 'Objects of the clickstream bucket: Firehose names each object by time under clicks/ and processing-failed/ (the documented S3 destination policy); no other bucket.',
    });

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: CLICKS_PREFIX,
        errorOutputPrefix: 'processing-failed/!{firehose:error-output-type}/',
        bufferingHints: { intervalInSeconds: CLICK_BUFFER_INTERVAL.toSeconds(), sizeInMBs: 5 },
        compressionFormat: 'UNCOMPRESSED',
        cloudWatchLoggingOptions: { enabled: true, logGroupName: this.logGroup.logGroupName, logStreamName: logStream.logStreamName },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: [
                { parameterName: 'LambdaArn', parameterValue: this.processor.function.functionArn },
                { parameterName: 'BufferIntervalInSeconds', parameterValue: String(CLICK_BUFFER_INTERVAL.toSeconds()) },
                { parameterName: 'BufferSizeInMBs', parameterValue: '1' },
                { parameterName: 'NumberOfRetries', parameterValue: '3' },
              ],
            },
          ],
        },
      },
    });
    // The role's policy must exist before Firehose first uses it, and outlive the stream on delete.
    this.deliveryStream.node.addDependency(this.role.node.findChild('DefaultPolicy'));
  }
}
