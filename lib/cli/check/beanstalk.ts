/**
 * `labs check` for the Beanstalk lab (`BeanstalkLabStack`): the environment is healthy, its page answers, a sign-up is stored
 * and a second one with the same address is refused. Works from the stack's outputs (EnvironmentName,
 * EnvironmentUrl, SignupTableName) and AWS APIs only.
 *
 * The sign-up check writes one item (a unique `labs-check-...@example.com` address) and deletes it again,
 * pass or fail; the app publishes it to the lab's topic like any sign-up, so a subscribed address gets one
 * email about it (the plan says so).
 */
import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeEnvironmentsCommand, EnvironmentDescription } from '@aws-sdk/client-elastic-beanstalk';
import { errorMessage, toCliError } from '../aws/errors';
import { LabStack } from '../inventory/stacks';
import { CheckContext, CheckResult, LabChecks } from './types';
import { attempt } from './util';

export const CHECK_NAMES = {
  environment: 'environment is Green and Ready',
  page: 'page answers 200',
  signup: 'a sign-up is stored',
  duplicate: 'a duplicate sign-up is refused',
} as const;

/**
 * While an environment is in one of these states, the check waits for it (a deploy is finishing): the
 * statuses an environment passes through before it is Ready (and may be acted on). Health is Green when
 * it is healthy and fully functional, Grey while it launches or updates
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_EnvironmentDescription.html).
 */
const TRANSIENT = new Set(['Launching', 'Updating']);
const POLL_MS = 15_000;
const MAX_POLLS = 12; // three minutes
/** How long one HTTP request to the environment may take. */
const REQUEST_TIMEOUT_MS = 15_000;

const result = (name: string, status: CheckResult['status'], detail: string): CheckResult => ({ name, status, detail });

export const BEANSTALK_CHECKS: LabChecks = {
  lab: 'beanstalk',

  plan(stack: LabStack): readonly string[] {
    return [
      `Reads Elastic Beanstalk environment ${stack.outputs.EnvironmentName ?? '(no EnvironmentName output)'} and its page ${stack.outputs.EnvironmentUrl ?? '(no EnvironmentUrl output)'}.`,
      `Signs up a test address labs-check-<time>@example.com through the page's POST /signup, twice, and reads it in table ${stack.outputs.SignupTableName ?? '(no SignupTableName output)'}; then deletes that item. ` +
        "The app publishes the sign-up to the lab's topic, so a subscribed address gets one email about it.",
    ];
  },

  async run(context: CheckContext): Promise<readonly CheckResult[]> {
    const { stack } = context;
    const environmentName = stack.outputs.EnvironmentName;
    const url = stack.outputs.EnvironmentUrl;
    const table = stack.outputs.SignupTableName;
    const results: CheckResult[] = [await attempt(CHECK_NAMES.environment, () => checkEnvironment(context, environmentName))];

    if (!url) {
      const why = `the stack has no EnvironmentUrl output (deployed from an older version?); redeploy it`;
      return [...results, result(CHECK_NAMES.page, 'FAIL', why), result(CHECK_NAMES.signup, 'SKIP', why), result(CHECK_NAMES.duplicate, 'SKIP', why)];
    }
    results.push(await checkPage(context, url));
    if (!table) {
      const why = 'the stack has no SignupTableName output; redeploy it';
      return [...results, result(CHECK_NAMES.signup, 'FAIL', why), result(CHECK_NAMES.duplicate, 'SKIP', why)];
    }
    // An unexpected AWS error (say, reading the table) is the sign-up check's FAIL; access denied stops the command.
    const signups = await checkSignups(context, url, table).catch((err) => {
      const setup = toCliError(err);
      if (setup) throw setup;
      return [result(CHECK_NAMES.signup, 'FAIL', errorMessage(err)), result(CHECK_NAMES.duplicate, 'SKIP', 'the first sign-up did not succeed')];
    });
    results.push(...signups);
    return results;
  },
};

