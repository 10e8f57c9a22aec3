import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of a `WildRydesApi`. */
export interface WildRydesApiProps {
  /** The user pool whose ID tokens `POST /ride` accepts. */
  readonly userPool: cognito.IUserPool;
  /** The function behind `POST /ride`. */
  readonly rideFunction: lambda.IFunction;
  /** The function behind `GET /faq`. */
  readonly faqFunction: lambda.IFunction;
  /** The site's origin (`https://<id>.cloudfront.net`): the one origin CORS allows. */
  readonly allowedOrigin: string;
  /**
   * Steady requests per second that each method of the `prod` stage accepts (bursts may reach twice
   * that); beyond it, 429. A stage's default method throttling applies to every method separately, not
   * to the stage as a whole: see `API_THROTTLED_METHODS`.
   * @default 10
   */
  readonly requestsPerSecond?: number;
  /**
   * Write an access log line per request to a log group the stack owns. Needs the account's API Gateway
   * CloudWatch Logs role (an account-wide setting, outside any stack): without it the stage fails to
   * create, so it is off unless asked for.
   * @default false
   */
  readonly accessLogs?: boolean;
}

/** The stage name of the workshop. */
export const STAGE_NAME = 'prod';

/**
 * The methods that the stage's throttling caps, each on its own: the API's two routes and the CORS
 * preflights of `/`, `/ride` and `/faq`. "Per-API, per-stage throttling limits are applied at the API
 * method level for a stage" (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html),
 * and the `*` `/*` method setting is the default of every method, so the API as a whole may take up to
 * this many times `requestsPerSecond` (the account's own limit, 10,000 per second per region, is above).
 */
export const API_THROTTLED_METHODS = ['POST /ride', 'GET /faq', 'OPTIONS /', 'OPTIONS /ride', 'OPTIONS /faq'] as const;

/**
 * The access log line: JSON with one field per documented access-logging variable
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html).
 * API Gateway substitutes values as they are, without JSON escaping, so every variable here is one whose
 * value cannot hold a quote or a backslash: ids, a time, an IP address, a method, the resource template,
 * numbers and an enumeration. Two are left out on purpose:
 * - `$context.error.message` is free text, and `$context.error.messageString` is only that text inside
 *   quotes ("The quoted value of $context.error.message"), not escaped either, so a message holding a
 *   quote would break the line; `$context.error.responseType` (UNAUTHORIZED, THROTTLED, ...) names the
 *   same error and is always safe;
 * - the rider's email or username, which a rider chooses; their `sub` (a UUID the user pool assigns) is
 *   logged instead (`aws cognito-idp list-users --filter 'sub = "..."'` finds the rider).
 * test/serverless renders the format with hostile values and parses every line.
 */
export function accessLogFormat(): string {
  const F = apigateway.AccessLogField;
  return JSON.stringify({
    requestId: F.contextRequestId(),
    time: F.contextRequestTime(),
    ip: F.contextIdentitySourceIp(),
    method: F.contextHttpMethod(),
    path: F.contextResourcePath(),
    status: F.contextStatus(),
    riderSub: F.contextAuthorizerClaims('sub'),
    latencyMs: F.contextResponseLatency(),
    errorType: F.contextErrorResponseType(),
  });
}

/**
 * Wild Rydes' REST API, stage `prod`:
 *
 * - `POST /ride` -> the ride function, behind a Cognito user-pool authorizer: API Gateway checks the ID
 *   token in the `Authorization` header and passes its claims to the function. Every method gets that
 *   authorizer by default, so a route added later is private unless it says otherwise;
 * - `GET /faq` -> the FAQ function, open to anyone (the course's public FAQ micro-service);
 * - CORS for the site's origin only: preflights, the functions' answers and API Gateway's own errors
 *   (401, 403, 429, 5xx) all carry `Access-Control-Allow-Origin: <site>`, so the site can show them;
 * - on request (`accessLogs`), access logs (one JSON line per request) to a log group the stack owns; never
 *   execution logging: API Gateway would write that to a log group it creates itself, outside the stack.
 *   Off by default: a stage with access logging fails to create until the account's API Gateway
 *   CloudWatch Logs role is set ("To enable CloudWatch Logs, you must grant API Gateway permission to
 *   read and write logs to CloudWatch for your account",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html), and a fresh
 *   account has none; the course's steps read the functions' own logs;
 * - throttling of each method, so a runaway loop costs little.
 */
