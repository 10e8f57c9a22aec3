/**
 * Checks for the serverless lab (lab 3, Wild Rydes, `ServerlessLabStack`): the site and its `config.json`, the FAQ micro-service,
 * and a ride requested end to end by a temporary rider, who is created, signed in and deleted again with
 * the ride's item. From the stack's `SiteUrl`, `ApiUrl`, `UserPoolId`, `UserPoolClientId` and
 * `RidesTableName` outputs.
 */
import { randomBytes } from 'crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { errorMessage, toCliError } from '../aws/errors';
import { CheckContext, CheckResult, LabChecks } from './types';
import { attempt, excerpt, fail, HttpAnswer, missingOutput, outputsOf, pass, request, skip } from './util';

export const SERVERLESS_LAB = 'serverless';

const OUTPUTS = ['SiteUrl', 'ApiUrl', 'UserPoolId', 'UserPoolClientId', 'RidesTableName'] as const;

const SITE = 'site answers 200';
const CONFIG = "config.json names the stack's pool, client and API";
const FAQ = 'GET /faq returns a question and answer';
const NO_TOKEN = 'POST /ride without a token gets 401';
const RIDE = 'POST /ride as a signed-in rider gets 201';
const STORED = "the ride is in the table with the rider's name";

/** The workshop's ride request body. */
export const RIDE_REQUEST = { PickupLocation: { Latitude: 47.6062, Longitude: -122.3321 } };

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

