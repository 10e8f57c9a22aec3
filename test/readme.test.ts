/** The README is the user's manual: what it says about settings and labs must stay true. */
import * as fs from 'fs';
import * as path from 'path';
import { LABS, SETTING_DOCS } from '../lib/app';
import { TEMPLATE_VALIDATION_ENV, templateValidationRequested } from '../lib/template-validation';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

test.each(SETTING_DOCS.map((s) => [s.key, s]))('the settings table documents %s with its default and what it allows', (_key, s) => {
  const readBy = s.usedBy === 'every lab' ? s.usedBy : `\`${s.usedBy}\``;
  expect(readme).toContain(`| \`${s.key}\` | ${readBy} | \`${s.defaultText}\` | ${s.allowed} |`);
});

test.each(LABS.map((l) => [l.stackName]))('the lab table lists %s', (stackName) => {
  expect(readme).toMatch(new RegExp(`^\\| \`${stackName}\` \\|`, 'm'));
});

test('the two set-up commands are the ones CI runs', () => {
  const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
  expect(readme).toContain('npm ci && npx cdk synth --quiet');
  expect(readme).toContain('npm test ');
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test$/m);
  expect(ci).toContain('npx cdk synth --quiet');
});

test('the runner the README names is the one cdk.json uses', () => {
  expect(cdkJson.app).toBe('node bin/cdk-app.cjs');
  expect(readme).toContain("with this project's runner (`node bin/cdk-app.cjs`)");
  expect(readme).toMatch(/^bin\/cdk-app\.cjs +what cdk\.json runs/m);
  expect(pkg.devDependencies['aws-cdk']).toMatch(/^\^2\./);
  expect(pkg.devDependencies.typescript).toMatch(/^~5\.9/);
});

test('the template-validation switch the README gives is the one the app reads, off by default', () => {
  expect(readme).toContain(`${TEMPLATE_VALIDATION_ENV}=true npx cdk synth --quiet`);
  expect(readme).toContain(`\`${TEMPLATE_VALIDATION_ENV}\` accepts \`true\` or \`false\` (the default)`);
  expect(templateValidationRequested({})).toBe(false);
  expect(templateValidationRequested({ [TEMPLATE_VALIDATION_ENV]: 'true' })).toBe(true);
});

test('the flag the README explains is off in cdk.json', () => {
  expect(cdkJson.context['@aws-cdk/aws-lambda:useCdkManagedLogGroup']).toBe(false);
});
