/**
 * `labs check` for the Mythical Mysfits lab (`MythicalMysfitsLabStack`): works from the stack's outputs
 * (`SiteUrl`, `ApiUrl`, `UserPoolId`, `UserPoolClientId`, `ClickstreamBucketName`) and AWS APIs only.
 *
 * What it writes, and undoes: a temporary Cognito user (deleted, pass or fail), one like on the first
 * mysfit (taken back with `DELETE /mysfits/{id}/like`), and one click record in the clickstream bucket
 * (Firehose writes clicks in batches into shared objects, so that line stays until the stack is destroyed;
 * it is marked with the check's user id).
 */
import { randomBytes } from 'crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { errorMessage } from '../aws/errors';
import { LabStack } from '../inventory/stacks';
import { CheckContext, CheckResult, LabChecks } from './types';
import { attempt, fail, HTTP_TIMEOUT_MS, pass, skip } from './util';

/**
 * How long the click check waits for its record: Firehose buffers 60 s before it calls the processor and
 * 60 s before it writes to S3 (the stack's buffering hints), so a record normally lands within about two
 * minutes; twice that is the bound.
 */
export const CLICK_WAIT_MS = 240_000;
/** Time between looks at the bucket. */
export const CLICK_POLL_MS = 15_000;

const NAMES = {
  site: 'site answers 200',
  list: 'GET /mysfits answers the mysfits',
  noToken: 'like without a token is refused (401)',
  like: 'a signed-in user can like a mysfit',
  click: 'a click reaches the clickstream bucket',
} as const;

const REQUIRED_OUTPUTS = ['SiteUrl', 'ApiUrl', 'UserPoolId', 'UserPoolClientId', 'ClickstreamBucketName'] as const;

/** A request through the context's fetch that gives up after `HTTP_TIMEOUT_MS` (a network error throws; `attempt` makes it a FAIL). */
const http = (ctx: CheckContext, url: string, init: RequestInit = {}) => ctx.fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), ...init });

/** `<url>` + `path`, with exactly one slash between them. */
const join = (url: string, path: string) => `${url.replace(/\/+$/, '')}/${path}`;

async function readJson(res: Response): Promise<any> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

/** A password the pool's policy accepts (upper, lower, digit, symbol, 8+), never reused. */
function temporaryPassword(): string {
  return `Lc-${randomBytes(12).toString('base64url')}a9Z!`;
}

