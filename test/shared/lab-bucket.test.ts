/** labBucket, the private bucket every lab makes the same way (used by the Hadoop and S3 trigger labs). */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUCKET_PURPOSE_METADATA, labBucket } from '../../lib/shared/lab-bucket';

const stack = new Stack(new App(), 'BucketTest');
labBucket(stack, 'Uploads', { purpose: 'Images students upload.' });
labBucket(stack, 'Logs', { purpose: 'Logs.', noAccessLogsReason: 'A reason of this lab.' });
const template = Template.fromStack(stack);
const buckets = template.findResources('AWS::S3::Bucket');

test('private, encrypted, ACLs off, deleted and emptied with the stack, no fixed name, purpose in the metadata', () => {
  expect(Object.values(buckets)).toHaveLength(2);
  for (const bucket of Object.values(buckets)) {
    expect(bucket).toMatchObject({
      DeletionPolicy: 'Delete',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
      },
    });
    expect(bucket.Properties.BucketName).toBeUndefined();
  }
  expect(Object.values(buckets).map((b) => b.Metadata[BUCKET_PURPOSE_METADATA]).sort()).toEqual(['Images students upload.', 'Logs.']);
  template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
  for (const policy of Object.values(template.findResources('AWS::S3::BucketPolicy'))) {
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  }
});
