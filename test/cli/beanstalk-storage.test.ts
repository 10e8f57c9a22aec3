/**
 * `labs sweep`'s note on Elastic Beanstalk's bucket when S3 refuses a call (the moto suite,
 * test/integration/beanstalk-app.moto.test.ts, covers the bucket present and absent): one line, never a trace.
 */
import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beanstalkStorageNote } from '../../lib/cli/actions/beanstalk-storage';

const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

test('the bucket exists but its objects cannot be listed: still reported, without its size', async () => {
  const send = jest.fn(async (command: unknown) => {
    if (command instanceof HeadBucketCommand) return {};
    if (command instanceof ListObjectsV2Command) throw denied();
    throw new Error('unexpected call');
  });
  const lines = await beanstalkStorageNote({ s3: { send } } as any, 'eu-west-1', '111122223333');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Kept: S3 bucket elasticbeanstalk-eu-west-1-111122223333 \(size not read: AccessDenied\)\. /);
});

test('whether the bucket exists cannot be checked: one line saying so', async () => {
  const send = jest.fn(async () => {
    throw denied();
  });
  expect(await beanstalkStorageNote({ s3: { send } } as any, 'eu-west-1', '111122223333')).toEqual([
    "Not checked: whether Elastic Beanstalk's bucket elasticbeanstalk-eu-west-1-111122223333 exists (AccessDenied: Access Denied).",
  ]);
});
