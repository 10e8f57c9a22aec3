/**
 * The landed lab's hourly cost at its defaults, against a hand calculation. The lab table in the README
 * shows the same figure (`npx labs cost`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { stackSummary } from '../../lib/cli/cost/format';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { synthLabs } from '../helpers/synth';

// One synth, at defaults (each synth costs seconds of the test budget).
const defaults = synthLabs().labs.find((l) => l.stack.stackName === 'StaticSiteLabStack')!;
const estimate = estimateStack('StaticSiteLabStack', defaults.json as never);

test('StaticSiteLabStack at defaults costs $0/h while idle: everything in it is billed by use', () => {
  // Hand calculation: the lab has no instance, load balancer, NAT gateway, public IPv4 address, EBS volume,
  // VPC endpoint, KMS key or secret. What it has bills only when used: S3 storage and requests, CloudFront
  // requests and transfer, the invocations of its 3 Lambda functions (expiry, bucket auto-delete, deployment),
  // their 3 log groups, and the one expiry schedule. So: $0.0000/h, nothing unpriced.
  const e = estimate;
  expect(e.usdPerHour).toBe(0);
  expect(e.unpriced).toBe(0);
  expect(e.resources.filter((r) => r.lines.length)).toEqual([]);
  const count = (type: string) => e.usage.filter((u) => u.type === type).length;
  expect([count('AWS::S3::Bucket'), count('AWS::CloudFront::Distribution'), count('AWS::Lambda::Function'), count('AWS::Logs::LogGroup'), count('AWS::Scheduler::Schedule')]).toEqual([1, 1, 3, 3, 1]);
  expect(stackSummary(e)).toBe('StaticSiteLabStack  $0.0000/h  (nothing bills by the hour; 9 usage-priced resources)');
});

test("the README's lab table shows the figure labs cost prints", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const row = readme.split('\n').find((l) => l.startsWith('| `StaticSiteLabStack` |'))!;
  const costCell = row.split(' | ')[3];
  expect(costCell.slice(0, formatUsdPerHour(estimate.usdPerHour).length)).toBe(formatUsdPerHour(estimate.usdPerHour));
});
