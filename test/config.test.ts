import { ConfigError, DEFAULT_TTL_HOURS, loadConfig, MAX_TTL_HOURS } from '../lib/config';

function errorOf(context: Record<string, unknown>): string {
  try {
    loadConfig(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({ ttlHours: DEFAULT_TTL_HOURS, stackSuffix: undefined, staticSiteHosting: 'cloudfront' });
  });

  test('reads strings from -c and numbers from cdk.json', () => {
    expect(loadConfig({ ttlHours: '0', stackSuffix: 'alice-2', staticSiteHosting: 'website' })).toEqual({
      ttlHours: 0,
      stackSuffix: 'alice-2',
      staticSiteHosting: 'website',
    });
    expect(loadConfig({ ttlHours: 12 }).ttlHours).toBe(12);
    expect(loadConfig({ ttlHours: ` ${MAX_TTL_HOURS} ` }).ttlHours).toBe(MAX_TTL_HOURS);
  });

  test("ignores CDK's own context keys", () => {
    expect(() =>
      loadConfig({
        '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
        'aws:cdk:enable-path-metadata': true,
        'acknowledged-issue-numbers': [1],
        'cli-telemetry': false,
        'availability-zones:account=1:region=x': ['a'],
      }),
    ).not.toThrow();
  });

  test.each([
    ['abc', '"abc"'],
    ['-1', '"-1"'],
    ['1.5', '"1.5"'],
    [String(MAX_TTL_HOURS + 1), `"${MAX_TTL_HOURS + 1}"`],
    [2.5, '2.5'],
    [true, 'true'],
    ['', '""'],
  ])('ttlHours %p is refused with the key, the value and what is allowed', (value, shown) => {
    expect(errorOf({ ttlHours: value })).toBe(
      `Invalid value ${shown} for context key "ttlHours". Allowed: a whole number of hours from 0 (never expire) to ${MAX_TTL_HOURS}.`,
    );
  });

  test.each(['', '-alice', 'has space', 'a'.repeat(21), 'under_score'])('stackSuffix %p is refused', (value) => {
    expect(errorOf({ stackSuffix: value })).toBe(
      `Invalid value ${JSON.stringify(value)} for context key "stackSuffix". Allowed: 1 to 20 letters, digits or hyphens, starting with a letter or digit.`,
    );
  });

  test.each(['s3', 'CloudFront', ''])('staticSiteHosting %p is refused', (value) => {
    expect(errorOf({ staticSiteHosting: value })).toBe(
      `Invalid value ${JSON.stringify(value)} for context key "staticSiteHosting". Allowed: cloudfront or website.`,
    );
  });

  test('an unknown key is refused, with a suggestion when it looks like a typo', () => {
    expect(errorOf({ ttlHourz: '3' })).toBe(
      'Unknown context key "ttlHourz" (value "3"). Did you mean "ttlHours"? Known keys: ttlHours, stackSuffix, staticSiteHosting.',
    );
    expect(errorOf({ StaticSiteHosting: 'website' })).toContain('Did you mean "staticSiteHosting"?');
    expect(errorOf({ colour: 'red' })).toBe(
      'Unknown context key "colour" (value "red"). Known keys: ttlHours, stackSuffix, staticSiteHosting.',
    );
  });

  test('every message is a single line', () => {
    expect(errorOf({ ttlHours: 'x\ny' })).not.toMatch(/\n.*\n/);
  });
});
