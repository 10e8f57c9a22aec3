/**
 * Turns the AWS SDK's errors that a user can fix (no credentials, no region, access denied, an endpoint
 * that cannot be reached) into one `labs:` line with the right exit status. Anything else is left alone: a
 * bug keeps its stack trace.
 */
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';

/** The error's AWS code (`AccessDenied`, `ValidationError`, ...) or Node's system code (`ECONNREFUSED`). */
export function errorCode(err: unknown): string {
  if (!err || typeof err !== 'object') return '';
  const e = err as { name?: string; Code?: string; code?: string };
  return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? '';
}

/** The first line of the error's message. */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].trim();
}

/** True if the error is one of `codes`, or its message matches `pattern`. */
export function isError(err: unknown, codes: readonly string[], pattern?: RegExp): boolean {
  return codes.includes(errorCode(err)) || (pattern !== undefined && pattern.test(errorMessage(err)));
}

/** Errors that mean "it is already gone": deleting it again is a success. */
export const NOT_FOUND_CODES = [
  'NoSuchBucket',
  'NotFound',
  'ResourceNotFoundException',
  'InvalidInstanceID.NotFound',
  'InvalidVolume.NotFound',
  'InvalidSnapshot.NotFound',
  'InvalidGroup.NotFound',
  'InvalidNatGatewayID.NotFound',
  'LoadBalancerNotFound',
  'TargetGroupNotFound',
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  'ServiceNotActiveException',
] as const;

export function isNotFound(err: unknown): boolean {
  return isError(err, NOT_FOUND_CODES, /does not exist|not found/i);
}

const CREDENTIAL_CODES = [
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AuthFailure',
  'TokenRefreshRequired',
];
const ACCESS_DENIED_CODES = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'UnauthorizedException'];
const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'TimeoutError'];

/** The operation a failed call was, as recorded by the session's middleware ("EC2 TerminateInstances"). */
function operationOf(err: unknown): string {
  const op = err && typeof err === 'object' ? (err as { $operation?: unknown }).$operation : undefined;
  return typeof op === 'string' && op ? `${op}: ` : '';
}

/** The one-line `CliError` for an AWS error the user can fix, or `undefined` for anything else. */
export function toCliError(err: unknown): CliError | undefined {
  if (err instanceof CliError) return err;
  const code = errorCode(err);
  const message = errorMessage(err);
  if (/Region is missing/i.test(message)) {
    return new CliError('No AWS region: pass --region <region> or set AWS_REGION (for example AWS_REGION=us-east-1).', EXIT.awsSetup);
  }
  const badRegion = /Region not accepted: region="([^"]*)"|Invalid region[^"]*"?([^"]*)"?/i.exec(message);
  if (badRegion) {
    const value = badRegion[1] ?? badRegion[2] ?? '';
    return new CliError(`AWS region "${value}" is not valid: pass --region <region> or set AWS_REGION to a region name such as us-east-1.`, EXIT.awsSetup);
  }
  if (CREDENTIAL_CODES.includes(code) || /Could not load credentials/i.test(message)) {
    const hint = /expired/i.test(`${code} ${message}`)
      ? 'your credentials have expired: sign in again (aws sso login, or new keys)'
      : 'configure credentials (aws configure, aws sso login, or AWS_PROFILE / AWS_ACCESS_KEY_ID) and check them with: aws sts get-caller-identity';
    return new CliError(`AWS credentials problem (${code || 'no credentials'}): ${hint}.`, EXIT.awsSetup);
  }
  if (ACCESS_DENIED_CODES.includes(code)) {
    return new CliError(`Access denied: ${operationOf(err)}${message}`, EXIT.accessDenied);
  }
  if (NETWORK_CODES.includes(code) || /getaddrinfo|connect ECONNREFUSED/.test(message)) {
    const host = /(?:getaddrinfo \w+|connect \w+) (\S+)/.exec(message)?.[1];
    return new CliError(
      `Cannot reach AWS${host ? ` at ${host}` : ''} (${code || message}): check the region (--region or AWS_REGION)` +
        `${process.env.AWS_ENDPOINT_URL ? ` and AWS_ENDPOINT_URL (${process.env.AWS_ENDPOINT_URL})` : ''} and your network.`,
      EXIT.awsSetup,
    );
  }
  return undefined;
}
