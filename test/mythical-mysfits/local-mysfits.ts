/**
 * Mythical Mysfits on 127.0.0.1, for the browser test: the real pages, the real Mysfits service and the real
 * click processor, with small stand-ins for what AWS does in between.
 *
 * - The site server serves `lib/mythical-mysfits/site/` as S3 and CloudFront would, plus a `config.json`
 *   like the one the deploy writes, pointing at the local API and the test's user pool.
 * - The API server, on another port (real cross-origin requests, with preflights), stands in for API
 *   Gateway as `MysfitsApi` configures it: CORS preflights for the site's origin; the service's routes
 *   forwarded unchanged to the service (the VPC link's HTTP proxy), like and adopt behind a Cognito
 *   authorizer (`../helpers/cognito-authorizer.ts`) answering 401 with the gateway response's JSON;
 *   `POST /prod/clicks` checked as the Click model does, then handed to the processor as Firehose would
 *   (a transformation event with the body base64-encoded), whose output lines are kept as the bucket.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { AuthorizerProps, cognitoAuthorizer } from '../helpers/cognito-authorizer';

export interface LocalMysfitsProps extends AuthorizerProps {
  readonly siteDir: string;
  readonly region: string;
  readonly userPoolId: string;
  /** Starts the Mysfits service, told the site's origin; returns its URL. */
  readonly service: (siteOrigin: string) => Promise<string>;
  /** The click processor's handler. */
  readonly processor: (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;
}

export interface LocalMysfits {
  readonly siteUrl: string;
  readonly apiUrl: string;
  /** What Firehose delivered to the bucket: one enriched click per line. */
  readonly clicks: string[];
  stop(): Promise<void>;
}

const STAGE = 'prod';
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };

export async function startLocalMysfits(props: LocalMysfitsProps): Promise<LocalMysfits> {
  const siteServer = http.createServer();
  const apiServer = http.createServer();
  const siteUrl = await listen(siteServer);
  const apiUrl = `${await listen(apiServer)}/${STAGE}/`;
  const serviceUrl = await props.service(siteUrl);
  const config = { region: props.region, userPoolId: props.userPoolId, userPoolClientId: props.userPoolClientId, apiUrl };
  const authorize = cognitoAuthorizer(props);
  const clicks: string[] = [];

  siteServer.on('request', (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', siteUrl).pathname);
    if (urlPath === '/config.json') return send(res, 200, { 'Content-Type': MIME['.json'] }, JSON.stringify(config));
    const file = path.join(props.siteDir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(props.siteDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return send(res, 404, { 'Content-Type': MIME['.html'] }, fs.readFileSync(path.join(props.siteDir, 'error.html')));
    }
    send(res, 200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' }, fs.readFileSync(file));
  });

  const cors = { 'Access-Control-Allow-Origin': siteUrl, Vary: 'Origin' };
  const gatewayError = (res: http.ServerResponse, status: number, error: string) =>
    send(res, status, { ...cors, 'Content-Type': 'application/json' }, JSON.stringify({ error, reference: crypto.randomUUID() }));

  apiServer.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', apiUrl);
    const route = url.pathname.slice(`/${STAGE}`.length);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (method === 'OPTIONS') {
      return send(res, 204, { ...cors, 'Access-Control-Allow-Headers': 'Authorization,Content-Type', 'Access-Control-Allow-Methods': 'GET,POST,DELETE,OPTIONS', 'Access-Control-Max-Age': '3600' });
    }
    if (method === 'POST' && route === '/clicks') {
      let click: any;
      try {
        click = JSON.parse(body.toString('utf8'));
      } catch {
        click = undefined;
      }
      if (typeof click?.mysfitId !== 'string' || !UUID.test(click.mysfitId)) return gatewayError(res, 400, 'The body must be JSON {"mysfitId": "<uuid>"}');
      const event: FirehoseTransformationEvent = {
        invocationId: crypto.randomUUID(),
        deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/local',
        region: props.region,
        records: [{ recordId: crypto.randomUUID(), approximateArrivalTimestamp: Date.now(), data: Buffer.from(JSON.stringify(click)).toString('base64') }],
      };
      const result = await props.processor(event);
      for (const r of result.records) if (r.result === 'Ok') clicks.push(Buffer.from(r.data!, 'base64').toString('utf8'));
      return send(res, 200, { ...cors, 'Content-Type': 'application/json' }, JSON.stringify({ recorded: true }));
    }
    const parts = route.split('/').filter(Boolean);
    const isService = parts[0] === 'mysfits' && parts.length <= 3;
    if (!isService) return gatewayError(res, 404, 'No such route');
    if (parts.length === 3) {
      if (!(await authorize(req.headers.authorization))) {
        return gatewayError(res, 401, 'Sign in first: the Authorization header must hold a valid, unexpired ID token from the user pool.');
      }
    } else if (method !== 'GET') {
      return gatewayError(res, 403, 'Missing Authentication Token');
    }
    // The VPC link's HTTP proxy: the request as it came, the service's answer as it is.
    const answer = await fetch(`${serviceUrl}${route}${url.search}`, { method });
    send(res, answer.status, Object.fromEntries(answer.headers), Buffer.from(await answer.arrayBuffer()));
  });

  return {
    siteUrl,
    apiUrl,
    clicks,
    async stop() {
      for (const server of [siteServer, apiServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string> = {}, body?: string | Buffer) {
  const { 'content-length': _l, 'transfer-encoding': _t, connection: _c, 'keep-alive': _k, ...rest } = headers as Record<string, string>;
  res.writeHead(status, rest);
  res.end(body);
}
