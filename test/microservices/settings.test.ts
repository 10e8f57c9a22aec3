/**
 * The lab's settings as a student meets them: a wrong phase or task count is one line naming the key,
 * the value and what is allowed, exit status 1, no stack trace and no cloud assembly.
 */
import { runApp } from '../helpers/run-app';
import { SETTINGS_GROUPS } from '../../lib/app';
import { ConfigError, loadSettings } from '../../lib/shared/settings';

function microservicesSettings(context: Record<string, unknown>) {
  const index = SETTINGS_GROUPS.findIndex((g) => g.usedBy === 'MicroservicesLabStack');
  return loadSettings(context, SETTINGS_GROUPS)[index];
}

function errorOf(context: Record<string, unknown>): string {
  try {
    microservicesSettings(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

test('a phase in another case exits 1 with one line, no trace, nothing written', () => {
  const { status, stdout, stderr, written } = runApp({ phase: 'Split' });
  expect({ status, stdout, stderr, written }).toEqual({
    status: 1,
    stdout: '',
    stderr: 'course-labs: Invalid value "Split" for context key "phase". Allowed: one of monolith, split, microservices.\n',
    written: [],
  });
});

test('a task count out of range exits 1 with one line', () => {
  const { status, stderr } = runApp({ usersTaskCount: '4' });
  expect({ status, stderr }).toEqual({
    status: 1,
    stderr: 'course-labs: Invalid value "4" for context key "usersTaskCount". Allowed: a whole number from 1 to 3.\n',
  });
});

test('defaults: the monolith phase, one task each; nothing counts as given', () => {
  expect(microservicesSettings({})).toEqual({
    values: { phase: 'monolith', monolithTaskCount: 1, usersTaskCount: 1, threadsTaskCount: 1, postsTaskCount: 1 },
    given: {},
  });
});

test('every phase and count in range is read, from -c strings and cdk.json numbers', () => {
  expect(microservicesSettings({ phase: 'microservices', postsTaskCount: '3', threadsTaskCount: 2 })).toEqual({
    values: { phase: 'microservices', monolithTaskCount: 1, usersTaskCount: 1, threadsTaskCount: 2, postsTaskCount: 3 },
    given: { phase: 'microservices', postsTaskCount: '3', threadsTaskCount: '2' },
  });
  expect(microservicesSettings({ phase: 'split' }).values.phase).toBe('split');
});

test.each(['SPLIT', 'Monolith', 'micro-services', 'services', 'true', ''])('phase %p is refused', (phase) => {
  expect(errorOf({ phase })).toBe(`Invalid value ${JSON.stringify(phase)} for context key "phase". Allowed: one of monolith, split, microservices.`);
});

test.each([
  ['monolithTaskCount', '0'],
  ['usersTaskCount', '4'],
  ['threadsTaskCount', '1.5'],
  ['postsTaskCount', '-1'],
  ['postsTaskCount', 'two'],
])('%s=%p is refused', (key, value) => {
  expect(errorOf({ [key]: value })).toBe(`Invalid value ${JSON.stringify(value)} for context key "${key}". Allowed: a whole number from 1 to 3.`);
});

test('a key spelt another way is refused with the right spelling', () => {
  expect(errorOf({ Phase: 'split' })).toBe('Context key "Phase" (value "split") is not read: setting keys are case-sensitive. Use "phase".');
  expect(errorOf({ 'users-task-count': '2' })).toContain('Use "usersTaskCount"');
});
