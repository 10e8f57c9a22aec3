/** `labs review`'s old -> new values: walked down to the field that changed, intrinsics as cdk diff shows them. */
import { describeChanges, MAX_CHANGES_PER_PROPERTY, showValue, valueChanges } from '../../lib/cli/review/values';

test('nested fields: the path to the leaf that changed, with both values', () => {
  const before = { LaunchTemplateData: { InstanceType: 't4g.micro', BlockDeviceMappings: [{ Ebs: { VolumeSize: 8 } }] } };
  const after = { LaunchTemplateData: { InstanceType: 't3.small', BlockDeviceMappings: [{ Ebs: { VolumeSize: 30 } }] } };
  expect(valueChanges('LaunchTemplateData', before.LaunchTemplateData, after.LaunchTemplateData)).toEqual([
    { path: 'LaunchTemplateData.InstanceType', before: 't4g.micro', after: 't3.small' },
    { path: 'LaunchTemplateData.BlockDeviceMappings[0].Ebs.VolumeSize', before: '8', after: '30' },
  ]);
});

test('a security-group rule: its port and CIDR', () => {
  const rule = (port: number, cidr: string) => [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIp: cidr }];
  expect(valueChanges('SecurityGroupIngress', rule(22, '203.0.113.7/32'), rule(2222, '0.0.0.0/0'))).toEqual([
    { path: 'SecurityGroupIngress[0].FromPort', before: '22', after: '2222' },
    { path: 'SecurityGroupIngress[0].ToPort', before: '22', after: '2222' },
    { path: 'SecurityGroupIngress[0].CidrIp', before: '203.0.113.7/32', after: '0.0.0.0/0' },
  ]);
});

test('a list that grew or shrank: what it gained and lost', () => {
  expect(valueChanges('Action', ['s3:GetObject', 's3:ListBucket'], ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'])).toEqual([
    { path: 'Action', before: 's3:ListBucket', after: '(none)' },
    { path: 'Action', before: '(none)', after: 's3:PutObject' },
    { path: 'Action', before: '(none)', after: 's3:DeleteObject' },
  ]);
});

test('intrinsics read as cdk diff shows them; an added or removed field reads (none)', () => {
  expect(showValue({ Ref: 'Bucket' })).toBe('${Bucket}');
  expect(showValue({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] })).toBe('${Bucket.Arn}/*');
  expect(valueChanges('Image', undefined, 'node:22-alpine')).toEqual([{ path: 'Image', before: '(none)', after: 'node:22-alpine' }]);
});

test('a long list of changes is cut, and counted', () => {
  const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`K${i}`, i]));
  const lines = describeChanges(valueChanges('Env', many, Object.fromEntries(Object.entries(many).map(([k, v]) => [k, v + 1]))));
  expect(lines).toHaveLength(MAX_CHANGES_PER_PROPERTY + 1);
  expect(lines[0]).toBe('`Env.K0`: `0` → `1`');
  expect(lines.at(-1)).toBe(`and ${10 - MAX_CHANGES_PER_PROPERTY} more`);
});
