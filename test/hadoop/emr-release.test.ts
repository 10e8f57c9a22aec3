/**
 * The release, instance types and prices the lab is built on: each instance type offered is one EMR
 * supports for the release, the course's cost target holds, and the lab guide's cost table is the
 * arithmetic of the prices in lib/hadoop/emr-release.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import {
  clusterHourlyCost,
  EMR_RELEASE_LABEL,
  GP3_GB_MONTH,
  INSTANCE_TYPE_FACTS,
  KMS_KEY_HOURLY,
  LAB_INSTANCE_TYPES,
  NODE_EBS_HOURLY,
  PUBLIC_IPV4_HOURLY,
} from '../../lib/hadoop/emr-release';

const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'hadoop', 'README.md'), 'utf8');

/**
 * EMR's ListSupportedInstanceTypes for the release, from the copy moto (the AWS mock on this machine and in
 * CI, next to moto_server) ships, or `undefined` when moto is not installed.
 */
function supportedInstanceTypes(releaseLabel: string): string[] | undefined {
  let motoDir: string;
  try {
    motoDir = execFileSync('python3', ['-c', 'import moto, os; print(os.path.dirname(moto.__file__))'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
  const file = path.join(motoDir, 'emr', 'resources', `instance-types-${releaseLabel}.json.gz`);
  if (!fs.existsSync(file)) throw new Error(`moto at ${motoDir} has no instance types for ${releaseLabel}: is the release label right?`);
  return JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8'));
}

const supported = supportedInstanceTypes(EMR_RELEASE_LABEL);
const withMoto = supported ? test : test.skip;

withMoto(`every instance type the lab offers is supported by ${EMR_RELEASE_LABEL}`, () => {
  expect(LAB_INSTANCE_TYPES.filter((t) => !supported!.includes(t))).toEqual([]);
});

withMoto('below xlarge the release supports only m4.large, c4.large and first-generation m1/c1 types; the lab offers m4.large and xlarge types', () => {
  const belowXlarge = supported!.filter((t) => /\.(nano|micro|small|medium|large)$/.test(t));
  expect(belowXlarge.sort()).toEqual(['c1.medium', 'c4.large', 'm1.large', 'm1.medium', 'm1.small', 'm4.large']);
  expect(LAB_INSTANCE_TYPES.filter((t) => t !== 'm4.large').every((t) => t.endsWith('.xlarge'))).toBe(true);
});

test("the course's 3 nodes cost at most $0.55 an hour idle at defaults; a transient run of 21 minutes stays under $0.15", () => {
  // Hand calculation: 3 x (EC2 0.10 + EMR fee 0.03 + public IPv4 0.005 + (15 + 32) GB gp3 x 0.08 / 730).
  const hourly = clusterHourlyCost('m4.large', 3);
  expect(hourly).toBeCloseTo(3 * (0.1 + 0.03 + 0.005 + (47 * 0.08) / 730), 12);
  expect(hourly).toBeLessThanOrEqual(0.55);
  expect((hourly / 60) * 21).toBeLessThanOrEqual(0.15);
  expect(KMS_KEY_HOURLY).toBeCloseTo(0.00137, 5);
});

test('the types are offered cheapest first', () => {
  const perNode = LAB_INSTANCE_TYPES.map((t) => clusterHourlyCost(t, 1));
  expect(perNode).toEqual([...perNode].sort((a, b) => a - b));
});

test.each(LAB_INSTANCE_TYPES)("the guide's cost table row for %s is the arithmetic of its prices", (type) => {
  const { vcpus, memoryGiB, ec2Hourly, emrHourly } = INSTANCE_TYPE_FACTS[type];
  const f = (n: number) => n.toFixed(4);
  const perNode = ec2Hourly + emrHourly + PUBLIC_IPV4_HOURLY + NODE_EBS_HOURLY;
  expect(clusterHourlyCost(type, 1)).toBeCloseTo(perNode, 12);
  const row = new RegExp(
    `^\\| \`${type.replace('.', '\\.')}\`(?: \\(default\\))? \\| ${vcpus}, ${memoryGiB} GiB \\| ${f(ec2Hourly)} \\| ${f(emrHourly)} \\| ` +
      `${f(perNode)} \\| ${f(clusterHourlyCost(type, 3))} \\| ${f(clusterHourlyCost(type, 1))} \\|$`,
    'm',
  );
  expect(guide).toMatch(row);
});

test("the guide's figures are the code's", () => {
  const hourly = clusterHourlyCost('m4.large', 3);
  const perMinute = (hourly / 60).toFixed(5);
  expect(NODE_EBS_HOURLY.toFixed(4)).toBe('0.0052');
  expect(guide).toContain('(15 + 32) × 0.08 / 730 = $0.0052/h per node');
  expect(guide).toContain(`3 × (0.10 + 0.03 + 0.005 + 0.0052) =\n  **$${hourly.toFixed(4)}/h**`);
  expect(guide).toContain(`the stack's $${(hourly + KMS_KEY_HOURLY).toFixed(4)}/h`);
  expect(guide).toContain(`$${perMinute} per minute`);
  expect(guide).toContain(`(0.15 / ${perMinute} = ${(0.15 / Number(perMinute)).toFixed(1)})`);
});

test('where the labs cost price table has the same types, its prices are these', () => {
  const table = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'cli', 'pricing', 'prices.json'), 'utf8'));
  let compared = 0;
  for (const type of LAB_INSTANCE_TYPES) {
    const { ec2Hourly, emrHourly } = INSTANCE_TYPE_FACTS[type];
    if (table.ec2Instance[type]) {
      expect([type, table.ec2Instance[type].usd]).toEqual([type, ec2Hourly]);
      compared++;
    }
    if (table.emrFee[type]) {
      expect([type, table.emrFee[type].usd]).toEqual([type, emrHourly]);
      compared++;
    }
  }
  expect(compared).toBeGreaterThanOrEqual(2); // at least m4.large's EC2 price and EMR fee
  expect(table.publicIpv4.usd).toBe(PUBLIC_IPV4_HOURLY);
  expect(table.ebsGbMonth.gp3.usd).toBe(GP3_GB_MONTH);
});
