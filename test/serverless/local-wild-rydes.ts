/**
 * Wild Rydes on 127.0.0.1, for the browser test: the real pages and the real Lambda handlers, with small
 * stand-ins for what AWS would do in between.
 *
 * - The site server serves `lib/serverless/site/` as S3 and CloudFront would, plus a `config.json` like the
 *   one the deploy writes, pointing at the local API and the test's user pool.
 * - The API server, on another port (so the browser makes real cross-origin requests, with preflights),
 *   stands in for API Gateway as `WildRydesApi` configures it: CORS preflights for the site's origin only;
 *   `POST /prod/ride` behind a Cognito authorizer (the ID token's RS256 signature checked against the
 *   pool's JWKS, then issuer, audience, token use and expiry), which passes the token's claims to the
 *   handler; `GET /prod/faq` open; the same JSON error bodies and CORS header as the gateway responses.
 *
 * Both listen on free ports and close with `stop()`.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** The handlers the API routes to, as `makeHandler` builds them. */
type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface LocalWildRydesProps {
  /** The folder of pages (`lib/serverless/site`). */
  readonly siteDir: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Where the pool's signing keys are (`<issuer or emulator>/<pool>/.well-known/jwks.json`). */
  readonly jwksUrl: string;
  /** The issuer the tokens must name: `https://cognito-idp.<region>.amazonaws.com/<pool>`. */
  readonly issuer: string;
  /** Builds the handlers once the site's origin (their allowed origin) is known. */
  readonly handlers: (siteOrigin: string) => { ride: Handler; faq: Handler };
}

export interface LocalWildRydes {
  /** `http://127.0.0.1:<port>`: open `${siteUrl}/index.html`. */
  readonly siteUrl: string;
  /** The API's invoke URL, ending in `/`, as config.json gives it. */
  readonly apiUrl: string;
  stop(): Promise<void>;
}

const STAGE = 'prod';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

export async function startLocalWildRydes(props: LocalWildRydesProps): Promise<LocalWildRydes> {
  const siteServer = http.createServer();
  const apiServer = http.createServer();
  const siteUrl = await listen(siteServer);
  const apiUrl = `${await listen(apiServer)}/${STAGE}/`;
  const config = { region: props.region, userPoolId: props.userPoolId, userPoolClientId: props.userPoolClientId, apiUrl };
  const handlers = props.handlers(siteUrl);
  const verify = tokenVerifier(props);

  siteServer.on('request', (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', siteUrl).pathname);
    if (urlPath === '/config.json') return send(res, 200, { 'Content-Type': MIME['.json'] }, JSON.stringify(config));
    const file = path.join(props.siteDir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(props.siteDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return send(res, 404, { 'Content-Type': MIME['.html'] }, fs.readFileSync(path.join(props.siteDir, 'error.html')));
    }
    send(res, 200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' }, fs.readFileSync(file));
  });

  // What WildRydesApi's preflights and gateway responses send: the site's origin only.
  const cors = { 'Access-Control-Allow-Origin': siteUrl, Vary: 'Origin' };
  const gatewayError = (res: http.ServerResponse, status: number, error: string, field: string, requestId: string) =>
    send(res, status, { ...cors, 'Content-Type': 'application/json' }, JSON.stringify({ Error: error, Field: field, Reference: requestId }));

  apiServer.on('request', async (req, res) => {
    const requestId = crypto.randomUUID();
    const url = new URL(req.url ?? '/', apiUrl);
    const route = `${req.method} ${url.pathname}`;
    try {
      const body = await readBody(req);
      if (req.method === 'OPTIONS' && ['/prod/', '/prod/ride', '/prod/faq'].includes(url.pathname)) {
        return send(res, 204, {
          ...cors,
          'Access-Control-Allow-Headers': 'Authorization,Content-Type',
          'Access-Control-Allow-Methods': 'GET,POST,OPTIONS',
          'Access-Control-Max-Age': '3600',
        });
      }
      let handler: Handler;
      let claims: Record<string, unknown> | undefined;
      if (route === 'POST /prod/ride') {
        claims = await verify(req.headers.authorization);
        if (!claims) {
          return gatewayError(res, 401, 'Sign in first: the Authorization header must hold a valid, unexpired ID token from the user pool.', 'Authorization', requestId);
        }
        handler = handlers.ride;
      } else if (route === 'GET /prod/faq') {
        handler = handlers.faq;
      } else {
        return gatewayError(res, 404, 'No such route: the API has POST /ride and GET /faq.', 'path', requestId);
      }
      const query = Object.fromEntries(url.searchParams);
      const event = {
        resource: url.pathname.slice(STAGE.length + 1),
        path: url.pathname.slice(STAGE.length + 1),
        httpMethod: req.method,
        headers: req.headers,
        queryStringParameters: Object.keys(query).length > 0 ? query : null,
        pathParameters: null,
        stageVariables: null,
        requestContext: { requestId, stage: STAGE, ...(claims ? { authorizer: { claims } } : {}) },
        body: body.length > 0 ? body.toString('utf8') : null,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEvent;
      const result = await handler(event);
      send(res, result.statusCode, result.headers as Record<string, string>, result.body);
    } catch (err) {
      gatewayError(res, 500, `Internal server error: ${(err as Error).message}`, 'none', requestId);
    }
  });

  return {
    siteUrl,
    apiUrl,
    async stop() {
      for (const server of [siteServer, apiServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/** What a Cognito user-pool authorizer checks of an ID token; the claims, or undefined when refused. */
function tokenVerifier(props: LocalWildRydesProps) {
  let keys: Promise<Array<crypto.JsonWebKey & { kid: string }>> | undefined;
  return async (token: string | undefined): Promise<Record<string, unknown> | undefined> => {
    const parts = token?.split('.') ?? [];
    if (parts.length !== 3) return undefined;
    try {
      const [header, payload] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
      keys ??= fetch(props.jwksUrl).then(async (r) => ((await r.json()) as { keys: Array<crypto.JsonWebKey & { kid: string }> }).keys);
      const jwk = (await keys).find((k) => k.kid === header.kid);
      if (!jwk || header.alg !== 'RS256') return undefined;
      const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
      const signed = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
      const valid =
        signed &&
        payload.iss === props.issuer &&
        payload.token_use === 'id' &&
        payload.aud === props.userPoolClientId &&
        typeof payload.exp === 'number' &&
        payload.exp * 1000 > Date.now();
      return valid ? payload : undefined;
    } catch {
      return undefined;
    }
  };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The request body; more than 64 KB is cut off (API Gateway allows 10 MB; the handlers refuse far less). */
async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= 65_536) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string> = {}, body?: string | Buffer) {
  res.writeHead(status, headers);
  res.end(body);
}
