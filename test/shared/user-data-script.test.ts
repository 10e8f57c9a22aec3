/**
 * renderUserDataScript, which turns the labs' bootstrap scripts (the container cluster's nodes, the web server)
 * into user data: sibling scripts inlined, comment-only lines dropped, placeholders filled, and the refusals
 * that keep a wrong value from reaching an instance.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { renderUserDataScript, stripCommentLines } from '../../lib/shared/user-data-script';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-data-script-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const common = script('common.sh', '#!/bin/bash\n# shared functions\nhello() { echo "hello $1"; }\n');
const main = script(
  'main.sh',
  [
    '#!/bin/bash',
    '# The role script: this comment and the shellcheck directive stay in the repository only.',
    '# shellcheck disable=SC2034',
    'NAME=\'__NAME__\'   # a trailing comment stays: it is on a command line',
    'source "$(dirname "${BASH_SOURCE[0]}")/common.sh"',
    '  # an indented comment',
    'hello "$NAME"',
    '',
  ].join('\n'),
);

test('inlines the sourced sibling, drops comment-only lines, keeps the #! line and fills the placeholder', () => {
  expect(renderUserDataScript(main, { NAME: 'web server' })).toBe(
    ['#!/bin/bash', "NAME='web server'   # a trailing comment stays: it is on a command line", 'hello() { echo "hello $1"; }', '', 'hello "$NAME"', ''].join('\n'),
  );
});

test('the rendered script runs', () => {
  const file = script('rendered.sh', renderUserDataScript(main, { NAME: 'lab' }));
  expect(spawnSync('bash', [file], { encoding: 'utf8' }).stdout).toBe('hello lab\n');
});

test('a deploy-time value (a CDK token) is rendered as the token, whatever it will resolve to', () => {
  const stack = new Stack(new App(), 'S');
  expect(renderUserDataScript(main, { NAME: stack.region })).toContain(`NAME='${stack.region}'`);
});

test.each<[string, Record<string, string | number>, RegExp]>([
  ['a placeholder without a value', {}, /main\.sh: no value for placeholder __NAME__/],
  ['a value no placeholder uses', { NAME: 'x', EXTRA: 'y' }, /main\.sh: values never used: EXTRA/],
  ['a value that would end its single quotes', { NAME: "it's" }, /main\.sh: value of __NAME__ \("it's"\) may not be rendered into a script/],
  ['a value that would run a command', { NAME: '$(reboot)' }, /may not be rendered into a script/],
])('refuses %s', (_what, values, message) => {
  expect(() => renderUserDataScript(main, values)).toThrow(message);
});

test('stripCommentLines keeps the first line and every line with a command', () => {
  expect(stripCommentLines('#!/bin/bash\n# a\necho 1 # b\n\t# c\n')).toBe('#!/bin/bash\necho 1 # b\n');
});
