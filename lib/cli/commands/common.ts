/** What the commands share: the `--region` and `-c` options, the session, and one-line errors. */
import { Command, InvalidArgumentError } from 'commander';
import { TTL_HOURS } from '../../shared/settings';
import { toCliError } from '../aws/errors';
import { AwsSession } from '../aws/session';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';

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

/** A context key as cdk takes it: anything but `=` and whitespace (CDK's own keys have `:`, `@`, `/`). */
const CONTEXT_KEY = /^[^=\s]+$/;

/**
 * Parses one `-c key=value` and adds it to those given before, so `-c` repeats (`-c a=1 -c b=2`) and takes
 * exactly one value each time: a variadic `-c <key=value...>` would swallow the stack names that follow it
 * (`labs cost -c phase=split MicroservicesLabStack`). A value without `=` is refused, naming it.
 */
export function parseContext(value: string, previous: readonly string[] = []): string[] {
  const eq = value.indexOf('=');
  if (eq <= 0 || !CONTEXT_KEY.test(value.slice(0, eq))) {
    throw new InvalidArgumentError(`"${value}" is not a setting: write key=value, one per -c (e.g. -c phase=split -c ttlHours=8).`);
  }
  return [...previous, value];
}

/** Adds the repeatable `-c, --context <key=value>` option (cdk's settings for a synth) to a command. */
export function withContext(command: Command, what = 'a setting for the synth'): Command {
  return command.option('-c, --context <key=value>', `${what}, as with cdk -c; repeat it for more (-c phase=split -c ttlHours=8)`, parseContext, []);
}

/** `-c` sets a synth's settings, so it means nothing with templates already synthesized: refused, not ignored. */
export function refuseContextWithTemplates(context: readonly string[] | undefined, templatesOption: string): void {
  if (context?.length) {
    throw new CliError(
      `-c ${context[0]} cannot be used with ${templatesOption}: the templates are already synthesized. ` +
        `Synthesize them with the settings (npx cdk synth -c ${context[0]} --output <dir>), or leave out ${templatesOption}.`,
      EXIT.usage,
    );
  }
}
