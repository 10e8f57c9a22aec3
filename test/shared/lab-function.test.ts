/**
 * LabFunction's own contract: a clear error for a wrong entry, and a bundle built for the runtime it runs on.
 */
import * as path from 'path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as esbuild from 'esbuild';
import { esbuildTarget, LabFunction } from '../../lib/shared/lab-function';

// esbuild's exports cannot be spied on in place: pass every call through a mock that records it.
jest.mock('esbuild', () => {
  const actual = jest.requireActual('esbuild');
  return { ...actual, buildSync: jest.fn(actual.buildSync) };
});

const EXPIRY_DIR = path.join(__dirname, '..', '..', 'lambda', 'expiry');

test.each([
  ['a missing file', path.join(EXPIRY_DIR, 'indx.ts')],
  ['a folder', EXPIRY_DIR],
])('an entry that is %s is a clear error naming the function and the path', (_what, entry) => {
  const stack = new Stack(new App(), 'FunctionTest');
  expect(() => new LabFunction(stack, 'Handler', { entry })).toThrow(
    `FunctionTest/Handler: entry ${JSON.stringify(entry)} is not a file. Give the handler's TypeScript source, ` +
      "e.g. path.join(__dirname, '..', '..', 'lambda', '<name>', 'index.ts'), exporting `handler`.",
  );
});

test('the bundle targets the Node.js version of the runtime the function is deployed on', () => {
  AssetStaging.clearAssetHashCache(); // bundle now, even if another test of this process bundled the same entry
  const stack = new Stack(new App(), 'FunctionTest');
  const fn = new LabFunction(stack, 'Handler', { entry: path.join(EXPIRY_DIR, 'index.ts') });
  const runtime = stack.resolve((fn.function.node.defaultChild as lambda.CfnFunction).runtime);
  const targets = (esbuild.buildSync as jest.Mock).mock.calls.map(([options]) => options.target);
  expect(targets).toEqual([`node${/^nodejs(\d+)\.x$/.exec(runtime)![1]}`]);
});

test('esbuildTarget follows any Node.js runtime and refuses others', () => {
  expect(esbuildTarget(lambda.Runtime.NODEJS_22_X)).toBe('node22');
  expect(esbuildTarget(lambda.Runtime.NODEJS_20_X)).toBe('node20');
  expect(() => esbuildTarget(lambda.Runtime.PYTHON_3_13)).toThrow('esbuildTarget: python3.13 is not a Node.js runtime of the form nodejsNN.x');
});
