import * as path from 'path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { acknowledgeBucketNotificationsHandler, nagValue } from '../shared/cdk-helpers';
import { LabFunction } from '../shared/lab-function';
import { labBucket } from '../shared/lab-bucket';
import { THUMBNAIL_PREFIX, WIDTH_RANGE } from '../../lambda/thumbnail/limits';

/**
 * The key suffixes whose uploads invoke the function, in lower and in upper case. S3 compares a filter's
 * suffix with the end of the object key, and "object key names are case sensitive"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html); the filtering page mentions no
 * case folding. So a `.jpg` filter alone would silently ignore the `IMG_0042.JPG` that cameras and many
 * phones write. Two suffixes overlap, which S3
 * refuses, only "if a given string can end with both suffixes"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html): no key ends
 * with both `.jpg` and `.JPG`, so each case is a notification of its own. Mixed case (`.Jpg`) is not
 * covered; the guide says so.
 */
export const IMAGE_SUFFIXES: readonly string[] = ['.jpg', '.jpeg', '.png', '.JPG', '.JPEG', '.PNG'];

/** Properties of a `ThumbnailPipeline`. */
export interface ThumbnailPipelineProps {
  /**
   * Width in pixels of every thumbnail, from 16 to 2048; the height keeps the aspect ratio.
   * @default 200
   */
  readonly thumbnailWidth?: number;
}

const LAMBDA_DIR = path.join(__dirname, '..', '..', 'lambda');

/**
 * The course's "Introduction to AWS Lambda" pipeline: an upload bucket whose new `.jpg`, `.jpeg` and `.png`
 * objects (or `.JPG`, `.JPEG`, `.PNG`) invoke a function (`lambda/thumbnail`) that writes a thumbnail of each to a second bucket, as
 * `resized-<key>`.
 *
 * No loop: the function reads only the upload bucket and writes only `resized-*` keys of the thumbnail
 * bucket, which has no notification at all; the handler also refuses to write to a bucket it was
 * triggered from.
 */
export class ThumbnailPipeline extends Construct {
  /** Students upload images here; each new image invokes the function. */
  public readonly uploadBucket: s3.Bucket;
  /** The function writes each thumbnail here. */
  public readonly thumbnailBucket: s3.Bucket;
  public readonly thumbnailer: LabFunction;
  public readonly function: lambda.Function;
  public readonly thumbnailWidth: number;

  constructor(scope: Construct, id: string, props: ThumbnailPipelineProps = {}) {
    super(scope, id);
    this.thumbnailWidth = props.thumbnailWidth ?? 200;
    const { min, max } = WIDTH_RANGE;
    if (!Number.isInteger(this.thumbnailWidth) || this.thumbnailWidth < min || this.thumbnailWidth > max) {
      throw new Error(`${this.node.path}: thumbnailWidth must be a whole number from ${min} to ${max}, got ${this.thumbnailWidth}`);
    }

    this.uploadBucket = labBucket(this, 'UploadBucket', { purpose: 'Students upload images here; each new .jpg, .jpeg or .png (lower or upper case) invokes the thumbnail function.' });
    this.thumbnailBucket = labBucket(this, 'ThumbnailBucket', { purpose: 'The thumbnail function writes resized-<key> here; nothing here invokes anything.' });

    this.thumbnailer = new LabFunction(this, 'Thumbnailer', {
      entry: path.join(LAMBDA_DIR, 'thumbnail', 'index.ts'),
      description: `Writes a ${this.thumbnailWidth}-pixel-wide thumbnail of each image uploaded to the upload bucket to the thumbnail bucket.`,
      environment: { THUMBNAIL_BUCKET: this.thumbnailBucket.bucketName, THUMBNAIL_WIDTH: String(this.thumbnailWidth) },
      // Decoding a large image in JavaScript takes memory and CPU (which scales with memory): the largest
      // the handler accepts, 25 MP, peaked at 0.9 GB and took 7 s on one core (see MAX_SOURCE_PIXELS).
      memorySize: 1536,
      timeout: Duration.seconds(60),
    });
    this.function = this.thumbnailer.function;

    // Exactly what the handler calls: GetObject on uploads (ListBucket so that a missing key is a 404
    // NoSuchKey rather than a 403, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html),
    // PutObject of resized-* keys in the thumbnail bucket. Nothing else: no write to the upload bucket.
    const role = this.thumbnailer.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.uploadBucket.arnForObjects('*')] }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.uploadBucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.thumbnailBucket.arnForObjects(`${THUMBNAIL_PREFIX}*`)] }),
    );
    Validations.of(role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${nagValue(this, this.uploadBucket.bucketArn)}/*]`,
        reason: 'The function reads whichever image a student uploads, so any key of the upload bucket; it may not write there.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${nagValue(this, this.thumbnailBucket.bucketArn)}/${THUMBNAIL_PREFIX}*]`,
        reason: `The function writes ${THUMBNAIL_PREFIX}<key> for whichever key was uploaded; only keys with that prefix, only in the thumbnail bucket.`,
      },
    );

    // S3 invokes the function asynchronously, once per new object whose key ends in an image suffix (one
    // notification per suffix: "the same type of filter rule cannot be used more than once",
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-s3keyfilter.html;
    // IMAGE_SUFFIXES says why both cases).
    for (const suffix of IMAGE_SUFFIXES) {
      this.uploadBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(this.function), { suffix });
    }
    // An asynchronous invocation that fails is retried twice by default, and an event that cannot be
    // delivered (throttling) is kept for up to 6 hours
    // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). The handler
    // succeeds on every object it can never process (it logs it as SKIPPED), so a failure is transient
    // (S3 throttling, a network error, a timeout): one retry a minute later is worth it, more only repeat
    // a broken deploy's error in the logs. A thumbnail an hour late is of no use in a lab session.
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html
    this.function.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(1) });

    acknowledgeBucketNotificationsHandler(this);
  }

}
