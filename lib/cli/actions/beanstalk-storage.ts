/**
 * What `labs sweep` says about Elastic Beanstalk's own bucket, which it never deletes.
 *
 * "Elastic Beanstalk creates an Amazon S3 bucket named elasticbeanstalk-region-account-id for each region
 * in which you create environments" (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.S3.html):
 * one bucket per account and region, shared by every Beanstalk application there (the course lab's and
 * anyone else's), without the labs' tags, and with a bucket policy that denies s3:DeleteBucket. So no lab
 * owns it and sweep leaves it; this module only reports it, with its size, so the student knows it is
 * there, that it bills only as S3 storage for its size (which other applications' files may make larger than
 * the lab's), and where the guide says how to remove it safely.
 */
import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AwsSession } from '../aws/session';

export const beanstalkBucketName = (region: string, account: string) => `elasticbeanstalk-${region}-${account}`;

/** The lines `labs sweep` prints about the bucket: none when the region has no such bucket. */
export async function beanstalkStorageNote(session: Pick<AwsSession, 's3'>, region: string, account: string): Promise<string[]> {
  const bucket = beanstalkBucketName(region, account);
  try {
    await session.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchBucket' || e.$metadata?.httpStatusCode === 404) return [];
    return [`Not checked: whether Elastic Beanstalk's bucket ${bucket} exists (${e.name ?? 'error'}: ${(err as Error).message}).`];
  }
  let size: string;
  try {
    const listed = await session.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    const objects = listed.Contents ?? [];
    const bytes = objects.reduce((total, o) => total + (o.Size ?? 0), 0);
    size = `${objects.length}${listed.IsTruncated ? '+' : ''} object(s), ${(bytes / 1024).toFixed(1)} KiB`;
  } catch (err) {
    // A note, not the sweep: a bucket whose objects cannot be listed is still reported, without its size.
    size = `size not read: ${(err as { name?: string }).name ?? 'error'}`;
  }
  return [
    `Kept: S3 bucket ${bucket} (${size}). Elastic Beanstalk made it for every Beanstalk application in this account and region, ` +
      'not only the labs; it has no lab tags and a policy that denies deleting it, so sweep never touches it. ' +
      'It bills only as S3 storage, for the size above. To remove it once no Beanstalk environment here needs it, ' +
      'follow lib/beanstalk/README.md, "What stays after teardown".',
  ];
}
