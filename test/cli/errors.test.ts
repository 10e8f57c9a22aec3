/** What a user sees when AWS is not set up: one line, the right exit status, never a stack trace. */
import * as fs from 'fs';
import * as path from 'path';
import { toCliError } from '../../lib/cli/aws/errors';
import { CliError } from '../../lib/cli/errors';
import { EXIT } from '../../lib/cli/exit-codes';
import { awsError } from './fixtures';

const mapped = (err: unknown) => {
  const e = toCliError(err);
  return e && [e.exitCode, e.message];
};

test('no credentials, expired credentials and bad keys are set-up problems (exit 2) with what to do', () => {
  expect(mapped(awsError('CredentialsProviderError', 'Could not load credentials from any providers'))).toEqual([
    EXIT.awsSetup,
    'AWS credentials problem (CredentialsProviderError): configure credentials (aws configure, aws sso login, or AWS_PROFILE / AWS_ACCESS_KEY_ID) and check them with: aws sts get-caller-identity.',
  ]);
  expect(mapped(awsError('ExpiredToken', 'The security token included in the request is expired'))).toEqual([
    EXIT.awsSetup,
    'AWS credentials problem (ExpiredToken): your credentials have expired: sign in again (aws sso login, or new keys).',
  ]);
  expect(mapped(awsError('AuthFailure', 'AWS was not able to validate the provided access credentials'))?.[0]).toBe(EXIT.awsSetup);
});

test('a missing or malformed region names what to set', () => {
  expect(mapped(new Error('Region is missing'))).toEqual([EXIT.awsSetup, 'No AWS region: pass --region <region> or set AWS_REGION (for example AWS_REGION=us-east-1).']);
  expect(mapped(new Error('Region not accepted: region="" is not a valid hostname component.'))?.[1]).toBe(
    'AWS region "" is not valid: pass --region <region> or set AWS_REGION to a region name such as us-east-1.',
  );
});

test('access denied names the operation that was refused (exit 3)', () => {
  const err = Object.assign(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.\nEncoded message: xyz'), {
    $operation: 'EC2 TerminateInstances',
  });
  expect(mapped(err)).toEqual([EXIT.accessDenied, 'Access denied: EC2 TerminateInstances: You are not authorized to perform this operation.']);
});

test('an endpoint that cannot be reached is a set-up problem naming the host', () => {
  const err = Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.us-eest-1.amazonaws.com'), { code: 'ENOTFOUND' });
  expect(mapped(err)).toEqual([
    EXIT.awsSetup,
    expect.stringMatching(/^Cannot reach AWS at cloudformation\.us-eest-1\.amazonaws\.com \(ENOTFOUND\): check the region/),
  ]);
});

test('anything else is a bug and is not dressed up', () => {
  expect(toCliError(new TypeError('x is undefined'))).toBeUndefined();
  expect(toCliError(awsError('ValidationError', 'Template format error'))).toBeUndefined();
  const cli = new CliError('already one line', EXIT.notFound);
  expect(toCliError(cli)).toBe(cli);
});

test("the README's exit-status table lists every status of EXIT once, in order, and no other", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const table = readme.split('**Exit codes.**')[1]?.split('\n\n')[1] ?? '';
  const rows = [...table.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1]));
  const codes = Object.values(EXIT);
  expect(new Set(codes).size).toBe(codes.length); // no two meanings share a status
  expect(rows).toEqual([...codes].sort((a, b) => a - b));
});
