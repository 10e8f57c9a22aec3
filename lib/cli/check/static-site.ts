/**
 * Checks for the static-site lab (lab 2, `StaticSiteLabStack`): the site answers with the page the bucket holds, the bucket keeps
 * versions (the versioning exercise), and the bucket is private behind CloudFront or public-read in website
 * mode. From the stack's `SiteUrl` and `BucketName` outputs; writes nothing.
 */
import { GetBucketPolicyCommand, GetBucketVersioningCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { isError } from '../aws/errors';
import { LabStack } from '../inventory/stacks';
import { CheckContext, CheckResult, LabChecks } from './types';
import { attempt, excerpt, fail, missingOutput, pass, request } from './util';

export const STATIC_SITE_LAB = 'static-site';
/** The page the site serves at `/`, as the lab deploys it. */
export const INDEX_KEY = 'index.html';

/** How the site is served, from its URL: CloudFront (HTTPS) or the S3 website endpoint (HTTP). */
export function hostingOf(siteUrl: string): 'cloudfront' | 'website' {
  // Website endpoints are http://<bucket>.s3-website-<region>.amazonaws.com or s3-website.<region>
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html).
  return /\.s3-website[.-]/.test(siteUrl) ? 'website' : 'cloudfront';
}

/**
 * The URL of an object read straight from S3 with no credentials: the virtual-hosted-style REST endpoint
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html), or path style under
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` when those point the SDK elsewhere (a local emulator).
 */
export function directObjectUrl(bucket: string, key: string, region: string, env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${key}`;
  return `https://${bucket}.s3.${region}.amazonaws.com/${key}`;
}

/** True if one statement of the policy lets anyone (`*`) GetObject every object of the bucket. */
export function allowsPublicRead(policyJson: string, bucket: string): boolean {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(policyJson);
  } catch {
    return false;
  }
  const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return list(policy.Statement as Record<string, unknown>[]).some((s) => {
    const principal = s.Principal as string | { AWS?: string | string[] } | undefined;
    const anyone = principal === '*' || list(typeof principal === 'object' ? principal.AWS : undefined).includes('*');
    const actions = list(s.Action as string | string[]).map((a) => a.toLowerCase());
    const resources = list(s.Resource as string | string[]);
    return (
      s.Effect === 'Allow' &&
      anyone &&
      s.Condition === undefined &&
      actions.some((a) => a === 's3:getobject' || a === 's3:*' || a === '*') &&
      resources.some((r) => r === `arn:aws:s3:::${bucket}/*` || r === '*' || /^arn:aws[a-z-]*:s3:::/.test(r) && r.endsWith(`:::${bucket}/*`))
    );
  });
}

const SITE = 'site answers 200 with the deployed page';
const VERSIONING = 'bucket versioning is on';
const DIRECT_REFUSED = 'bucket refuses a direct read';
const POLICY_ALLOWS = 'bucket policy allows public read';

