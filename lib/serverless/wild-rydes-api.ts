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
   * Steady requests per second the stage accepts; bursts may reach twice that. Beyond it, 429.
   * @default 10
   */
  readonly requestsPerSecond?: number;
  /**
   * Write an access log line per request to a log group the stack owns. Needs the account's API Gateway
   * CloudWatch Logs role (an account-wide setting, outside any stack).
   * @default true
   */
  readonly accessLogs?: boolean;
}

/** The stage name of the workshop. */
export const STAGE_NAME = 'prod';

/**
 * Wild Rydes' REST API, stage `prod`:
 *
 * - `POST /ride` -> the ride function, behind a Cognito user-pool authorizer: API Gateway checks the ID
 *   token in the `Authorization` header and passes its claims to the function. Every method gets that
 *   authorizer by default, so a route added later is private unless it says otherwise;
 * - `GET /faq` -> the FAQ function, open to anyone (the course's public FAQ micro-service);
 * - CORS for the site's origin only: preflights, the functions' answers and API Gateway's own errors
 *   (401, 403, 429, 5xx) all carry `Access-Control-Allow-Origin: <site>`, so the site can show them;
 * - access logs (one JSON line per request, with the rider's email) to a log group the stack owns, and no
 *   execution logging: API Gateway would write that to a log group it creates itself, outside the stack;
 * - throttling, so a runaway loop costs little.
 */
export class WildRydesApi extends Construct {
  public readonly api: apigateway.RestApi;
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

    if (props.accessLogs ?? true) {
      this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
        retention: logs.RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    }
    const F = apigateway.AccessLogField;
    const accessLogFormat = apigateway.AccessLogFormat.custom(
      JSON.stringify({
        requestId: F.contextRequestId(),
        time: F.contextRequestTime(),
        ip: F.contextIdentitySourceIp(),
        method: F.contextHttpMethod(),
        path: F.contextResourcePath(),
        status: F.contextStatus(),
        // A claim name with a colon (cognito:username) is not a documented access-log variable; email is.
        riderEmail: F.contextAuthorizerClaims('email'),
        latencyMs: F.contextResponseLatency(),
        error: F.contextErrorMessage(),
      }),
    );

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'RiderAuthorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    });

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
          ? { accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup), accessLogFormat }
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
        : [{ id: 'AwsSolutions-APIG1', reason: 'Access logs switched off (serverlessAccessLogs=false) for an account without the API Gateway CloudWatch Logs role.' }]),
    );
    Validations.of(faq).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: "The course's FAQ micro-service is public on purpose: anyone may read a random question, and the function only reads the FAQ table." },
      { id: 'AwsSolutions-COG4', reason: "The course's FAQ micro-service is public on purpose; POST /ride, the only other route, has the Cognito authorizer." },
    );
  }
}