function parseJson(answer: HttpAnswer): Record<string, unknown> | undefined {
  if (!answer.ok) return undefined;
  try {
    const value = JSON.parse(answer.body);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const seen = (answer: HttpAnswer) => (answer.ok ? `${answer.status} ${excerpt(answer.body)}` : answer.error);

/**
 * A password the pool's policy accepts: at least 8 characters with lower and upper case letters, a digit and
 * a symbol (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
 */
export function temporaryPassword(): string {
  return `Lc1!${randomBytes(12).toString('base64url')}`;
}

/**
 * A temporary rider, created and signed in: AdminCreateUser with no invitation message (MessageAction
 * SUPPRESS), AdminSetUserPassword with Permanent, which confirms the user
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html),
 * then InitiateAuth with USER_PASSWORD_AUTH, the flow the lab's app client allows and the site uses
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
 * Returns the user name (the `cognito:username` the ride function records) and the ID token.
 */
async function signInTemporaryRider(context: CheckContext, poolId: string, clientId: string, username: string, created: () => void): Promise<string> {
  const { cognito } = context.session;
  const password = temporaryPassword();
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  created();
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
  const auth = await cognito.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
  const token = auth.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`Cognito asked for ${auth.ChallengeName ?? 'a challenge'} instead of signing the temporary rider in`);
  return token;
}

/** The ride: request it as a temporary rider, find it in the table, then delete the item and the rider. */
async function rideChecks(context: CheckContext, o: Record<(typeof OUTPUTS)[number], string>): Promise<CheckResult[]> {
  const username = `labs-check-${randomBytes(4).toString('hex')}`;
  let created = false;
  let rideId: string | undefined;
  const cleanup: string[] = [];
  try {
    let token: string;
    try {
      token = await signInTemporaryRider(context, o.UserPoolId, o.UserPoolClientId, username, () => (created = true));
    } catch (err) {
      const setup = toCliError(err);
      if (setup) throw setup;
      return [fail(RIDE, `could not sign a temporary rider in to ${o.UserPoolId}: ${errorMessage(err)}.`), skip(STORED, 'no ride was made.')];
    }
    const answer = await request(context, `${withSlash(o.ApiUrl)}ride`, {
      method: 'POST',
      headers: { Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify(RIDE_REQUEST),
    });
    const body = parseJson(answer);
    if (!answer.ok || answer.status !== 201 || typeof body?.RideId !== 'string') {
      return [
        fail(RIDE, `got ${seen(answer)}. Look at the ride function's log group (RideFunctionLogGroup output) for the error.`),
        skip(STORED, 'no ride was made.'),
      ];
    }
    rideId = body.RideId;
    const ride = pass(RIDE, `201, ride ${rideId} with unicorn ${(body.Unicorn as { Name?: string } | undefined)?.Name ?? '?'} for ${username}.`);
    const stored = await attempt(STORED, async () => {
      const item = (await context.session.dynamoDb.send(new GetItemCommand({ TableName: o.RidesTableName, Key: { RideId: { S: rideId! } }, ConsistentRead: true }))).Item;
      if (!item) return fail(STORED, `${o.RidesTableName} has no item with RideId ${rideId}: the function answered without recording the ride.`);
      const user = item.User?.S;
      return user === username
        ? pass(STORED, `${o.RidesTableName} holds ride ${rideId} for User ${username}.`)
        : fail(STORED, `ride ${rideId} in ${o.RidesTableName} has User ${user ?? '(none)'}, expected ${username}: the function must record the cognito:username claim.`);
    });
    return [ride, stored];
  } finally {
    if (rideId) {
      await context.session.dynamoDb
        .send(new DeleteItemCommand({ TableName: o.RidesTableName, Key: { RideId: { S: rideId } } }))
        .catch((err) => cleanup.push(`ride ${rideId} (${errorMessage(err)})`));
    }
    if (created) {
      await context.session.cognito
        .send(new AdminDeleteUserCommand({ UserPoolId: o.UserPoolId, Username: username }))
        .catch((err) => cleanup.push(`user ${username} in ${o.UserPoolId} (${errorMessage(err)})`));
    }
    if (cleanup.length) context.progress(`Could not remove what the check wrote: ${cleanup.join('; ')}. Delete it by hand.`);
  }
}

export const serverlessChecks: LabChecks = {
  lab: SERVERLESS_LAB,
  plan: (stack) => [
    `Requests ${stack.name}'s site, its config.json and GET /faq, and POST /ride without a token.`,
    'Writes a temporary rider (labs-check-<random>, created with the admin API, confirmed and signed in) and one ride; ' +
      'deletes the ride item and the rider again, pass or fail.',
  ],
  async run(context) {
    const { stack } = context;
    const read = outputsOf(stack.outputs, OUTPUTS);
    if (!read.values) return [missingOutput(SITE, stack.name, read.missing)];
    const o = read.values;

    const site = await request(context, o.SiteUrl);
    const siteResult =
      site.ok && site.status === 200
        ? pass(SITE, `${o.SiteUrl} answered 200.`)
        : fail(SITE, `${o.SiteUrl}: ${seen(site)}. CloudFront can take a few minutes after the deploy; then check the site bucket holds index.html.`);

    const configUrl = `${withSlash(o.SiteUrl)}config.json`;
    const config = parseJson(await request(context, configUrl));
    const wrong = [
      ['userPoolId', o.UserPoolId],
      ['userPoolClientId', o.UserPoolClientId],
      ['apiUrl', o.ApiUrl],
    ].filter(([key, value]) => config?.[key] !== value);
    const configResult = !config
      ? fail(CONFIG, `${configUrl} is not a JSON object. Redeploy the stack: the content deployment writes it.`)
      : wrong.length
        ? fail(CONFIG, `${configUrl} has ${wrong.map(([k, v]) => `${k} ${JSON.stringify(config[k])} (stack: ${v})`).join(', ')}: the site talks to another deployment. Redeploy the stack.`)
        : pass(CONFIG, `${configUrl} names pool ${o.UserPoolId}, client ${o.UserPoolClientId} and ${o.ApiUrl}.`);

    const faq = await request(context, `${withSlash(o.ApiUrl)}faq`);
    const entry = parseJson(faq);
    const faqResult =
      faq.ok && faq.status === 200 && typeof entry?.Question === 'string' && entry.Question && typeof entry.Answer === 'string' && entry.Answer
        ? pass(FAQ, `200: "${excerpt(entry.Question, 60)}"`)
        : fail(FAQ, `got ${seen(faq)}. Check the FAQ table has items (FaqTableName output) and the FAQ function's logs.`);

    const anonymous = await request(context, `${withSlash(o.ApiUrl)}ride`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(RIDE_REQUEST),
    });
    const noTokenResult =
      anonymous.ok && anonymous.status === 401
        ? pass(NO_TOKEN, '401: the Cognito authorizer refuses a request without a token.')
        : fail(NO_TOKEN, `got ${seen(anonymous)}: POST /ride must be behind the Cognito authorizer. Redeploy the stack.`);

    return [siteResult, configResult, faqResult, noTokenResult, ...(await rideChecks(context, o))];
  },
};
