import { CfnResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Template metadata that says what a lab bucket holds, for a reviewer reading the template. */
export const BUCKET_PURPOSE_METADATA = 'course-labs:purpose';

/** Why a lab bucket has no server access logs, unless the lab gives a reason of its own. */
const NO_ACCESS_LOGS_REASON =
  "A short-lived lab bucket. S3 server access logs arrive hours late, after the lab's buckets are gone or, worse, between a log bucket's emptying and its deletion, which would make cdk destroy fail.";

/** Options of `labBucket`. */
export interface LabBucketOptions {
  /** What the bucket holds, written into the template's metadata. */
  readonly purpose: string;
  /**
   * The reason, for cdk-nag's AwsSolutions-S1, that the bucket has no server access logs.
   * @default - the general reason: lab buckets are short-lived and late logs would block their deletion
   */
  readonly noAccessLogsReason?: string;
}

/**
 * A private bucket of a lab, with no fixed name: S3-managed encryption, every public access blocked, TLS
 * only, ACLs disabled, emptied and deleted with the stack. Incomplete multipart uploads are cleaned up
 * after a day.
 */
export function labBucket(scope: Construct, id: string, options: LabBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
    lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
  });
  (bucket.node.defaultChild as CfnResource).addMetadata(BUCKET_PURPOSE_METADATA, options.purpose);
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: options.noAccessLogsReason ?? NO_ACCESS_LOGS_REASON });
  return bucket;
}
