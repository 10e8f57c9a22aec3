import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import { Construct } from 'constructs';
import { LOAD_BALANCER_PORT } from './mysfits-service';

/** The stage name of the workshop. */
export const STAGE_NAME = 'prod';

/** A mysfit id, as the click model checks it (the workshop's ids are UUIDs). */
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Properties of a `MysfitsApi`. */
export interface MysfitsApiProps {
  /** The user pool whose ID tokens like and adopt accept. */
  readonly userPool: cognito.IUserPool;
  /** The internal load balancer in front of the Mysfits service. */
  readonly loadBalancer: elbv2.INetworkLoadBalancer;
  /** The Firehose stream `POST /clicks` puts each click into. */
  readonly deliveryStream: firehose.CfnDeliveryStream;
  /** The site's origin (`https://<id>.cloudfront.net`): the one origin CORS allows. */
  readonly allowedOrigin: string;
  /**
   * Steady requests per second the stage accepts; bursts may reach twice that. Beyond it, 429.
   * @default 10
   */
  readonly requestsPerSecond?: number;
}

/**
 * The Mysfits REST API (the workshop's modules 2, 4 and 5), stage `prod`:
 *
 * - `GET /mysfits`, `GET /mysfits/{mysfitId}`: open to anyone;
 * - `POST /mysfits/{mysfitId}/like`, `DELETE /mysfits/{mysfitId}/like`, `POST /mysfits/{mysfitId}/adopt`:
 *   behind a Cognito user-pool authorizer (an ID token in `Authorization`), which is every method's
 *   default, so a route added later is private unless it says otherwise;
 * - all of them forwarded unchanged (HTTP proxy) through a VPC link to the internal Network Load Balancer
 *   in front of the service, which is reachable no other way;
 * - `POST /clicks`: open, its body checked against a model (`mysfitId` a UUID, optional `userId`), then put
 *   into the clickstream's Firehose stream by API Gateway itself (an AWS service integration with a role
 *   that may only `firehose:PutRecord` on that stream);
 * - CORS for the site's origin only, API Gateway's own errors included; throttling.
 *
 * No execution or access logging: both need the account-wide API Gateway CloudWatch role, which is not
 * this lab's to create or delete, and execution logs go to a log group API Gateway creates outside the stack
 * (`API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}`). So API Gateway writes no log group at all.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
 */
