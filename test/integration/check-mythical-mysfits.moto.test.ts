/**
 * The Mythical Mysfits lab's `labs check` against moto_server: its Cognito calls (a temporary user created,
 * given a password, signed in with USER_PASSWORD_AUTH on a pool whose usernames are emails, deleted) and
 * its S3 reads run against a real AWS API endpoint. The site and the API are a fetch stand-in whose like
 * route checks the ID token as API Gateway's Cognito authorizer would (moto's signing keys), and whose
 * `POST /clicks` writes the click line into the bucket as Firehose would.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsSession } from '../../lib/cli/aws/session';
import { MYTHICAL_MYSFITS_CHECKS } from '../../lib/cli/check/mythical-mysfits';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { cognitoAuthorizer } from '../helpers/cognito-authorizer';
import { Moto, pointAwsSdkAt, startMoto } from '../helpers/moto';

jest.setTimeout(120_000);

const SITE = 'https://d111111abcdef8.cloudfront.net';
const API = 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/';
const BUCKET = 'mysfits-clickstream';
const COCO = '0e37d916-f960-4772-a25a-01b762b5c1bd';
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
  pointAwsSdkAt(moto);
});
afterAll(() => moto?.stop());

test('every check passes against a working deployment, and the temporary user is gone afterwards', async () => {
  const { UserPool } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPool', {
    PoolName: 'mysfits',
    UsernameAttributes: ['email'],
    AutoVerifiedAttributes: ['email'],
    Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
  });
  const { UserPoolClient } = await moto.call('AWSCognitoIdentityProviderService.CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: 'web',
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  const authorize = cognitoAuthorizer({
    jwksUrl: `${moto.url}/${UserPool.Id}/.well-known/jwks.json`,
    issuer: `https://cognito-idp.us-east-1.amazonaws.com/${UserPool.Id}`,
    userPoolClientId: UserPoolClient.ClientId,
  });
  let likes = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  const fetch = (async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    if (url === SITE) return new Response('<!doctype html>');
    // config.json as the stack writes it (MysfitsSiteConfig): this deployment's region, pool, client and API.
    if (url === `${SITE}/config.json`) return json(200, { region: 'us-east-1', userPoolId: UserPool.Id, userPoolClientId: UserPoolClient.ClientId, apiUrl: API });
    if (url === `${API}mysfits`) return json(200, { mysfits: [{ mysfitId: COCO, likes }] });
    if (url === `${API}mysfits/${COCO}/like`) {
      if (!(await authorize((init.headers as Record<string, string> | undefined)?.Authorization))) return json(401, { error: 'Sign in first' });
      likes += method === 'POST' ? 1 : -1;
      return json(200, { mysfitId: COCO, likes });
    }
    if (url === `${API}clicks`) {
      const click = JSON.parse(String(init.body));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'clicks/2026/12/05/00/stream-1', Body: `${JSON.stringify({ ...click, mysfit: { name: 'CoCo' } })}\n` }));
      return json(200, { recorded: true });
    }
    return json(404, {});
  }) as typeof globalThis.fetch;

  const stack: LabStack = {
    name: 'MythicalMysfitsLabStack',
    id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/MythicalMysfitsLabStack/1',
    lab: 'mythical-mysfits',
    status: 'CREATE_COMPLETE',
    createdAt: new Date(),
    tags: {},
    outputs: { SiteUrl: SITE, ApiUrl: API, UserPoolId: UserPool.Id, UserPoolClientId: UserPoolClient.ClientId, ClickstreamBucketName: BUCKET },
  };
  const session = new AwsSession({ region: 'us-east-1' });
  // The S3 client as labs builds it, but path-style, which moto on 127.0.0.1 needs.
  Object.defineProperty(session, 's3', { value: s3 });
  const results = await MYTHICAL_MYSFITS_CHECKS.run({ stack, session, fetch, sleep: async () => undefined, now: () => new Date(), progress: () => undefined });
  expect(results.map((r) => [r.name, r.status])).toEqual([
    ['site answers 200', 'PASS'],
    ['GET /mysfits answers the mysfits', 'PASS'],
    ['like without a token is refused (401)', 'PASS'],
    ['a signed-in user can like a mysfit', 'PASS'],
    ['a click reaches the clickstream bucket', 'PASS'],
  ]);
  expect(likes).toBe(0);
  const { Users } = await moto.call('AWSCognitoIdentityProviderService.ListUsers', { UserPoolId: UserPool.Id });
  expect(Users).toEqual([]);
});