export class WildRydesApi extends Construct {
  public readonly api: apigateway.RestApi;
  /** The Cognito authorizer of `POST /ride`. */
  public readonly authorizer: apigateway.CognitoUserPoolsAuthorizer;
  /** The access log group, when access logs are on. */
  public readonly accessLogGroup?: logs.LogGroup;
  /** The invoke URL of the `prod` stage, ending in `/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: WildRydesApiProps) {
    super(scope, id);
    const requestsPerSecond = props.requestsPerSecond ?? 10;
    if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
      throw new Error(`${this.node.path}: requestsPerSecond must be a whole number of at least 1, got ${requestsPerSecond}`);
    }

    if (props.accessLogs ?? false) {
      this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
        retention: logs.RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    }
    const logFormat = apigateway.AccessLogFormat.custom(accessLogFormat());

    const authorizer = (this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'RiderAuthorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    }));

    this.api = new apigateway.RestApi(this, 'Api', {
      // API names need not be unique, but the console lists APIs by name: say whose it is.
      restApiName: `${Stack.of(this).stackName}-WildRydes`,
      description: 'Wild Rydes (course lab): POST /ride for signed-in riders, GET /faq for anyone.',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // The account-wide CloudWatch role is not this lab's to create or delete (see the lab guide).
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: requestsPerSecond,
        throttlingBurstLimit: 2 * requestsPerSecond,
        ...(this.accessLogGroup
          ? { accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup), accessLogFormat: logFormat }
          : {}),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [props.allowedOrigin],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: Duration.hours(1),
      },
      defaultMethodOptions: { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO },
    });
    this.url = this.api.url;

    this.api.root.addResource('ride').addMethod('POST', new apigateway.LambdaIntegration(props.rideFunction));
    const faq = this.api.root
      .addResource('faq')
      .addMethod('GET', new apigateway.LambdaIntegration(props.faqFunction), { authorizationType: apigateway.AuthorizationType.NONE });

    // API Gateway's own answers (no or bad token, unknown route, throttled, integration failure) carry the
    // site's CORS header and a JSON body like the functions' errors, so the page can read and show them.
    const cors = { 'Access-Control-Allow-Origin': `'${props.allowedOrigin}'`, Vary: "'Origin'" };
    const json = (error: string, field?: string) => ({
      'application/json': `{"Error": ${error}${field ? `, "Field": "${field}"` : ''}, "Reference": "$context.requestId"}`,
    });
    this.api.addGatewayResponse('Unauthorized', {
      type: apigateway.ResponseType.UNAUTHORIZED,
      statusCode: '401',
      responseHeaders: cors,
      templates: json('"Sign in first: the Authorization header must hold a valid, unexpired ID token from the user pool."', 'Authorization'),
    });
    this.api.addGatewayResponse('NoSuchRoute', {
      type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: cors,
      templates: json('"No such route: the API has POST /ride and GET /faq."', 'path'),
    });
    this.api.addGatewayResponse('Default4xx', {
      type: apigateway.ResponseType.DEFAULT_4XX,
      responseHeaders: cors,
      templates: json('$context.error.messageString'),
    });
    this.api.addGatewayResponse('Default5xx', {
      type: apigateway.ResponseType.DEFAULT_5XX,
      responseHeaders: cors,
      templates: json('$context.error.messageString'),
    });

    // Each finding is acknowledged on the one resource it is about.
    Validations.of(this.api.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        "The functions validate every request and answer 400 with JSON naming the field (tested); API Gateway's validator can only answer with an unescaped message that is not valid JSON. GET /faq reads one optional parameter, which its function checks.",
    });
    Validations.of(this.api.deploymentStage).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason: 'A WAF web ACL bills monthly from its creation whatever the traffic; the stage is throttled instead, and the lab idles at $0.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          "Execution logging writes to a log group API Gateway creates itself (API-Gateway-Execution-Logs_<id>/prod), outside the stack, so it would outlive the lab; access logs and the functions' own log groups cover the exercise.",
      },
      ...(this.accessLogGroup
        ? []
        : [
            {
              id: 'AwsSolutions-APIG1',
              reason:
                "Access logs are off by default (serverlessAccessLogs=true turns them on): a stage with access logging fails to create in an account without the API Gateway CloudWatch Logs role; the lab's steps read the functions' own log groups.",
            },
          ]),
    );
    Validations.of(faq).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: "The course's FAQ micro-service is public on purpose: anyone may read a random question, and the function only reads the FAQ table." },
      { id: 'AwsSolutions-COG4', reason: "The course's FAQ micro-service is public on purpose; POST /ride, the only other route, has the Cognito authorizer." },
    );
  }
}
