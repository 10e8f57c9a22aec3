/**
 * Wild Rydes on 127.0.0.1, for the browser test: the real pages and the real Lambda handlers, with a
 * stand-in for API Gateway that is built from the synthesized template, so that what the browser meets is
 * what the stack configures (a CORS header removed from the stack is a header the browser does not get).
 *
 * - The site server serves `lib/serverless/site/` as S3 and CloudFront would, plus a `config.json` like the
 *   one the deploy writes, pointing at the local API and the test's user pool.
 * - The API server, on another port (so the browser makes real cross-origin requests, with preflights),
 *   answers as the template's REST API does (`apiFromTemplate`): each `OPTIONS` method's mock integration
 *   with the status and headers of its integration response; each Lambda proxy method by calling the
 *   handler of the function its integration names, built from that function's environment; a method with
 *   a Cognito user-pool authorizer only once the token in the authorizer's identity-source header passes
 *   (RS256 signature against the pool's JWKS, then issuer, audience, token use and expiry), passing the
 *   token's claims on; and API Gateway's own errors with the template's gateway responses (status,
 *   headers, body) or, for a type the template does not define, API Gateway's default answer, which
 *   carries no CORS header.
 *
 * The site's origin stands for the CloudFront distribution's: every `https://<distribution domain>` in the
 * template is read as the local site's origin. Both servers listen on free ports and close with `stop()`.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { cognitoAuthorizer } from '../helpers/cognito-authorizer';

/** A handler as `makeHandler` builds it. */
export type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A template as `cdk synth` writes it. */
export interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, any> }>;
}

export interface LocalWildRydesProps {
  /** The folder of pages (`lib/serverless/site`). */
  readonly siteDir: string;
  /** The synthesized ServerlessLabStack template: the API, its CORS, authorizer and gateway responses. */
  readonly template: CfnTemplate;
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Where the pool's signing keys are (`<issuer or emulator>/<pool>/.well-known/jwks.json`). */
  readonly jwksUrl: string;
  /** The issuer the tokens must name: `https://cognito-idp.<region>.amazonaws.com/<pool>`. */
  readonly issuer: string;
  /**
   * The handlers, by the construct path of their function (`RideService/RequestUnicorn`), each built from
   * that function's environment as the template sets it (with the local site's origin).
   */
  readonly handlers: Record<string, (environment: Record<string, string>) => Handler>;
}

export interface LocalWildRydes {
  /** `http://127.0.0.1:<port>`: open `${siteUrl}/index.html`. */
  readonly siteUrl: string;
  /** The API's invoke URL, ending in `/`, as config.json gives it. */
  readonly apiUrl: string;
  stop(): Promise<void>;
}

/** One method of the REST API, as the template defines it. */
export interface ApiMethod {
  /** `POST /ride` */
  readonly route: string;
  /** A mock integration's answer (the CORS preflights). */
  readonly mock?: { readonly status: number; readonly headers: Record<string, string> };
  /** A Lambda proxy integration: the logical id of the function. */
  readonly functionId?: string;
  /** The header a Cognito user-pool authorizer reads the token from, when the method has one. */
  readonly authorizerHeader?: string;
}

/** A gateway response of the template: what API Gateway answers for its own errors of one type. */
export interface GatewayResponse {
  readonly status?: number;
  readonly headers: Record<string, string>;
  readonly template?: string;
}

export interface TemplateApi {
  readonly methods: ApiMethod[];
  readonly gatewayResponses: Record<string, GatewayResponse>;
  /** Each Lambda function's environment, by logical id. */
  readonly environments: Record<string, Record<string, string>>;
}

const STAGE = 'prod';
const SITE_MARK = '\u0000site\u0000';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

/**
 * A template value as a string: `Fn::Join` joined, `https://<the distribution's domain name>` as
 * `siteOrigin`. Anything else (another resource's attribute, a pseudo parameter) is refused: the stand-in
 * would not know it, and the test must not guess.
 */
