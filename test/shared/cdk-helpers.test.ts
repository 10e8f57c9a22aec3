import { App, Aws, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { nagValue } from '../../lib/shared/cdk-helpers';

test("nagValue renders tokens as cdk-nag writes them in a finding's id", () => {
  const stack = new Stack(new App(), 'Stack');
  const bucket = new s3.Bucket(stack, 'Logs');
  expect(nagValue(stack, 'arn:aws:s3:::plain/*')).toBe('arn:aws:s3:::plain/*');
  expect(nagValue(stack, `arn:${Aws.PARTITION}:s3:::${Aws.REGION}.elasticmapreduce.samples/cloudfront/data*`)).toBe(
    'arn:<AWS::Partition>:s3:::<AWS::Region>.elasticmapreduce.samples/cloudfront/data*',
  );
  const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  expect(nagValue(stack, bucket.arnForObjects('logs/*'))).toBe(`<${logicalId}.Arn>/logs/*`);
  expect(nagValue(stack, bucket.bucketName)).toBe(`<${logicalId}>`);
});
