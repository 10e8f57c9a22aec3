/**
 * The Beanstalk lab's settings as a student meets them: a wrong environment kind or a malformed address is
 * one line naming the key, the value and what is allowed, exit status 1, no stack trace and no cloud assembly.
 */
import { SETTINGS_GROUPS } from '../../lib/app';
import { ConfigError, loadSettings } from '../../lib/shared/settings';
import { runApp } from '../helpers/run-app';

const EMAIL_ALLOWED = 'one email address such as ana@example.com (a dot-atom local part, a domain of at least two labels)';

function beanstalkSettings(context: Record<string, unknown>) {
  const index = SETTINGS_GROUPS.findIndex((g) => g.usedBy === 'BeanstalkLabStack');
  return loadSettings(context, SETTINGS_GROUPS)[index];
}

function errorOf(context: Record<string, unknown>): string {
  try {
    beanstalkSettings(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('an unknown environment kind exits 1 with one line, no trace, nothing written', () => {
  const { status, stdout, stderr, written } = runApp({ beanstalkEnvironment: 'ha' });
  expect({ status, stdout, stderr, written }).toEqual({
    status: 1,
    stdout: '',
    stderr: 'course-labs: Invalid value "ha" for context key "beanstalkEnvironment". Allowed: single-instance or high-availability.\n',
    written: [],
  });
});

test('defaults: a single instance and no subscription; nothing counts as given', () => {
  expect(beanstalkSettings({})).toEqual({ values: { beanstalkEnvironment: 'single-instance', notificationEmail: undefined }, given: {} });
});

test('high-availability and an address are read, the address in canonical form', () => {
  expect(beanstalkSettings({ beanstalkEnvironment: 'high-availability', notificationEmail: ' TA@Example.edu ' })).toEqual({
    values: { beanstalkEnvironment: 'high-availability', notificationEmail: 'ta@example.edu' },
    given: { beanstalkEnvironment: 'high-availability', notificationEmail: 'TA@Example.edu' },
  });
});

test.each(['High-Availability', 'single', 'multi-az', ''])('environment kind %p is refused', (kind) => {
  expect(errorOf({ beanstalkEnvironment: kind })).toBe(
    `Invalid value ${JSON.stringify(kind)} for context key "beanstalkEnvironment". Allowed: single-instance or high-availability.`,
  );
});

test.each(['ta', 'ta@', 'ta@example', 'Ta <ta@example.edu>', 'ta@example.edu,tb@example.edu', 'ta@@example.edu', ''])(
  'notificationEmail %p is refused with one line',
  (email) => {
    expect(errorOf({ notificationEmail: email })).toBe(`Invalid value ${JSON.stringify(email)} for context key "notificationEmail". Allowed: ${EMAIL_ALLOWED}.`);
  },
);

test('a malformed notificationEmail exits 1 with one line, nothing written', () => {
  const { status, stderr, written } = runApp({ notificationEmail: 'ta@example' });
  expect({ status, stderr, written }).toEqual({
    status: 1,
    stderr: `course-labs: Invalid value "ta@example" for context key "notificationEmail". Allowed: ${EMAIL_ALLOWED}.\n`,
    written: [],
  });
});
