/** The README is the user's manual: what it says about settings and labs must stay true. */
import * as fs from 'fs';
import * as path from 'path';
import { LABS, SETTING_DOCS } from '../lib/app';

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
  expect(cdkJson.app).toBe('node --import tsx bin/course-labs.ts');
  expect(readme).toContain('(`node --import tsx`)');
  expect(pkg.devDependencies['aws-cdk']).toMatch(/^\^2\./);
  expect(pkg.devDependencies.typescript).toMatch(/^~5\.9/);
});

test('the flag the README explains is off in cdk.json', () => {
  expect(cdkJson.context['@aws-cdk/aws-lambda:useCdkManagedLogGroup']).toBe(false);
});