async function checkSite(context: CheckContext, siteUrl: string, bucket: string): Promise<CheckResult> {
  return attempt(SITE, async () => {
    let deployed: string;
    try {
      const object = await context.session.s3.send(new GetObjectCommand({ Bucket: bucket, Key: INDEX_KEY }));
      deployed = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (err) {
      if (!isError(err, ['NoSuchKey'])) throw err;
      return fail(SITE, `s3://${bucket}/${INDEX_KEY} does not exist, so there is no page to serve. Redeploy ${context.stack.name} to put the site back.`);
    }
    const answer = await request(context, siteUrl);
    if (!answer.ok) return fail(SITE, `${answer.error}. Wait a few minutes after the deploy (CloudFront takes time), then check again.`);
    if (answer.status !== 200) {
      return fail(SITE, `${siteUrl} answered ${answer.status} (${excerpt(answer.body)}). Check that s3://${bucket}/${INDEX_KEY} exists and that the bucket policy lets the site read it.`);
    }
    if (answer.body !== deployed) {
      return fail(SITE, `${siteUrl} answered 200 but not with s3://${bucket}/${INDEX_KEY} (got "${excerpt(answer.body, 40)}"). After uploading a new version, CloudFront may serve the old one until its cache expires.`);
    }
    return pass(SITE, `${siteUrl} answered 200 with s3://${bucket}/${INDEX_KEY} (${Buffer.byteLength(deployed)} bytes).`);
  });
}

async function checkVersioning(context: CheckContext, bucket: string): Promise<CheckResult> {
  return attempt(VERSIONING, async () => {
    const { Status } = await context.session.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return Status === 'Enabled'
      ? pass(VERSIONING, `${bucket}: versioning Enabled.`)
      : fail(VERSIONING, `${bucket}: versioning is ${Status ?? 'never enabled'}. Redeploy the lab (npx cdk deploy) to turn it back on.`);
  });
}

async function checkDirectRead(context: CheckContext, stack: LabStack, bucket: string): Promise<CheckResult> {
  return attempt(DIRECT_REFUSED, async () => {
    const url = directObjectUrl(bucket, INDEX_KEY, await context.session.region());
    const answer = await request(context, url);
    if (!answer.ok) return fail(DIRECT_REFUSED, `${answer.error}: cannot show the bucket refuses anonymous reads.`);
    // S3 answers an anonymous request the policy does not allow with 403 AccessDenied.
    if (answer.status === 403) return pass(DIRECT_REFUSED, `${url} answered 403: only CloudFront can read the bucket.`);
    if (answer.status >= 200 && answer.status < 300) {
      return fail(
        DIRECT_REFUSED,
        `${url} answered ${answer.status} to an anonymous read: the bucket is public, so the site bypasses CloudFront. ` +
          `Remove the public statement from the bucket policy (or redeploy ${stack.name}).`,
      );
    }
    return fail(DIRECT_REFUSED, `${url} answered ${answer.status} to an anonymous read, not 403 (${excerpt(answer.body)}): check the bucket policy and Block Public Access (or redeploy ${stack.name}).`);
  });
}

async function checkPolicy(context: CheckContext, stack: LabStack, bucket: string): Promise<CheckResult> {
  return attempt(POLICY_ALLOWS, async () => {
    let policy: string | undefined;
    try {
      policy = (await context.session.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    } catch (err) {
      if (!isError(err, ['NoSuchBucketPolicy'])) throw err;
    }
    if (!policy) return fail(POLICY_ALLOWS, `${bucket} has no bucket policy, so the website endpoint answers 403. Redeploy ${stack.name}.`);
    return allowsPublicRead(policy, bucket)
      ? pass(POLICY_ALLOWS, `${bucket}'s policy lets anyone s3:GetObject on ${bucket}/*, as the website endpoint needs.`)
      : fail(POLICY_ALLOWS, `${bucket}'s policy has no unconditional Allow of s3:GetObject to "*" on ${bucket}/*: the website endpoint answers 403. Redeploy ${stack.name}.`);
  });
}

export const staticSiteChecks: LabChecks = {
  lab: STATIC_SITE_LAB,
  plan: (stack) => [
    `Reads ${stack.name}'s SiteUrl and BucketName outputs, the bucket's versioning, policy and ${INDEX_KEY}.`,
    `Requests the site, and ${INDEX_KEY} straight from the bucket with no credentials. Writes nothing.`,
  ],
  async run(context) {
    const { stack } = context;
    const siteUrl = stack.outputs.SiteUrl;
    const bucket = stack.outputs.BucketName;
    if (!siteUrl || !bucket) {
      const missing = siteUrl ? 'BucketName' : 'SiteUrl';
      return [missingOutput(SITE, stack.name, missing)];
    }
    const hosting = hostingOf(siteUrl);
    context.progress(`${stack.name}: ${hosting} hosting, bucket ${bucket}`);
    return [
      await checkSite(context, siteUrl, bucket),
      await checkVersioning(context, bucket),
      hosting === 'cloudfront' ? await checkDirectRead(context, stack, bucket) : await checkPolicy(context, stack, bucket),
    ];
  },
};