async function checkSite(ctx: CheckContext, outputs: Readonly<Record<string, string>>): Promise<CheckResult> {
  const siteUrl = outputs.SiteUrl;
  try {
    const res = await http(ctx, siteUrl);
    if (res.status !== 200) return fail(NAMES.site, `${siteUrl} answered HTTP ${res.status}: is the distribution deployed?`);
    const configUrl = join(siteUrl, 'config.json');
    const config = await readJson(await http(ctx, configUrl));
    if (typeof config?.apiUrl !== 'string') return fail(NAMES.site, `${configUrl} has no apiUrl: redeploy the stack so the site gets its configuration`);
    // The site must call this stack's API and sign in to this stack's pool (the stack writes both into config.json).
    const slash = (url: string) => url.replace(/\/*$/, '/');
    const wrong = [
      ...(slash(config.apiUrl) !== slash(outputs.ApiUrl) ? [`apiUrl ${config.apiUrl} (the stack's ApiUrl is ${outputs.ApiUrl})`] : []),
      ...(config.userPoolId !== outputs.UserPoolId ? [`userPoolId ${config.userPoolId} (the stack's is ${outputs.UserPoolId})`] : []),
      ...(config.userPoolClientId !== outputs.UserPoolClientId ? [`userPoolClientId ${config.userPoolClientId} (the stack's is ${outputs.UserPoolClientId})`] : []),
    ];
    if (wrong.length) return fail(NAMES.site, `${configUrl} is another deployment's: ${wrong.join('; ')}. Redeploy the stack, then invalidate the distribution's cache.`);
    return pass(NAMES.site, `${siteUrl} answers 200, and its config.json names this stack's API and user pool`);
  } catch (err) {
    return fail(NAMES.site, `${siteUrl} could not be reached (${(err as Error).message})`);
  }
}

async function checkList(ctx: CheckContext, apiUrl: string): Promise<{ result: CheckResult; firstId?: string; likes?: number }> {
  const url = join(apiUrl, 'mysfits');
  try {
    const res = await http(ctx, url);
    const body = await readJson(res);
    const mysfits = Array.isArray(body?.mysfits) ? body.mysfits : undefined;
    if (res.status !== 200 || !mysfits) {
      return { result: fail(NAMES.list, `${url} answered HTTP ${res.status} without a mysfits list: see the ServiceLogGroup output's log and the ECS service's events`) };
    }
    if (mysfits.length === 0) return { result: fail(NAMES.list, `${url} answered an empty list: the seed custom resource wrote nothing into MysfitsTableName`) };
    return { result: pass(NAMES.list, `${mysfits.length} mysfits`), firstId: mysfits[0].mysfitId, likes: mysfits[0].likes };
  } catch (err) {
    return { result: fail(NAMES.list, `${url} could not be reached (${(err as Error).message})`) };
  }
}

async function checkNoToken(ctx: CheckContext, likeUrl: string): Promise<CheckResult> {
  const res = await http(ctx, likeUrl, { method: 'POST' });
  if (res.status === 401) return pass(NAMES.noToken, `POST ${likeUrl} without a token: 401`);
  // Anything else means the authorizer is not in front of the method; undo a like that went through.
  if (res.ok) await http(ctx, likeUrl, { method: 'DELETE' });
  return fail(NAMES.noToken, `POST ${likeUrl} without a token answered HTTP ${res.status}, not 401: the Cognito authorizer is missing on the method`);
}

/** Creates a confirmed temporary user, signs in, likes and unlikes the mysfit, and deletes the user whatever happens. */
async function checkSignedInLike(ctx: CheckContext, outputs: Readonly<Record<string, string>>, likeUrl: string, likesBefore: number): Promise<CheckResult> {
  const cognito = ctx.session.cognito;
  const username = `labs-check-${randomBytes(6).toString('hex')}@example.com`;
  const password = temporaryPassword();
  const poolId = outputs.UserPoolId;
  let created = false;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        MessageAction: 'SUPPRESS', // no email to a made-up address
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    created = true;
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
    const auth = await cognito.send(
      new InitiateAuthCommand({ ClientId: outputs.UserPoolClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );
    const token = auth.AuthenticationResult?.IdToken;
    if (!token) return fail(NAMES.like, `the temporary user could not sign in (Cognito asked for ${auth.ChallengeName ?? 'another step'})`);
    const headers = { Authorization: token };
    const liked = await http(ctx, likeUrl, { method: 'POST', headers });
    const likedBody = await readJson(liked);
    if (liked.status !== 200) return fail(NAMES.like, `POST ${likeUrl} with a valid token answered HTTP ${liked.status}: ${likedBody?.error ?? 'no message'}`);
    let unliked: Response;
    try {
      unliked = await http(ctx, likeUrl, { method: 'DELETE', headers });
    } catch (err) {
      return fail(NAMES.like, `the like went through (${likedBody?.likes} likes) but DELETE ${likeUrl} got no answer (${errorMessage(err)}): take it back by hand`);
    }
    if (unliked.status !== 200) return fail(NAMES.like, `the like went through (${likedBody?.likes} likes) but DELETE ${likeUrl} answered HTTP ${unliked.status}: take it back by hand`);
    if (likedBody?.likes !== likesBefore + 1) return fail(NAMES.like, `POST like answered 200 but the mysfit has ${likedBody?.likes} likes, expected ${likesBefore + 1}`);
    return pass(NAMES.like, `a temporary user liked the mysfit (${likesBefore} -> ${likesBefore + 1}) and took the like back`);
  } finally {
    // If the delete fails, the like's result still stands; a line names the user left and how to delete it.
    if (created) {
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: username })).catch((err) => {
        ctx.progress(`Could not delete the temporary user ${username} (${errorMessage(err)}): aws cognito-idp admin-delete-user --user-pool-id ${poolId} --username ${username}`);
      });
    }
  }
}

/** Keys in the bucket under `prefix` written at or after `since`. */
async function keysSince(ctx: CheckContext, bucket: string, prefix: string, since: Date): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await ctx.session.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of out.Contents ?? []) if (o.Key && o.LastModified && o.LastModified.getTime() >= since.getTime() - 60_000) keys.push(o.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * Whether the object holds the test click: as an enriched line (under `clicks/`), or as a failed record
 * (under `processing-failed/`), which Firehose writes as a JSON document per record with the original data
 * base64-encoded in `rawData`.
 * https://docs.aws.amazon.com/firehose/latest/dev/data-transformation-failure-handling.html
 */
export function objectHoldsClick(text: string, marker: string): boolean {
  return text.split('\n').some((line) => {
    if (line.includes(marker)) return true;
    try {
      const rawData = JSON.parse(line)?.rawData;
      return typeof rawData === 'string' && Buffer.from(rawData, 'base64').toString('utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

async function holds(ctx: CheckContext, bucket: string, key: string, marker: string): Promise<boolean> {
  const out = await ctx.session.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return objectHoldsClick((await out.Body?.transformToString()) ?? '', marker);
}

async function checkClick(ctx: CheckContext, apiUrl: string, bucket: string, mysfitId: string): Promise<CheckResult> {
  const marker = `labs-check-${randomBytes(6).toString('hex')}`;
  const started = ctx.now();
  const res = await http(ctx, join(apiUrl, 'clicks'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ mysfitId, userId: marker }),
  });
  if (res.status !== 200) return fail(NAMES.click, `POST /clicks answered HTTP ${res.status}: ${(await readJson(res))?.error ?? 'no message'}`);
  ctx.progress(`waiting for the test click in s3://${bucket}/clicks/ (Firehose buffers about a minute, twice; at most ${CLICK_WAIT_MS / 1000} s)`);
  const seen = new Set<string>();
  for (let waited = 0; ; waited += CLICK_POLL_MS) {
    for (const prefix of ['clicks/', 'processing-failed/']) {
      for (const key of await keysSince(ctx, bucket, prefix, started)) {
        if (seen.has(key)) continue;
        seen.add(key);
        if (!(await holds(ctx, bucket, key, marker))) continue;
        return prefix === 'clicks/'
          ? pass(NAMES.click, `the click reached s3://${bucket}/${key}, enriched by the processor`)
          : fail(NAMES.click, `the click landed in s3://${bucket}/${key}: the processor failed it; see the ProcessorLogGroup output's log`);
      }
    }
    if (waited + CLICK_POLL_MS > CLICK_WAIT_MS) break;
    await ctx.sleep(CLICK_POLL_MS);
  }
  return fail(NAMES.click, `the click was accepted but is not in s3://${bucket}/clicks/ after ${CLICK_WAIT_MS / 1000} s: see the delivery stream's error log (Clickstream DeliveryLogs) and the ProcessorLogGroup`);
}

export const MYTHICAL_MYSFITS_CHECKS: LabChecks = {
  lab: 'mythical-mysfits',

  plan(stack: LabStack): readonly string[] {
    const o = stack.outputs;
    return [
      `reads the site ${o.SiteUrl ?? '(no SiteUrl output)'} and GET ${o.ApiUrl ?? '(no ApiUrl output)'}mysfits`,
      'tries a like without a token (expects 401)',
      `creates a temporary user in ${o.UserPoolId ?? 'the user pool'}, likes the first mysfit with it, takes the like back and deletes the user`,
      `posts one click and waits up to ${CLICK_WAIT_MS / 1000} s for it in s3://${o.ClickstreamBucketName ?? '(bucket)'}/clicks/; that click line stays in the bucket until the stack is destroyed`,
    ];
  },

  async run(ctx: CheckContext): Promise<readonly CheckResult[]> {
    const outputs = ctx.stack.outputs;
    const missing = REQUIRED_OUTPUTS.filter((k) => !outputs[k]);
    if (missing.length > 0) {
      const why = `the stack has no ${missing.join(', ')} output: it is not (fully) deployed, or from an older version; redeploy it`;
      return Object.values(NAMES).map((name) => fail(name, why));
    }
    const results: CheckResult[] = [await checkSite(ctx, outputs)];
    const list = await checkList(ctx, outputs.ApiUrl);
    results.push(list.result);
    if (!list.firstId) {
      const why = 'needs a mysfit from GET /mysfits, which failed (see above)';
      return [...results, skip(NAMES.noToken, why), skip(NAMES.like, why), skip(NAMES.click, why)];
    }
    const likeUrl = join(outputs.ApiUrl, `mysfits/${list.firstId}/like`);
    // A network error or an unexpected AWS error is that check's FAIL; missing credentials or access denied
    // stop every check (attempt throws them on, for the command to print as one line).
    results.push(await attempt(NAMES.noToken, () => checkNoToken(ctx, likeUrl)));
    results.push(await attempt(NAMES.like, () => checkSignedInLike(ctx, outputs, likeUrl, Number(list.likes ?? 0))));
    results.push(await attempt(NAMES.click, () => checkClick(ctx, outputs.ApiUrl, outputs.ClickstreamBucketName, list.firstId!)));
    return results;
  },
};
