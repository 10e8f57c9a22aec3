/** What the AWS commands share: the `--region` option, the session, and one-line errors. */
import { Command, InvalidArgumentError } from 'commander';
import { TTL_HOURS } from '../../shared/settings';
import { toCliError } from '../aws/errors';
import { AwsSession } from '../aws/session';

/** Options every AWS command accepts. */
export interface RegionOption {
  readonly region?: string;
}

/** A region name such as `us-east-1`, `eu-central-2` or `us-gov-west-1`. */
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d{1,2}$/;

/** Parses `--region`; a bad value is a usage error naming the value. */
export function parseRegion(value: string): string {
  if (!REGION.test(value)) throw new InvalidArgumentError(`"${value}" is not an AWS region name (e.g. us-east-1, eu-west-3).`);
  return value;
}

/** Parses `--hours`: a whole number of hours from 1 to the longest ttlHours a deploy accepts. */
export function parseHours(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > TTL_HOURS.max) {
    throw new InvalidArgumentError(`"${value}" is not allowed: a whole number of hours from 1 to ${TTL_HOURS.max}.`);
  }
  return Number(value);
}

/** Adds `--region` to an AWS command. */
export function withRegion(command: Command): Command {
  return command.option('--region <region>', "AWS region (default: AWS_REGION, else your profile's region)", parseRegion);
}

/**
 * Runs `body` with a session for the command's region. An AWS error the user can fix (no credentials, no
 * region, access denied, no network) becomes one `labs:` line with its exit status.
 */
export async function withSession<T>(options: RegionOption, body: (session: AwsSession) => Promise<T>): Promise<T> {
  const session = new AwsSession({ region: options.region });
  try {
    return await body(session);
  } catch (err) {
    throw toCliError(err) ?? err;
  }
}

/** The dry-run line every planning command ends with. */
export function dryRunLine(command: string): string {
  return `Dry run: nothing was changed. To do it, run: labs ${command} --yes`;
}
