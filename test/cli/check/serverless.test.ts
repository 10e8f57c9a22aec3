import { serverlessChecks } from '../../../lib/cli/check/serverless';
import { awsError, context, fakeFetch, fakeSession, HttpHandler, labStack, statuses } from './fakes';

const SITE = 'https://d2222222abcdef8.cloudfront.net';
const API = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/';
const OUTPUTS = {
  SiteUrl: SITE,
  ApiUrl: API,
  UserPoolId: 'us-east-1_AbCdEfGhI',
  UserPoolClientId: '1example23456789abcdefghij',
  RidesTableName: 'ServerlessLabStack-RidesTable-1ABC',
};
const CONFIG = { region: 'us-east-1', userPoolId: OUTPUTS.UserPoolId, userPoolClientId: OUTPUTS.UserPoolClientId, apiUrl: API };
const ID_TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJjb2duaXRvOnVzZXJuYW1lIjoidGVzdCJ9.c2ln';

/** The deployed lab as the site, API Gateway and the ride function answer (lambda/request-unicorn's 201 body). */
function http(overrides: Record<string, HttpHandler> = {}) {
  const table = new Map<string, Record<string, any>>();
  const routes: Record<string, HttpHandler> = {
    [SITE]: () => ({ status: 200, body: '<!doctype html><title>Wild Rydes</title>' }),
    [`${SITE}/config.json`]: () => ({ status: 200, body: CONFIG }),
    [`${API}faq`]: () => ({ status: 200, body: { Topic: 'unicorns', Question: 'Do unicorns fly?', Answer: 'Only on Tuesdays.' } }),
    [`${API}ride`]: (init) => {
      const auth = (init.headers as Record<string, string>).Authorization;
      if (!auth) return { status: 401, body: { message: 'Unauthorized' } };
      expect(auth).toBe(ID_TOKEN);
      expect(JSON.parse(String(init.body))).toHaveProperty('PickupLocation.Latitude');
      table.set('ride-1', { RideId: { S: 'ride-1' }, User: { S: rider.name } });
      return { status: 201, body: { RideId: 'ride-1', Unicorn: { Name: 'Shadowfax', Color: 'White', Gender: 'Male' }, UnicornName: 'Shadowfax', Eta: '30 seconds', Rider: rider.name } };
    },
    ...overrides,
  };
  return { ...fakeFetch(routes), table };
}

const rider = { name: '' };

function aws(table: Map<string, Record<string, any>>, overrides: Record<string, (i: any) => unknown> = {}) {
  return fakeSession({
    AdminCreateUserCommand: (input) => {
      expect(input).toMatchObject({ UserPoolId: OUTPUTS.UserPoolId, MessageAction: 'SUPPRESS' });
      rider.name = input.Username;
      return { User: { Username: input.Username } };
    },
    AdminSetUserPasswordCommand: (input) => {
      expect(input.Permanent).toBe(true);
      expect(input.Password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{8,}$/);
      return {};
    },
    InitiateAuthCommand: (input) => {
      expect(input).toMatchObject({ ClientId: OUTPUTS.UserPoolClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: rider.name } });
      return { AuthenticationResult: { IdToken: ID_TOKEN } };
    },
    GetItemCommand: (input) => ({ Item: table.get(input.Key.RideId.S) }),
    DeleteItemCommand: (input) => (table.delete(input.Key.RideId.S), {}),
    AdminDeleteUserCommand: () => ({}),
    ...overrides,
  });
}

async function run(h = http(), overrides?: Record<string, (i: any) => unknown>) {
  const fake = aws(h.table, overrides);
  const results = await serverlessChecks.run(context(labStack('serverless', 'ServerlessLabStack', OUTPUTS), fake.session, h.fetch));
  return { results, calls: fake.calls.map(([name]) => name), table: h.table };
}

