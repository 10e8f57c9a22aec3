import { SETTINGS_GROUPS } from '../../lib/app';
import {
  booleanSetting,
  choiceListSetting,
  choiceSetting,
  ConfigError,
  ipv4CidrSetting,
  LAB_STACK_SETTINGS,
  loadSettings,
  parseIpv4Cidr,
  s3UriSetting,
  SettingsGroup,
  textSetting,
  TTL_HOURS,
  wholeNumberSetting,
} from '../../lib/shared/settings';

/** The app's real settings: the shared ones and every lab's. */
function load(context: Record<string, unknown>, groups: readonly SettingsGroup[] = SETTINGS_GROUPS) {
  return loadSettings(context, groups);
}

function errorOf(context: Record<string, unknown>, groups?: readonly SettingsGroup[]): string {
  try {
    load(context, groups);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const KNOWN = SETTINGS_GROUPS.flatMap((g) => Object.keys(g.settings)).join(', ');

describe('loadSettings over the app', () => {
  test('defaults when nothing is set, and nothing counts as given', () => {
    const [shared, staticSite] = load({});
    expect(shared).toEqual({ values: { ttlHours: TTL_HOURS.default, stackSuffix: undefined }, given: {} });
    expect(staticSite).toEqual({ values: { staticSiteHosting: 'cloudfront' }, given: {} });
  });

  test('reads strings from -c and numbers from cdk.json; only non-defaults count as given', () => {
    const [shared, staticSite] = load({ ttlHours: '0', stackSuffix: 'alice-2', staticSiteHosting: 'website' });
    expect(shared).toEqual({ values: { ttlHours: 0, stackSuffix: 'alice-2' }, given: { ttlHours: '0', stackSuffix: 'alice-2' } });
    expect(staticSite).toEqual({ values: { staticSiteHosting: 'website' }, given: { staticSiteHosting: 'website' } });
    expect(load({ ttlHours: 12 })[0].values.ttlHours).toBe(12);
    expect(load({ ttlHours: ` ${TTL_HOURS.max} ` })[0].values.ttlHours).toBe(TTL_HOURS.max);
    expect(load({ staticSiteHosting: 'cloudfront' })[1].given).toEqual({});
  });

  test("ignores CDK's own context keys", () => {
    expect(() =>
      load({
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
    [String(TTL_HOURS.max + 1), `"${TTL_HOURS.max + 1}"`],
    [2.5, '2.5'],
    [true, 'true'],
    ['', '""'],
  ])('ttlHours %p is refused with the key, the value and what is allowed', (value, shown) => {
    expect(errorOf({ ttlHours: value })).toBe(
      `Invalid value ${shown} for context key "ttlHours". Allowed: a whole number of hours from 0 (never expire) to ${TTL_HOURS.max}.`,
    );
  });

  test.each(['', ' ', '-alice', 'has space', 'a'.repeat(21), 'under_score'])('stackSuffix %p is refused', (value) => {
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
    expect(errorOf({ ttlHourz: '3' })).toBe(`Unknown context key "ttlHourz" (value "3"). Did you mean "ttlHours"? Known keys: ${KNOWN}.`);
    expect(errorOf({ colour: 'red' })).toBe(`Unknown context key "colour" (value "red"). Known keys: ${KNOWN}.`);
  });

  test.each(['ttl-hours', 'TTL_HOURS', 'ttlhours', 'TtlHours', 'ttl_hours', 'static-site-hosting', 'StaticSiteHosting'])(
    'a setting written another way (%p) is refused with the right spelling, not silently ignored',
    (key) => {
      const right = key.toLowerCase().startsWith('ttl') ? 'ttlHours' : 'staticSiteHosting';
      expect(errorOf({ [key]: '3' })).toBe(
        `Context key "${key}" (value "3") is not read: setting keys are case-sensitive. Use "${right}".`,
      );
    },
  );

  test('every message is a single line, even for a value with a line break', () => {
    for (const context of [{ ttlHours: 'x\ny' }, { 'ttl\nHours': '1' }, { ttlHourz: 'a\nb' }]) {
      expect(errorOf(context)).not.toContain('\n');
    }
  });
});

describe('the mechanism composes each lab\'s own settings', () => {
  const labA: SettingsGroup = {
    usedBy: 'LabA',
    settings: {
      workerCount: wholeNumberSetting({ description: 'workers', defaultValue: 2, min: 1, max: 10 }),
      orchestrator: choiceSetting({ description: 'which', defaultValue: 'kubernetes', choices: ['kubernetes', 'swarm'] }),
    },
  };
  const labB: SettingsGroup = { usedBy: 'LabB', settings: { spark: booleanSetting({ description: 'spark', defaultValue: false }) } };
  const groups = [{ usedBy: 'every lab', settings: LAB_STACK_SETTINGS }, labA, labB];

  test('each group gets its own values and given settings', () => {
    const [, a, b] = load({ workerCount: '3', spark: 'true' }, groups);
    expect(a).toEqual({ values: { workerCount: 3, orchestrator: 'kubernetes' }, given: { workerCount: '3' } });
    expect(b).toEqual({ values: { spark: true }, given: { spark: 'true' } });
  });

  test("a lab's bad value names the key, the value and what is allowed", () => {
    expect(errorOf({ workerCount: '11' }, groups)).toBe('Invalid value "11" for context key "workerCount". Allowed: a whole number from 1 to 10.');
    expect(errorOf({ orchestrator: 'nomad' }, groups)).toBe('Invalid value "nomad" for context key "orchestrator". Allowed: kubernetes or swarm.');
    expect(errorOf({ spark: 'yes' }, groups)).toBe('Invalid value "yes" for context key "spark". Allowed: true or false.');
  });

  test('two labs declaring the same key is a programming error, not a user error', () => {
    expect(() => load({}, [labA, { usedBy: 'LabC', settings: { workerCount: labA.settings.workerCount } }])).toThrow(
      'setting "workerCount" is declared twice',
    );
  });
});

describe('ipv4CidrSetting', () => {
  const cidr = ipv4CidrSetting({ description: 'who may connect' });

  test.each([
    ['203.0.113.7/32', '203.0.113.7/32'],
    [' 203.0.113.0/24 ', '203.0.113.0/24'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/32', '0.0.0.0/32'],
    ['255.255.255.255/32', '255.255.255.255/32'],
  ])('accepts %p', (raw, value) => {
    expect(cidr.parse(raw)).toBe(value);
  });

  test.each([
    ['0.0.0.0/0', 'world-open'],
    ['::/0', 'IPv6, world-open'],
    ['2001:db8::/32', 'IPv6'],
    ['128.0.0.0/1', 'half the internet'],
    ['10.0.0.0/7', 'wider than /8'],
    ['10.0.0.300/8', 'octet over 255'],
    ['10.0.0.1/24', 'host bits set'],
    ['10.0.0.0/33', 'prefix over 32'],
    ['10.0.0.0/08', 'padded prefix'],
    ['010.0.0.0/8', 'leading zero (octal in some parsers)'],
    ['10.0.0/8', 'three octets'],
    ['203.0.113.7', 'no prefix'],
    ['', 'empty'],
    [' ', 'blank'],
    [32, 'a number'],
  ] as Array<[unknown, string]>)('refuses %p (%s)', (raw) => {
    expect(cidr.parse(raw)).toBeUndefined();
  });

  test('has no default, and says what it allows', () => {
    expect(cidr.defaultValue).toBeUndefined();
    expect(cidr.allowed).toBe(
      'an IPv4 CIDR with a prefix length from 8 to 32 and no host bits set, such as 203.0.113.7/32 (one address) or 203.0.113.0/24; 0.0.0.0/0, ::/0 and other world-open ranges are refused',
    );
  });

  test('parseIpv4Cidr gives the address and prefix length', () => {
    expect(parseIpv4Cidr('192.168.4.0/22')).toEqual({ address: '192.168.4.0', prefixLength: 22 });
    expect(parseIpv4Cidr('192.168.5.0/22')).toBeUndefined();
  });
});

describe('textSetting', () => {
  const size = textSetting({
    description: 'a size',
    defaultValue: 'small',
    allowed: 'small or large',
    check: (v) => (['small', 'large'].includes(v) ? v : undefined),
  });

  test('has its default, accepts what check accepts (trimmed), refuses the rest and empty text', () => {
    expect([size.defaultValue, size.defaultText]).toEqual(['small', 'small']);
    expect(size.parse(' large ')).toBe('large');
    for (const raw of ['medium', '', ' ', 3, true]) expect(size.parse(raw)).toBeUndefined();
  });
});

describe('choiceListSetting', () => {
  const setting = choiceListSetting({
    description: 'apps',
    defaultValue: ['Hadoop', 'Hive'],
    choices: ['Hadoop', 'Hive', 'Spark', 'Pig'],
    required: ['Hadoop', 'Hive'],
  });
  const group: SettingsGroup = { usedBy: 'LabA', settings: { apps: setting } };

  test('documents itself: the default as typed, the choices and what is required', () => {
    expect(setting.defaultText).toBe('Hadoop,Hive');
    expect(setting.allowed).toBe('a comma-separated list of Hadoop, Hive, Spark, Pig that includes Hadoop and Hive, each at most once');
  });

  test('reads a list in any order and with spaces, giving the names in the order of the choices', () => {
    expect(setting.parse('Spark,Hive,Hadoop')).toEqual(['Hadoop', 'Hive', 'Spark']);
    expect(setting.parse(' Hadoop , Pig,Hive ')).toEqual(['Hadoop', 'Hive', 'Pig']);
  });

  test('the default written another way is the default, so it does not count as given', () => {
    expect(setting.parse('Hive,Hadoop')).toBe(setting.defaultValue);
    expect(loadSettings({ apps: 'Hive,Hadoop' }, [group])[0].given).toEqual({});
    expect(loadSettings({ apps: 'Hadoop,Hive,Spark' }, [group])[0].given).toEqual({ apps: 'Hadoop,Hive,Spark' });
  });

  test.each(['Hadoop,Hive,HBase', 'hadoop,hive', 'Hadoop,Hive,Hive', 'Hadoop,Spark', 'Hadoop,,Hive', '', 3])('%p is refused', (value) => {
    expect(setting.parse(value)).toBeUndefined();
    expect(errorOf({ apps: value }, [group])).toBe(
      `Invalid value ${JSON.stringify(value)} for context key "apps". Allowed: ${setting.allowed}.`,
    );
  });
});

describe('s3UriSetting', () => {
  const setting = s3UriSetting({ description: 'input', defaultText: 's3://<region>.example/data' });

  test('documents its default as text, and is undefined when not given (the stack then uses its own)', () => {
    expect(setting.defaultText).toBe('s3://<region>.example/data');
    expect(setting.defaultValue).toBeUndefined();
  });

  test.each([
    ['s3://my-bucket', 's3://my-bucket'],
    ['s3://my-bucket/', 's3://my-bucket'],
    ['s3://us-east-1.elasticmapreduce.samples/cloudfront/data', 's3://us-east-1.elasticmapreduce.samples/cloudfront/data'],
    [' s3://b12/logs/2014/07/ ', 's3://b12/logs/2014/07'],
    ['s3://logs.example.com/a_b-c=d+e.f', 's3://logs.example.com/a_b-c=d+e.f'],
  ])('%p is read as %p', (value, expected) => {
    expect(setting.parse(value)).toBe(expected);
  });

  test.each([
    'my-bucket',
    'https://my-bucket.s3.amazonaws.com/logs',
    's3:/my-bucket',
    's3://',
    's3://ab',
    's3://My-Bucket/logs',
    's3://my_bucket/logs',
    's3://-bucket/logs',
    's3://bucket-/logs',
    's3://my..bucket/logs',
    's3://192.168.1.1/logs',
    `s3://${'a'.repeat(64)}`,
    's3://my-bucket//logs',
    "s3://my-bucket/it's",
    's3://my-bucket/a b',
    's3://my-bucket/a;b',
    's3://my-bucket/${x}',
    '',
  ])('%p is refused', (value) => {
    expect(setting.parse(value)).toBeUndefined();
  });
});