async function checkEnvironment(context: CheckContext, name: string | undefined): Promise<CheckResult> {
  if (!name) return result(CHECK_NAMES.environment, 'FAIL', 'the stack has no EnvironmentName output (deployed from an older version?); redeploy it');
  let environment: EnvironmentDescription | undefined;
  for (let poll = 1; ; poll++) {
    const out = await context.session.elasticBeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [name], IncludeDeleted: false }));
    environment = out.Environments?.find((e) => e.EnvironmentName === name);
    if (!environment || !TRANSIENT.has(environment.Status ?? '') || poll >= MAX_POLLS) break;
    context.progress(`environment ${name} is ${environment.Status}; waiting for it (${poll}/${MAX_POLLS})`);
    await context.sleep(POLL_MS);
  }
  if (!environment) return result(CHECK_NAMES.environment, 'FAIL', `Elastic Beanstalk has no environment ${name}: it was terminated outside the stack; redeploy the lab`);
  const seen = `status ${environment.Status}, health ${environment.Health}${environment.HealthStatus ? ` (${environment.HealthStatus})` : ''}`;
  if (environment.Status === 'Ready' && environment.Health === 'Green') return result(CHECK_NAMES.environment, 'PASS', `${name}: ${seen}`);
  return result(
    CHECK_NAMES.environment,
    'FAIL',
    `${name}: ${seen}; run the stack's HealthCommand output (or the console's Health tab) to see which instance and why`,
  );
}

async function request(context: CheckContext, url: string, init?: RequestInit): Promise<{ status: number; text: string } | string> {
  try {
    const res = await context.fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return `no answer from ${url} (${err instanceof Error ? err.message : String(err)})`;
  }
}

async function checkPage(context: CheckContext, url: string): Promise<CheckResult> {
  const answer = await request(context, url);
  if (typeof answer === 'string') return result(CHECK_NAMES.page, 'FAIL', `${answer}; is the environment Green?`);
  if (answer.status !== 200) return result(CHECK_NAMES.page, 'FAIL', `${url} answered ${answer.status}, not 200`);
  if (!answer.text.includes('action="/signup"')) return result(CHECK_NAMES.page, 'FAIL', `${url} answered 200 but with no sign-up form: is the lab's app deployed?`);
  return result(CHECK_NAMES.page, 'PASS', `${url} answered 200 with the sign-up form`);
}

async function checkSignups(context: CheckContext, url: string, table: string): Promise<CheckResult[]> {
  const email = `labs-check-${context.now().getTime()}@example.com`;
  const signupUrl = new URL('/signup', url).toString();
  const post = () =>
    request(context, signupUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ name: 'labs check', email }),
    });
  const key = { email: { S: email } };
  try {
    const first = await post();
    let signup: CheckResult;
    if (typeof first === 'string') signup = result(CHECK_NAMES.signup, 'FAIL', first);
    else if (first.status !== 201) signup = result(CHECK_NAMES.signup, 'FAIL', `POST /signup answered ${first.status}, not 201: ${first.text.slice(0, 200)}`);
    else {
      const item = await context.session.dynamoDb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
      signup = item.Item
        ? result(CHECK_NAMES.signup, 'PASS', `POST /signup answered 201 and ${email} is in table ${table}`)
        : result(CHECK_NAMES.signup, 'FAIL', `POST /signup answered 201 but ${email} is not in table ${table}: is SIGNUP_TABLE the stack's table?`);
    }
    if (signup.status !== 'PASS') return [signup, result(CHECK_NAMES.duplicate, 'SKIP', 'the first sign-up did not succeed')];

    const second = await post();
    const duplicate =
      typeof second === 'string'
        ? result(CHECK_NAMES.duplicate, 'FAIL', second)
        : second.status === 409
          ? result(CHECK_NAMES.duplicate, 'PASS', `the same address again answered 409: ${second.text.slice(0, 120)}`)
          : result(CHECK_NAMES.duplicate, 'FAIL', `the same address again answered ${second.status}, not 409: duplicates are not refused`);
    return [signup, duplicate];
  } finally {
    // Removed pass or fail. If that fails, the results still print, and a line says what is left to delete.
    await context.session.dynamoDb.send(new DeleteItemCommand({ TableName: table, Key: key })).catch((err) => {
      context.progress(
        `Could not delete the test sign-up ${email} from ${table} (${errorMessage(err)}): aws dynamodb delete-item --table-name ${table} --key '${JSON.stringify(key)}'`,
      );
    });
  }
}