export class MysfitsApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly vpcLink: apigateway.VpcLink;
  /** The role API Gateway uses to put clicks into Firehose. */
  public readonly clicksRole: iam.Role;
  /** The invoke URL of the `prod` stage, ending in `/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: MysfitsApiProps) {
    super(scope, id);
    const requestsPerSecond = props.requestsPerSecond ?? 10;
    if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
      throw new Error(`${this.node.path}: requestsPerSecond must be a whole number of at least 1, got ${requestsPerSecond}`);
    }

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'UserAuthorizer', {
      cognitoUserPools: [props.userPool],
      identitySource: apigateway.IdentitySource.header('Authorization'),
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-Mysfits`,
      description: 'Mythical Mysfits (course lab): list and view mysfits for anyone, like and adopt for signed-in users, POST /clicks for the clickstream.',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: requestsPerSecond,
        throttlingBurstLimit: 2 * requestsPerSecond,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [props.allowedOrigin],
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: Duration.hours(1),
      },
      defaultMethodOptions: { authorizer, authorizationType: apigateway.AuthorizationType.COGNITO },
    });
    this.url = this.api.url;

    // --- The service, through the VPC link ---------------------------------------------------------------
    // A VPC link (V1) to the Network Load Balancer, and HTTP proxy integrations whose URI names the load
    // balancer's DNS name and the service's path; API Gateway takes 2-4 minutes to create the link.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-api-with-vpclink-cli.html
    this.vpcLink = new apigateway.VpcLink(this, 'VpcLink', {
      description: 'API Gateway to the Mysfits service load balancer',
      targets: [props.loadBalancer],
    });
    const service = (method: string, servicePath: string, withId: boolean) =>
      new apigateway.Integration({
        type: apigateway.IntegrationType.HTTP_PROXY,
        integrationHttpMethod: method,
        uri: `http://${props.loadBalancer.loadBalancerDnsName}:${LOAD_BALANCER_PORT}${servicePath}`,
        options: {
          connectionType: apigateway.ConnectionType.VPC_LINK,
          vpcLink: this.vpcLink,
          requestParameters: withId ? { 'integration.request.path.mysfitId': 'method.request.path.mysfitId' } : undefined,
        },
      });
    const open = { authorizationType: apigateway.AuthorizationType.NONE };
    const idParameter = { requestParameters: { 'method.request.path.mysfitId': true } };

    const mysfits = this.api.root.addResource('mysfits');
    const listMethod = mysfits.addMethod('GET', service('GET', '/mysfits', false), {
      ...open,
      requestParameters: { 'method.request.querystring.filter': false, 'method.request.querystring.value': false },
    });
    const one = mysfits.addResource('{mysfitId}');
    const getMethod = one.addMethod('GET', service('GET', '/mysfits/{mysfitId}', true), { ...open, ...idParameter });
    const like = one.addResource('like');
    like.addMethod('POST', service('POST', '/mysfits/{mysfitId}/like', true), idParameter);
    like.addMethod('DELETE', service('DELETE', '/mysfits/{mysfitId}/like', true), idParameter);
    one.addResource('adopt').addMethod('POST', service('POST', '/mysfits/{mysfitId}/adopt', true), idParameter);

    // --- Clicks, straight into Firehose --------------------------------------------------------------------
    // API Gateway's integration role: the documented trust policy names the service alone, with no
    // aws:SourceAccount/aws:SourceArn condition. API Gateway does not set aws:SourceAccount when it assumes an
    // integration's credentials role (reported from a deployed stack, below), so that condition would make
    // every POST /clicks a 500; the role's one permission (PutRecord on this stream) is the safeguard.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html
    // https://github.com/aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws/pull/479
    this.clicksRole = new iam.Role(this, 'ClicksRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway puts each click from POST /clicks into the clickstream Firehose stream; nothing else.',
    });
    this.clicksRole.addToPolicy(new iam.PolicyStatement({ actions: ['firehose:PutRecord'], resources: [props.deliveryStream.attrArn] }));

    const clickModel = this.api.addModel('Click', {
      contentType: 'application/json',
      modelName: 'Click',
      schema: {
        schema: apigateway.JsonSchemaVersion.DRAFT4,
        title: 'Click',
        type: apigateway.JsonSchemaType.OBJECT,
        required: ['mysfitId'],
        additionalProperties: false,
        properties: {
          mysfitId: { type: apigateway.JsonSchemaType.STRING, pattern: UUID_PATTERN },
          userId: { type: apigateway.JsonSchemaType.STRING, minLength: 1, maxLength: 128 },
        },
      },
    });
    const corsHeader = { 'method.response.header.Access-Control-Allow-Origin': `'${props.allowedOrigin}'` };
    // PutRecord's request: the click's JSON, base64-encoded as the API requires.
    // https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecord.html
    const clicks = this.api.root.addResource('clicks');
    const clickMethod = clicks.addMethod(
      'POST',
      new apigateway.AwsIntegration({
        service: 'firehose',
        action: 'PutRecord',
        options: {
          credentialsRole: this.clicksRole,
          passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
          requestTemplates: {
            'application/json': JSON.stringify({
              DeliveryStreamName: props.deliveryStream.ref,
              Record: { Data: "$util.base64Encode($input.json('$'))" },
            }),
          },
          integrationResponses: [
            {
              statusCode: '200',
              responseParameters: corsHeader,
              responseTemplates: { 'application/json': '{"recorded": true, "recordId": "$input.path(\'$.RecordId\')"}' },
            },
            {
              statusCode: '502',
              selectionPattern: '[45]\\d{2}',
              responseParameters: corsHeader,
              responseTemplates: { 'application/json': '{"error": "the click could not be recorded: Firehose refused it", "reference": "$context.requestId"}' },
            },
          ],
        },
      }),
      {
        ...open,
        requestValidator: new apigateway.RequestValidator(this, 'ClickValidator', { restApi: this.api, validateRequestBody: true }),
        requestModels: { 'application/json': clickModel },
        methodResponses: [
          { statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': true } },
          { statusCode: '502', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': true } },
        ],
      },
    );

    // API Gateway's own answers carry the site's CORS header and a JSON body, so the page can show them.
    const cors = { 'Access-Control-Allow-Origin': `'${props.allowedOrigin}'`, Vary: "'Origin'" };
    const json = (error: string) => ({ 'application/json': `{"error": ${error}, "reference": "$context.requestId"}` });
    this.api.addGatewayResponse('Unauthorized', {
      type: apigateway.ResponseType.UNAUTHORIZED,
      statusCode: '401',
      responseHeaders: cors,
      templates: json('"Sign in first: the Authorization header must hold a valid, unexpired ID token from the user pool."'),
    });
    this.api.addGatewayResponse('BadClick', {
      type: apigateway.ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders: cors,
      templates: json('"The body must be JSON {\\"mysfitId\\": \\"<uuid>\\", \\"userId\\": \\"<optional>\\"}: $context.error.validationErrorString"'),
    });
    this.api.addGatewayResponse('NoSuchRoute', {
      type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: cors,
      templates: json('"No such route: the API has /mysfits, /mysfits/{mysfitId}, its /like and /adopt, and POST /clicks."'),
    });
    // `$context.error.messageString` is already a quoted JSON string ("The quoted value of
    // $context.error.message"), so it stands bare, as in AWS's example template; quoted again, the body
    // would read "error": ""Too Many Requests"", which is not JSON.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.responseTemplates.html
    this.api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, responseHeaders: cors, templates: json('$context.error.messageString') });
    this.api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, responseHeaders: cors, templates: json('$context.error.messageString') });

    Validations.of(this.api.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason: "POST /clicks has a request validator and model; the service's methods are HTTP proxies and the service validates every request itself, answering 400 with JSON naming the field (tested).",
    });
    Validations.of(this.api.deploymentStage).acknowledge(
      { id: 'AwsSolutions-APIG1', reason: "Access logs need the account-wide API Gateway CloudWatch Logs role, which is not this lab's to create; the service logs every request it answers." },
      { id: 'AwsSolutions-APIG3', reason: 'A WAF web ACL bills monthly from its creation; the stage is throttled instead.' },
      { id: 'AwsSolutions-APIG6', reason: 'Execution logging writes to a log group API Gateway creates itself, outside the stack, so it would outlive the lab.' },
    );
    for (const method of [listMethod, getMethod, clickMethod]) {
      Validations.of(method).acknowledge(
        { id: 'AwsSolutions-APIG4', reason: "Public on purpose, as in the workshop: anyone may list and view the mysfits and report a click; like and adopt have the Cognito authorizer." },
        { id: 'AwsSolutions-COG4', reason: "Public on purpose, as in the workshop: anyone may list and view the mysfits and report a click; like and adopt have the Cognito authorizer." },
      );
    }
  }
}