export function resolver(template: CfnTemplate, siteOrigin: string): (value: unknown) => string {
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as Record<string, any>;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(resolve).join(v['Fn::Join'][0]);
    const att = v['Fn::GetAtt'];
    if (att && template.Resources[att[0]]?.Type === 'AWS::CloudFront::Distribution' && att[1] === 'DomainName') return SITE_MARK;
    throw new Error(`local-wild-rydes: cannot resolve ${JSON.stringify(value)} locally`);
  };
  const site = new URL(siteOrigin);
  return (value: unknown) => resolve(value).split(`https://${SITE_MARK}`).join(siteOrigin).split(SITE_MARK).join(site.host);
}

/** The REST API of the template, with `https://<distribution>` read as `siteOrigin`. */
export function apiFromTemplate(template: CfnTemplate, siteOrigin: string): TemplateApi {
  const resolve = resolver(template, siteOrigin);
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  if (ofType('AWS::ApiGateway::RestApi').length !== 1) throw new Error('local-wild-rydes: expected one REST API in the template');

  const pathOf = (resourceId: any): string => {
    if (resourceId?.['Fn::GetAtt']?.[1] === 'RootResourceId') return '/';
    const r = template.Resources[resourceId.Ref].Properties!;
    const parent = pathOf(r.ParentId);
    return `${parent === '/' ? '' : parent}/${r.PathPart}`;
  };
  const environments = Object.fromEntries(
    ofType('AWS::Lambda::Function').map(([id, r]) => [
      id,
      Object.fromEntries(
        Object.entries((r.Properties!.Environment?.Variables ?? {}) as Record<string, unknown>).map(([k, v]) => {
          try {
            return [k, resolve(v)];
          } catch {
            return [k, `<${k} is only known at deploy time>`]; // table names: the test gives the handlers its own
          }
        }),
      ),
    ]),
  );

  const methods = ofType('AWS::ApiGateway::Method').map(([, r]): ApiMethod => {
    const p = r.Properties!;
    const route = `${p.HttpMethod} ${pathOf(p.ResourceId)}`;
    let authorizerHeader: string | undefined;
    if (p.AuthorizationType === 'COGNITO_USER_POOLS') {
      const authorizer = template.Resources[p.AuthorizerId.Ref].Properties!;
      const source = /^method\.request\.header\.(.+)$/.exec(authorizer.IdentitySource)?.[1];
      if (authorizer.Type !== 'COGNITO_USER_POOLS' || !source) throw new Error(`local-wild-rydes: unsupported authorizer on ${route}`);
      authorizerHeader = source.toLowerCase();
    } else if (p.AuthorizationType !== 'NONE') {
      throw new Error(`local-wild-rydes: unsupported authorization ${p.AuthorizationType} on ${route}`);
    }
    const integration = p.Integration;
    if (integration.Type === 'MOCK') {
      const answer = integration.IntegrationResponses[0];
      const headers = Object.fromEntries(
        Object.entries((answer.ResponseParameters ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k.replace(/^method\.response\.header\./, ''),
          unquote(resolve(v)),
        ]),
      );
      return { route, mock: { status: Number(answer.StatusCode), headers }, authorizerHeader };
    }
    if (integration.Type === 'AWS_PROXY') {
      const fn = JSON.stringify(integration.Uri).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1];
      if (!fn || !(fn in environments)) throw new Error(`local-wild-rydes: ${route} integrates no Lambda function of the template`);
      return { route, functionId: fn, authorizerHeader };
    }
    throw new Error(`local-wild-rydes: unsupported integration ${integration.Type} on ${route}`);
  });

  const gatewayResponses = Object.fromEntries(
    ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => {
      const p = r.Properties!;
      const headers = Object.fromEntries(
        Object.entries((p.ResponseParameters ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k.replace(/^gatewayresponse\.header\./, ''),
          unquote(resolve(v)),
        ]),
      );
      return [p.ResponseType, { status: p.StatusCode ? Number(p.StatusCode) : undefined, headers, template: p.ResponseTemplates?.['application/json'] }];
    }),
  );
  return { methods, gatewayResponses, environments };
}

/** A static header value in a template is a quoted literal: `'text'`. */
function unquote(value: string): string {
  const m = /^'(.*)'$/s.exec(value);
  if (!m) throw new Error(`local-wild-rydes: header value ${value} is not a static literal`);
  return m[1];
}

/** API Gateway's own errors that the stand-in produces, with the status and message API Gateway uses. */
const GATEWAY_ERRORS = {
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', fallback: 'DEFAULT_4XX' },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', fallback: 'DEFAULT_4XX' },
  // A Lambda proxy integration whose function fails: API Gateway answers 502.
  INTEGRATION_FAILURE: { status: 502, message: 'Internal server error', fallback: 'DEFAULT_5XX' },
} as const;

