/**
 * Every bad value of the lab's settings stops synthesis with one line naming the key, the value and what is
 * allowed; and which settings make a new server.
 */
import { SETTINGS_GROUPS } from '../../lib/app';
import { KNOWN_FAMILIES } from '../../lib/shared/instance-types';
import { ConfigError, loadSettings } from '../../lib/shared/settings';
import { WEB_SERVER_SETTINGS } from '../../lib/web-server/settings';
import { serverGeneration, ServerGenerationInputs } from '../../lib/web-server/web-server-lab-stack';

const groupIndex = SETTINGS_GROUPS.findIndex((g) => g.usedBy === 'WebServerLabStack');
const values = (context: Record<string, unknown>) => loadSettings(context, SETTINGS_GROUPS)[groupIndex];

function errorOf(context: Record<string, unknown>): string {
  try {
    values(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be refused`);
}

test('the lab is registered with its settings', () => {
  expect(SETTINGS_GROUPS[groupIndex].settings).toBe(WEB_SERVER_SETTINGS);
});

test('defaults: lamp, no HTTPS, no SSH, t4g.micro', () => {
  expect(values({}).values).toEqual({
    webServerSetup: 'lamp',
    webServerHttps: false,
    webServerSshCidr: undefined,
    webServerInstanceType: 't4g.micro',
  });
});

test('accepted values', () => {
  expect(values({ webServerSetup: 'bare', webServerHttps: 'true', webServerSshCidr: ' 198.51.100.0/24 ', webServerInstanceType: 't3a.small' })).toEqual({
    values: { webServerSetup: 'bare', webServerHttps: true, webServerSshCidr: '198.51.100.0/24', webServerInstanceType: 't3a.small' },
    given: { webServerSetup: 'bare', webServerHttps: 'true', webServerSshCidr: '198.51.100.0/24', webServerInstanceType: 't3a.small' },
  });
});

test.each([
  ['webServerSetup', 'LAMP', 'lamp or bare'],
  ['webServerSetup', 'nginx', 'lamp or bare'],
  ['webServerHttps', 'yes', 'true or false'],
  ['webServerSshCidr', '0.0.0.0/0', '0.0.0.0/0, ::/0 and other world-open ranges are refused'],
  ['webServerSshCidr', '::/0', 'an IPv4 CIDR with a prefix length from 8 to 32'],
  ['webServerSshCidr', '203.0.113.7', 'an IPv4 CIDR'],
  ['webServerSshCidr', '203.0.113.7/24', 'no host bits set'],
  ['webServerInstanceType', 't4g.nano', `an instance type with at least 1 vCPU and 1 GiB of memory (room for Apache, PHP-FPM and MariaDB) from the families ${KNOWN_FAMILIES.join(', ')}`],
  ['webServerInstanceType', 't4g.smal', 'an instance type with at least 1 vCPU and 1 GiB'],
])('%s=%s is refused in one line naming the key, the value and what is allowed', (key, value, allowed) => {
  const message = errorOf({ [key]: value });
  expect(message).toBe(`Invalid value ${JSON.stringify(value)} for context key "${key}". Allowed: ${WEB_SERVER_SETTINGS[key as keyof typeof WEB_SERVER_SETTINGS].allowed}.`);
  expect(message).toContain(allowed);
  expect(message).not.toContain('\n');
});

test('the keys do not collide with the container cluster’s sshCidr: each lab reads its own', () => {
  expect(values({ sshCidr: '203.0.113.7/32' }).values.webServerSshCidr).toBeUndefined();
});

describe('which changes make a new server, and so a new wait condition', () => {
  const base = { setup: 'lamp', https: false, instanceType: 't4g.micro', siteHash: 'a'.repeat(64), appHash: 'b'.repeat(64) } as const;
  const g = (change: Partial<ServerGenerationInputs>) => serverGeneration({ ...base, ...change });

  test('another type of the same architecture does not: CloudFormation changes it in place, with no new bootstrap', () => {
    expect(g({ instanceType: 't4g.small' })).toBe(g({}));
  });

  test('a comment in the script does not (user data drops comment-only lines); a command does', () => {
    const script = '#!/bin/bash\necho installing\n';
    expect(g({ script: `${script}  # why it installs\n# shellcheck disable=SC2086\n` })).toBe(g({ script }));
    expect(g({ script: `${script}echo more\n` })).not.toBe(g({ script }));
  });

  test.each<[string, Partial<ServerGenerationInputs>]>([
    ['another architecture (a new image)', { instanceType: 't3.micro' }],
    ['the setup', { setup: 'bare' }],
    ['HTTPS', { https: true }],
    ['the site', { siteHash: 'c'.repeat(64) }],
    ['the PHP page', { appHash: 'c'.repeat(64) }],
  ])('%s does', (_what, change) => {
    expect(g(change)).not.toBe(g({}));
  });
});
