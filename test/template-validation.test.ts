/**
 * The project's one run of aws-cdk-lib's template validation (`@aws/cloudformation-validate`: every
 * resource against its CloudFormation schema, plus the default rules), over every lab in every
 * configuration. It is off everywhere else: in the other tests (`test/helpers/jest-setup.ts`) and on a
 * student's `cdk synth`, `deploy` and `diff` (`lib/template-validation.ts`), so its engine starts once
 * per `npm test` instead of once per synthesizing process.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { main } from '../lib/main';
import { LabStack } from '../lib/shared/lab-stack';
import { LABS } from '../lib/app';
import {
  ciConfigurations,
  findingsInAssembly,
  labsChangedBy,
  templateValidationFindings,
  TEMPLATE_CONFIGURATIONS,
  withTemplateValidationEnv,
} from './helpers/template-validation';

/**
 * Starting the engine takes seconds, more on a busy machine. Later synths in this file reuse it while
 * their templates hold no resource type it has not seen, so the configurations, which hold every lab,
 * come first.
 */
const ENGINE_START_TIMEOUT_MS = 120_000;

describe.each(TEMPLATE_CONFIGURATIONS.map(([name, context]) => [name, labsChangedBy(context).join(', '), context] as const))(
  'configuration %s, templates of %s',
  (_name, labs, context) => {
    test('have no finding, of any severity', () => {
      expect(templateValidationFindings(context, { labs: labs.split(', ') })).toEqual([]);
    }, ENGINE_START_TIMEOUT_MS);
  },
);

/** The lab the checks below break, and the only one they synthesize. */
const BROKEN_LAB = 'StaticSiteLabStack';

/** Puts values that CloudFormation's schema refuses into the lab's bucket, as a careless edit could. */
function breakTheBucket(stacks: LabStack[]) {
  const bucket = stacks[0].node.findAll().find((c): c is s3.CfnBucket => c instanceof s3.CfnBucket)!;
  bucket.addPropertyOverride('VersioningConfiguration.Status', 'Sometimes');
  bucket.addPropertyOverride('WebsiteConfigurations', { IndexDocument: 'index.html' });
  return bucket.node.path;
}

describe('a student synth', () => {
  const findings = (env: string | null, tamper: (stacks: LabStack[]) => void = breakTheBucket) =>
    templateValidationFindings({}, { env, labs: [BROKEN_LAB], tamper });

  test('with CDK_VALIDATION=true finds an invalid property and an invalid value, warnings included, at their construct', () => {
    let bucketPath = '';
    const found = findings('true', (stacks) => (bucketPath = breakTheBucket(stacks)));
    expect(bucketPath).toMatch(new RegExp(`^${BROKEN_LAB}/`));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^\\w+ \\(error\\) at ${bucketPath}: .*'WebsiteConfigurations' was unexpected`)),
        expect.stringMatching(new RegExp(`^\\w+ \\(warning\\) at ${bucketPath}: VersioningConfiguration.Status: 'Sometimes' is not one of`)),
      ]),
    );
  }, ENGINE_START_TIMEOUT_MS);

  test('does not validate templates by default', () => {
    expect(findings(null)).toEqual([]);
  });

  test('does not validate with CDK_VALIDATION=false, as `cdk synth --no-validation` sets it', () => {
    expect(findings('false')).toEqual([]);
  });

  test('refuses any other CDK_VALIDATION with one line naming the variable, the value and what is allowed', () => {
    const lines: string[] = [];
    const status = withTemplateValidationEnv('yes', () => main(undefined, (line) => lines.push(line)));
    expect(status).toBe(1);
    expect(lines).toEqual([
      'course-labs: Invalid value "yes" for environment variable CDK_VALIDATION. Allowed: true (check every template against CloudFormation schemas and rules at synth) or false (the default).',
    ]);
  });
});

test("the configurations checked include every one CI lints, read from .ci/run's own list", () => {
  const ci = ['configurations=(', '  "default:"', '  "two:-c a=1 -c b=x=y"', ')', ''].join('\n');
  expect(ciConfigurations(ci)).toEqual([
    ['default', {}],
    ['two', { a: '1', b: 'x=y' }],
  ]);
  expect(() => ciConfigurations('configurations=(\n  "bad:--context a=1"\n)\n')).toThrow('expected -c key=value');
  expect(TEMPLATE_CONFIGURATIONS.map(([name]) => name)).toEqual(expect.arrayContaining(['default', 'website', 'no-expiry']));
});

test('a configuration is checked on every lab it can change: all for the defaults or a shared setting, else the labs it sets', () => {
  const every = LABS.map((l) => l.stackName);
  const owner = (key: string) => LABS.find((l) => key in l.settings)!.stackName;
  expect(labsChangedBy({})).toEqual(every);
  expect(labsChangedBy({ ttlHours: '0' })).toEqual(every);
  expect(labsChangedBy({ stackSuffix: 'x', staticSiteHosting: 'website' })).toEqual(every);
  expect(labsChangedBy({ staticSiteHosting: 'website' })).toEqual([owner('staticSiteHosting')]);
  expect(labsChangedBy({ orchestrator: 'swarm', staticSiteHosting: 'website' })).toEqual(
    every.filter((name) => [owner('orchestrator'), owner('staticSiteHosting')].includes(name)),
  );
});

test('every other test file synthesizes without template validation, any App included (test/helpers/jest-setup.ts)', () => {
  // Outside withTemplateValidationEnv, this file sees the environment every test file gets.
  const app = new App({ context: { [cxapi.FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false } });
  new s3.CfnBucket(new Stack(app, 'PlainStack'), 'Bucket').addPropertyOverride('WebsiteConfigurations', 1);
  expect(findingsInAssembly(app.synth().directory)).toEqual([]);
});
