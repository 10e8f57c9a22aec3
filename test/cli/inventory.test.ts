/** What the finders return, from scripted AWS answers: buckets of another region are never planned. */
import { bucketRegion, findLabResources } from '../../lib/cli/inventory/resources';
import { scriptedSession, tagsOf } from './fixtures';

const tagMapping = (bucket: string) => ({
  ResourceARN: `arn:aws:s3:::${bucket}`,
  Tags: Object.entries(tagsOf('GoneLabStack')).map(([Key, Value]) => ({ Key, Value })),
});

test("a bucket's LocationConstraint names its region: empty is us-east-1, EU is eu-west-1", () => {
  expect(bucketRegion(undefined)).toBe('us-east-1');
  expect(bucketRegion('')).toBe('us-east-1');
  expect(bucketRegion('EU')).toBe('eu-west-1');
  expect(bucketRegion('ap-south-2')).toBe('ap-south-2');
});

test("findLabResources checks each bucket's region first and leaves out buckets of other regions", async () => {
  const regions: Record<string, string | undefined> = { 'here-bucket': undefined, 'eu-bucket': 'EU', 'west-bucket': 'us-west-2' };
  const { session, calls } = scriptedSession({
    GetResourcesCommand: () => ({ ResourceTagMappingList: Object.keys(regions).map(tagMapping) }),
    GetBucketLocationCommand: (input) => ({ LocationConstraint: regions[input.Bucket] }),
    ListObjectVersionsCommand: () => ({ Versions: [{ Key: 'a', Size: 3 }], IsTruncated: false }),
  });
  const found = await findLabResources(session);
  expect(found.filter((r) => r.kind === 's3-bucket').map((r) => r.id)).toEqual(['here-bucket']);
  // Nothing but the location was asked of the other regions' buckets.
  const asked = (command: string) => calls.filter((c) => c.command === command).map((c) => c.input.Bucket);
  expect(asked('GetBucketLocationCommand').sort()).toEqual(['eu-bucket', 'here-bucket', 'west-bucket']);
  expect(asked('ListObjectVersionsCommand')).toEqual(['here-bucket']);
});
