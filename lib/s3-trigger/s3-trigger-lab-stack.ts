import * as path from 'path';
import { Aws, CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { ThumbnailPipeline } from './thumbnail-pipeline';

/** Course lab "Introduction to AWS Lambda" (S3 trigger). */
export const S3_TRIGGER_LAB: LabInfo = { id: 's3-trigger', title: 'Introduction to AWS Lambda: thumbnails of S3 uploads' };

/** The sample images and event, in the repository (paths relative to its root, as the outputs print them). */
export const S3_TRIGGER_SAMPLES = {
  jpeg: 'lib/s3-trigger/samples/HappyFace.jpg',
  png: 'lib/s3-trigger/samples/HappyFace.png',
  event: 'lib/s3-trigger/events/s3-put.json',
} as const;
/** The bucket name the sample event carries, which the printed `aws lambda invoke` command replaces. */
export const SAMPLE_EVENT_BUCKET = 'amzn-s3-demo-bucket';

/** The repository's root, for tests that open the sample files. */
export const REPOSITORY_ROOT = path.join(__dirname, '..', '..');

/** Properties of an `S3TriggerLabStack`. */
export interface S3TriggerLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * Width in pixels of every thumbnail, from 16 to 2048.
   * @default 200
   */
  readonly thumbnailWidth?: number;
}

/**
 * The course's "Introduction to AWS Lambda" lab: an upload bucket, a thumbnail bucket and a function that
 * S3 invokes for each uploaded image, with outputs for each step (upload, list, test event, logs,
 * metrics). The walkthrough is `lib/s3-trigger/README.md`.
 */
export class S3TriggerLabStack extends LabStack {
  public readonly pipeline: ThumbnailPipeline;

  constructor(scope: Construct, id: string, props: S3TriggerLabStackProps = {}) {
    super(scope, id, { ...props, lab: S3_TRIGGER_LAB });
    this.pipeline = new ThumbnailPipeline(this, 'Thumbnails', { thumbnailWidth: props.thumbnailWidth });

    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const region = `--region ${Aws.REGION}`;
    const upload = this.pipeline.uploadBucket.bucketName;
    const thumbnails = this.pipeline.thumbnailBucket.bucketName;
    const fn = this.pipeline.function.functionName;
    const logGroup = this.pipeline.thumbnailer.logGroup.logGroupName;

    out('UploadBucketName', 'Upload .jpg, .jpeg or .png images here (or .JPG, .JPEG, .PNG): each one invokes the function.', upload);
    out('ThumbnailBucketName', 'The function writes resized-<key> here.', thumbnails);
    out('FunctionName', 'The thumbnail function (Lambda console: Test it with the sample event, see its Monitor tab).', fn);
    out('FunctionLogGroup', "The function's log group: one THUMBNAIL or SKIPPED line per object.", logGroup);
    out('ThumbnailWidth', 'Width in pixels of every thumbnail (setting thumbnailWidth).', String(this.pipeline.thumbnailWidth));

    out('Step1UploadImage', 'Upload the sample image: S3 invokes the function.', `aws s3 cp ${S3_TRIGGER_SAMPLES.jpeg} s3://${upload}/HappyFace.jpg ${region}`);
    out('Step2ListThumbnails', 'A few seconds later: list the thumbnails.', `aws s3 ls s3://${thumbnails}/ ${region}`);
    out('Step3DownloadThumbnail', 'Download the thumbnail and open it.', `aws s3 cp s3://${thumbnails}/resized-HappyFace.jpg . ${region}`);
    out(
      'Step4TestWithSampleEvent',
      "Invoke the function yourself with the sample S3 event (it names HappyFace.jpg, uploaded in step 1); the response lists what it did.",
      `sed 's/${SAMPLE_EVENT_BUCKET}/${upload}/g' ${S3_TRIGGER_SAMPLES.event} > s3-put.json && ` +
        `aws lambda invoke --function-name ${fn} --payload fileb://s3-put.json ${region} response.json && cat response.json`,
    );
    out('Step5TailLogs', "Follow the function's log lines (AWS CLI v2).", `aws logs tail ${logGroup} --since 1h --follow ${region}`);
    out(
      'Step6Metrics',
      "The function's invocations, errors (sums) and average duration (ms) per 5 minutes over the last hour (GNU date, as in CloudShell).",
      `aws cloudwatch get-metric-data ${region} --start-time "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" --end-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" ` +
        `--metric-data-queries '${metricQueries(fn)}' --output table`,
    );
  }
}

/** The GetMetricData queries for the function's Invocations, Errors (Sum) and Duration (Average), 5-minute periods. */
function metricQueries(functionName: string): string {
  const query = (id: string, metric: string, stat: string) =>
    `{"Id":"${id}","Label":"${metric} (${stat})","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"${metric}",` +
    `"Dimensions":[{"Name":"FunctionName","Value":"${functionName}"}]},"Period":300,"Stat":"${stat}"}}`;
  return `[${query('invocations', 'Invocations', 'Sum')},${query('errors', 'Errors', 'Sum')},${query('duration', 'Duration', 'Average')}]`;
}