test('a working lab passes every check, and the rider and the ride are removed afterwards', async () => {
  const { results, calls, table } = await run();
  expect(statuses(results)).toEqual([
    'PASS site answers 200',
    "PASS config.json names the stack's pool, client and API",
    'PASS GET /faq returns a question and answer',
    'PASS POST /ride without a token gets 401',
    'PASS POST /ride as a signed-in rider gets 201',
    "PASS the ride is in the table with the rider's name",
  ]);
  expect(results[5].detail).toMatch(/holds ride ride-1 for User labs-check-[0-9a-f]{8}/);
  expect(calls.slice(-2)).toEqual(['DeleteItemCommand', 'AdminDeleteUserCommand']);
  expect(table.size).toBe(0);
});

test('a 500 from the API fails the ride, and the rider is still deleted', async () => {
  const h = http({ [`${API}ride`]: (init) => ((init.headers as any).Authorization ? { status: 500, body: { error: 'Internal server error' } } : { status: 401 }) });
  const { results, calls } = await run(h);
  expect(statuses(results).slice(4)).toEqual(['FAIL POST /ride as a signed-in rider gets 201', "SKIP the ride is in the table with the rider's name"]);
  expect(results[4].detail).toMatch(/got 500 .*RideFunctionLogGroup/);
  expect(calls).toContain('AdminDeleteUserCommand');
  expect(calls).not.toContain('DeleteItemCommand');
});

test('a ride not recorded, or recorded for someone else, fails', async () => {
  const missing = await run(undefined, { GetItemCommand: () => ({}) });
  expect(missing.results[5]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/no item with RideId ride-1/) });
  const other = await run(undefined, { GetItemCommand: () => ({ Item: { RideId: { S: 'ride-1' }, User: { S: 'someone' } } }) });
  expect(other.results[5]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/has User someone, expected labs-check-/) });
});

test('an open POST /ride, a config.json for another deployment and an empty FAQ fail', async () => {
  const h = http({
    [`${API}ride`]: () => ({ status: 201, body: { RideId: 'x' } }),
    [`${SITE}/config.json`]: () => ({ status: 200, body: { ...CONFIG, userPoolId: 'us-east-1_Other' } }),
    [`${API}faq`]: () => ({ status: 404, body: { error: 'No question' } }),
  });
  const { results } = await run(h, { GetItemCommand: () => ({}), DeleteItemCommand: () => ({}) });
  expect(statuses(results).slice(1, 4)).toEqual([
    "FAIL config.json names the stack's pool, client and API",
    'FAIL GET /faq returns a question and answer',
    'FAIL POST /ride without a token gets 401',
  ]);
  expect(results[1].detail).toMatch(/userPoolId "us-east-1_Other" \(stack: us-east-1_AbCdEfGhI\)/);
});

test('a rider who cannot sign in fails the ride check and is deleted', async () => {
  const { results, calls } = await run(undefined, { InitiateAuthCommand: () => Promise.reject(awsError('InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client')) });
  expect(results[4]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/could not sign a temporary rider in .*USER_PASSWORD_AUTH flow not enabled/) });
  expect(calls).toContain('AdminDeleteUserCommand');
});

test('the plan says what is written and that it is removed', () => {
  expect(serverlessChecks.plan(labStack('serverless', 'S', {})).join(' ')).toMatch(/temporary rider .* deletes the ride item and the rider again/);
});

test('what the check could not remove is reported, naming it', async () => {
  const h = http();
  const fake = aws(h.table, { AdminDeleteUserCommand: () => Promise.reject(awsError('InternalErrorException', 'try later')) });
  const ctx = context(labStack('serverless', 'ServerlessLabStack', OUTPUTS), fake.session, h.fetch);
  await serverlessChecks.run(ctx);
  expect(ctx.progressLines).toEqual([expect.stringMatching(/^Could not remove what the check wrote: user labs-check-[0-9a-f]{8} in us-east-1_AbCdEfGhI \(try later\)\. Delete it by hand\.$/)]);
});

test('access denied on AdminCreateUser stops the command with one line, and nothing is left to remove', async () => {
  const h = http();
  const fake = aws(h.table, { AdminCreateUserCommand: () => Promise.reject(awsError('AccessDeniedException', 'not allowed')) });
  await expect(serverlessChecks.run(context(labStack('serverless', 'ServerlessLabStack', OUTPUTS), fake.session, h.fetch))).rejects.toThrow(/Access denied/);
  expect(fake.calls.map(([n]) => n)).not.toContain('AdminDeleteUserCommand');
});