export async function startLocalWildRydes(props: LocalWildRydesProps): Promise<LocalWildRydes> {
  const siteServer = http.createServer();
  const apiServer = http.createServer();
  const siteUrl = await listen(siteServer);
  const apiUrl = `${await listen(apiServer)}/${STAGE}/`;
  const config = { region: props.region, userPoolId: props.userPoolId, userPoolClientId: props.userPoolClientId, apiUrl };
  const api = apiFromTemplate(props.template, siteUrl);
  // A function's logical id is its construct path without the slashes, then `Function` and a hash.
  const handlers = new Map<string, Handler>();
  for (const method of api.methods) {
    const fn = method.functionId;
    if (!fn || handlers.has(fn)) continue;
    const key = Object.keys(props.handlers).find((k) => fn.startsWith(`${k.split('/').join('')}Function`));
    if (!key) throw new Error(`local-wild-rydes: no handler given for ${fn} (${method.route})`);
    handlers.set(fn, props.handlers[key](api.environments[fn]));
  }
  const verify = cognitoAuthorizer(props);

  siteServer.on('request', (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', siteUrl).pathname);
    if (urlPath === '/config.json') return send(res, 200, { 'Content-Type': MIME['.json'] }, JSON.stringify(config));
    const file = path.join(props.siteDir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(props.siteDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return send(res, 404, { 'Content-Type': MIME['.html'] }, fs.readFileSync(path.join(props.siteDir, 'error.html')));
    }
    send(res, 200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' }, fs.readFileSync(file));
  });

  /** API Gateway's answer to one of its own errors: the template's gateway response, else its default. */
  const gatewayError = (res: http.ServerResponse, type: keyof typeof GATEWAY_ERRORS, requestId: string) => {
    const error = GATEWAY_ERRORS[type];
    const response = api.gatewayResponses[type] ?? api.gatewayResponses[error.fallback];
    if (!response) return send(res, error.status, { 'Content-Type': 'application/json' }, JSON.stringify({ message: error.message }));
    const body = (response.template ?? '{"message":$context.error.messageString}')
      .split('$context.error.messageString')
      .join(JSON.stringify(error.message))
      .split('$context.requestId')
      .join(requestId);
    send(res, response.status ?? error.status, { 'Content-Type': 'application/json', ...response.headers }, body);
  };

  apiServer.on('request', async (req, res) => {
    const requestId = crypto.randomUUID();
    const url = new URL(req.url ?? '/', apiUrl);
    try {
      const body = await readBody(req);
      const resourcePath = url.pathname.startsWith(`/${STAGE}/`) ? url.pathname.slice(STAGE.length + 1) : undefined;
      const method = resourcePath === undefined ? undefined : api.methods.find((m) => m.route === `${req.method} ${resourcePath}`);
      if (!method) return gatewayError(res, 'MISSING_AUTHENTICATION_TOKEN', requestId);
      let claims: Record<string, unknown> | undefined;
      if (method.authorizerHeader) {
        claims = await verify(req.headers[method.authorizerHeader] as string | undefined);
        if (!claims) return gatewayError(res, 'UNAUTHORIZED', requestId);
      }
      if (method.mock) return send(res, method.mock.status, method.mock.headers);
      const query = Object.fromEntries(url.searchParams);
      const event = {
        resource: resourcePath,
        path: resourcePath,
        httpMethod: req.method,
        headers: req.headers,
        queryStringParameters: Object.keys(query).length > 0 ? query : null,
        pathParameters: null,
        stageVariables: null,
        requestContext: { requestId, stage: STAGE, ...(claims ? { authorizer: { claims } } : {}) },
        body: body.length > 0 ? body.toString('utf8') : null,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEvent;
      let result: APIGatewayProxyResult;
      try {
        result = await handlers.get(method.functionId!)!(event);
      } catch {
        return gatewayError(res, 'INTEGRATION_FAILURE', requestId);
      }
      send(res, result.statusCode, result.headers as Record<string, string>, result.body);
    } catch {
      gatewayError(res, 'INTEGRATION_FAILURE', requestId);
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
