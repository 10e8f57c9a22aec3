/**
 * The entry point as a user meets it: a bad setting prints one line and exits non-zero, with no stack trace
 * and no cloud assembly written.
 */
import { runApp } from './helpers/run-app';
import { SETTINGS_GROUPS } from '../lib/app';

/** Every setting of the app, shared ones first, in the order the message lists them. */
const KNOWN_KEYS = SETTINGS_GROUPS.flatMap((g) => Object.keys(g.settings)).join(', ');

test('a typo in a context key exits 1 with one line naming the key, the value and what is allowed', () => {
  const { status, stdout, stderr, written } = runApp({ ttlHourz: '8' });
  expect(status).toBe(1);
  expect(stdout).toBe('');
  expect(stderr).toBe(
    `course-labs: Unknown context key "ttlHourz" (value "8"). Did you mean "ttlHours"? Known keys: ${KNOWN_KEYS}.\n`,
  );
  expect(written).toEqual([]);
});

test('a bad value exits 1 with one line and no stack trace', () => {
  const { status, stderr } = runApp({ staticSiteHosting: 'github-pages' });
  expect(status).toBe(1);
  expect(stderr).toBe(
    'course-labs: Invalid value "github-pages" for context key "staticSiteHosting". Allowed: cloudfront or website.\n',
  );
});

test("a lab's bad value, out of range, exits 1 with one line", () => {
  const { status, stdout, stderr, written } = runApp({ hadoopCoreNodes: '9' });
  expect(status).toBe(1);
  expect(stdout).toBe('');
  expect(stderr).toBe('course-labs: Invalid value "9" for context key "hadoopCoreNodes". Allowed: a whole number from 0 to 8.\n');
  expect(written).toEqual([]);
});

describe('main', () => {
  // In-process, with an app built for the test: the paths a user can reach without editing code are above.
  const { main } = require('../lib/main') as typeof import('../lib/main');
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');

  test('a failed synthesis check is one message, status 1', () => {
    const lines: string[] = [];
    const status = main(() => {
      const app = new App();
      new Stack(app, 'Broken').node.addValidation({ validate: () => ['Broken/Thing would outlive its stack'] });
      return app;
    }, (line) => lines.push(line));
    expect(status).toBe(1);
    expect(lines).toEqual([
      'course-labs: Validation failed with the following errors:\n  [Broken] Broken/Thing would outlive its stack',
    ]);
  });

  test('a bug keeps its stack trace', () => {
    expect(() =>
      main(() => {
        throw new TypeError('undefined is not a function');
      }),
    ).toThrow(TypeError);
  });
});
