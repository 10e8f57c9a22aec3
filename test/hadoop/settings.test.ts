/** The Hadoop lab's settings as a user meets them: defaults, typed values, and one clear line for each bad value. */
import { SETTINGS_GROUPS } from '../../lib/app';
import { HADOOP_SETTINGS } from '../../lib/hadoop/settings';
import { ConfigError, loadSettings } from '../../lib/shared/settings';

const hadoop = (context: Record<string, unknown>) => loadSettings(context, SETTINGS_GROUPS).find((g) => 'hadoopMode' in g.values)!;

function errorOf(context: Record<string, unknown>): string {
  try {
    loadSettings(context, SETTINGS_GROUPS);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('defaults: the course shape, long-running, Spot core nodes, one idle hour, the sample logs', () => {
  expect(hadoop({})).toEqual({
    values: {
      hadoopMode: 'long-running',
      hadoopCoreNodes: 2,
      hadoopCoreSpot: true,
      hadoopInstanceType: 'm4.large',
      hadoopIdleTimeoutSeconds: 3600,
      hadoopApplications: ['Hadoop', 'Hive'],
      hadoopInput: undefined,
    },
    given: {},
  });
});

test('every setting read as typed on the command line', () => {
  const { values, given } = hadoop({
    hadoopMode: 'transient',
    hadoopCoreNodes: '0',
    hadoopCoreSpot: 'false',
    hadoopInstanceType: 'c6g.xlarge',
    hadoopIdleTimeoutSeconds: '604800',
    hadoopApplications: 'Spark,Hadoop,Hive',
    hadoopInput: 's3://course-logs/cloudfront/',
  });
  expect(values).toEqual({
    hadoopMode: 'transient',
    hadoopCoreNodes: 0,
    hadoopCoreSpot: false,
    hadoopInstanceType: 'c6g.xlarge',
    hadoopIdleTimeoutSeconds: 604800,
    hadoopApplications: ['Hadoop', 'Hive', 'Spark'],
    hadoopInput: 's3://course-logs/cloudfront',
  });
  expect(Object.keys(given)).toHaveLength(7);
});

test.each([
  ['hadoopCoreNodes', '9', 'a whole number from 0 to 8'],
  ['hadoopCoreNodes', '-1', 'a whole number from 0 to 8'],
  ['hadoopCoreNodes', 'two', 'a whole number from 0 to 8'],
  ['hadoopIdleTimeoutSeconds', '59', 'a whole number from 60 to 604800'],
  ['hadoopIdleTimeoutSeconds', '604801', 'a whole number from 60 to 604800'],
  ['hadoopIdleTimeoutSeconds', '1h', 'a whole number from 60 to 604800'],
  ['hadoopApplications', 'Hadoop,Hive,HBase', HADOOP_SETTINGS.hadoopApplications.allowed],
  ['hadoopApplications', 'Spark', HADOOP_SETTINGS.hadoopApplications.allowed],
  ['hadoopInput', 'https://example.com/logs', HADOOP_SETTINGS.hadoopInput.allowed],
  ['hadoopInput', 's3://Bad_Bucket/logs', HADOOP_SETTINGS.hadoopInput.allowed],
  ['hadoopInput', "s3://logs/x';DROP", HADOOP_SETTINGS.hadoopInput.allowed],
  ['hadoopMode', 'batch', 'long-running or transient'],
  ['hadoopInstanceType', 't3.micro', 'one of m4.large, c6g.xlarge, m6g.xlarge, m7g.xlarge, m5.xlarge'],
  ['hadoopCoreSpot', 'yes', 'true or false'],
])('%s=%p is refused in one line naming the key, the value and what is allowed', (key, value, allowed) => {
  const message = errorOf({ [key]: value });
  expect(message).toBe(`Invalid value ${JSON.stringify(value)} for context key "${key}". Allowed: ${allowed}.`);
  expect(message).not.toContain('\n');
});

test('the application list names every application the lab knows', () => {
  expect(HADOOP_SETTINGS.hadoopApplications.allowed).toBe(
    'a comma-separated list of Hadoop, Hive, Spark, Tez, Pig, Hue, Livy, JupyterEnterpriseGateway that includes Hadoop and Hive, each at most once',
  );
});
