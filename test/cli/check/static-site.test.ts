import { allowsPublicRead, directObjectUrl, hostingOf, staticSiteChecks } from '../../../lib/cli/check/static-site';
import { awsError, context, fakeFetch, fakeSession, labStack, objectBody, statuses } from './fakes';

const PAGE = '<!doctype html><title>Version 1</title><h1>Version 1</h1>';
const BUCKET = 'staticsitelabstack-sitebucket-abc123';
const CDN = 'https://d111111abcdef8.cloudfront.net';
const WEBSITE = `http://${BUCKET}.s3-website-us-east-1.amazonaws.com`;
const DIRECT = `https://${BUCKET}.s3.us-east-1.amazonaws.com/index.html`;
const PUBLIC_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
});

const env = { ...process.env };
beforeEach(() => {
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_S3;
});
afterAll(() => Object.assign(process.env, env));

function aws(overrides: Record<string, (i: any) => unknown> = {}) {
  return fakeSession({
    GetObjectCommand: () => objectBody(PAGE),
    GetBucketVersioningCommand: () => ({ Status: 'Enabled' }),
    GetBucketPolicyCommand: () => ({ Policy: PUBLIC_POLICY }),
    ...overrides,
  });
}

async function run(siteUrl: string, routes: Parameters<typeof fakeFetch>[0], overrides?: Record<string, (i: any) => unknown>) {
  const stack = labStack('static-site', 'StaticSiteLabStack', { SiteUrl: siteUrl, BucketName: BUCKET });
  const { fetch } = fakeFetch(routes);
  return staticSiteChecks.run(context(stack, aws(overrides).session, fetch));
}

test('CloudFront mode passes when the site serves the bucket page, versioning is on and S3 refuses a direct read', async () => {
  const results = await run(CDN, { [CDN]: () => ({ status: 200, body: PAGE }), [DIRECT]: () => ({ status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }) });
  expect(statuses(results)).toEqual([
    'PASS site answers 200 with the deployed page',
    'PASS bucket versioning is on',
    'PASS bucket refuses a direct read',
  ]);
});

test('a site that answers 403 fails, with what was seen and what to do', async () => {
  const results = await run(CDN, { [CDN]: () => ({ status: 403, body: 'AccessDenied' }), [DIRECT]: () => ({ status: 403 }) });
  expect(results[0]).toMatchObject({ status: 'FAIL', name: 'site answers 200 with the deployed page' });
  expect(results[0].detail).toMatch(/answered 403 .*Check that s3:\/\/.*index\.html exists/);
});

test('a site serving another page, versioning suspended, and a public bucket behind CloudFront each fail', async () => {
  const results = await run(
    CDN,
    { [CDN]: () => ({ status: 200, body: '<h1>Version 2</h1>' }), [DIRECT]: () => ({ status: 200, body: PAGE }) },
    { GetBucketVersioningCommand: () => ({ Status: 'Suspended' }) },
  );
  expect(statuses(results)).toEqual(['FAIL site answers 200 with the deployed page', 'FAIL bucket versioning is on', 'FAIL bucket refuses a direct read']);
  expect(results[1].detail).toMatch(/Suspended/);
  expect(results[2].detail).toMatch(/answered 200 to an anonymous read/);
});

test('a site that does not answer fails instead of throwing', async () => {
  const results = await run(CDN, { [CDN]: () => 'refused', [DIRECT]: () => ({ status: 403 }) });
  expect(results[0].status).toBe('FAIL');
  expect(results[0].detail).toMatch(/no answer from .*ECONNREFUSED/);
});

test('website mode checks the bucket policy instead of a direct read', async () => {
  const ok = await run(WEBSITE, { [WEBSITE]: () => ({ status: 200, body: PAGE }) });
  expect(statuses(ok)).toEqual(['PASS site answers 200 with the deployed page', 'PASS bucket versioning is on', 'PASS bucket policy allows public read']);
  const noPolicy = await run(WEBSITE, { [WEBSITE]: () => ({ status: 403, body: '' }) }, { GetBucketPolicyCommand: () => Promise.reject(awsError('NoSuchBucketPolicy')) });
  expect(statuses(noPolicy)).toEqual(['FAIL site answers 200 with the deployed page', 'PASS bucket versioning is on', 'FAIL bucket policy allows public read']);
});

test('a bucket without index.html fails the site check, saying so', async () => {
  const results = await run(CDN, { [CDN]: () => ({ status: 403 }), [DIRECT]: () => ({ status: 403 }) }, { GetObjectCommand: () => Promise.reject(awsError('NoSuchKey', 'The specified key does not exist.')) });
  expect(results[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/index\.html does not exist, so there is no page to serve/) });
});

test('access denied on an AWS call stops every check with one line instead of a FAIL', async () => {
  await expect(
    run(CDN, { [CDN]: () => ({ status: 200, body: PAGE }), [DIRECT]: () => ({ status: 403 }) }, { GetObjectCommand: () => Promise.reject(awsError('AccessDenied', 'Access Denied')) }),
  ).rejects.toThrow(/Access denied/);
});

test('a stack without the outputs the checks need fails naming the output', async () => {
  const stack = labStack('static-site', 'StaticSiteLabStack', { SiteUrl: CDN });
  const results = await staticSiteChecks.run(context(stack, aws().session, fakeFetch({}).fetch));
  expect(results).toEqual([expect.objectContaining({ status: 'FAIL', detail: expect.stringMatching(/no BucketName output/) })]);
});

test('hosting mode, direct URL and public-read policy are read as documented', () => {
  expect(hostingOf(CDN)).toBe('cloudfront');
  expect(hostingOf(WEBSITE)).toBe('website');
  expect(hostingOf(`http://${BUCKET}.s3-website.eu-central-1.amazonaws.com`)).toBe('website');
  expect(directObjectUrl('b', 'index.html', 'eu-west-1', {})).toBe('https://b.s3.eu-west-1.amazonaws.com/index.html');
  expect(directObjectUrl('b', 'index.html', 'eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000/' })).toBe('http://127.0.0.1:5000/b/index.html');
  expect(allowsPublicRead(PUBLIC_POLICY, BUCKET)).toBe(true);
  expect(allowsPublicRead(PUBLIC_POLICY, 'other')).toBe(false);
  const conditional = JSON.parse(PUBLIC_POLICY);
  conditional.Statement[0].Condition = { Bool: { 'aws:SecureTransport': 'true' } };
  expect(allowsPublicRead(JSON.stringify(conditional), BUCKET)).toBe(false);
  expect(allowsPublicRead('not json', BUCKET)).toBe(false);
});

test('the plan says what is read and that nothing is written', () => {
  expect(staticSiteChecks.plan(labStack('static-site', 'S', {})).join(' ')).toMatch(/Writes nothing/);
});
