import * as path from 'path';
import { Aws, CfnOutput, Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { SiteBucket } from '../shared/static-site/site-bucket';
import { SiteDistribution } from '../shared/static-site/site-distribution';
import { FAQ_ITEMS } from './faq';
import { FaqService } from './faq-service';
import { RideService } from './ride-service';
import { RiderPool } from './rider-pool';
import { WildRydesApi } from './wild-rydes-api';

/** The site's pages in the repository (plain HTML and JavaScript, no build step). */
export const SERVERLESS_SITE_DIR = path.join(__dirname, 'site');

/** Course lab 3. */
export const SERVERLESS_LAB: LabInfo = { id: 'serverless', title: 'Serverless app: DynamoDB + Lambda + API Gateway' };

/** Properties of a `ServerlessLabStack`. */
export interface ServerlessLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * Requests per second that each method of the API's `prod` stage accepts (bursts up to twice that);
   * beyond it, 429.
   * @default 10
   */
  readonly requestsPerSecond?: number;
  /**
   * API Gateway access logs to a log group the stack owns. Needs the account's API Gateway CloudWatch
   * Logs role (see the lab guide), so off by default.
   * @default false
   */
  readonly accessLogs?: boolean;
}

/** What `config.json` holds: everything the site needs to know about this deployment. */
export interface SiteConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The API's invoke URL, ending in `/`. */
  readonly apiUrl: string;
}

/**
 * Lab 3, "Serverless app": Wild Rydes (a site on S3 behind CloudFront, a Cognito user pool to sign up and
 * in, a `Rides` table, a function that records a ride for the signed-in rider, a REST API with a Cognito
 * authorizer) and the FAQ micro-service (`GET /faq`, a random question from a seeded table), with outputs
 * for the DynamoDB and Lambda exercises. The walkthrough is `lib/serverless/README.md`.
 *
 * Wiring without a cycle: the API allows only the site's origin, so it needs the distribution's domain;
 * the site's `config.json` needs the API's URL and the pool's ids. In the template neither needs the
 * other: the distribution only reads the bucket, and `config.json` is written by the content deployment
 * once the API and the pool exist. In code, the site is built first and its config values are lazy.
 */
export class ServerlessLabStack extends LabStack {
  public readonly site: SiteBucket;
  /** `https://<id>.cloudfront.net`: where students open the site, and the one origin the API allows. */
  public readonly siteUrl: string;
  public readonly riders: RiderPool;
  public readonly rides: RideService;
  public readonly faq: FaqService;
  public readonly api: WildRydesApi;

  constructor(scope: Construct, id: string, props: ServerlessLabStackProps = {}) {
    super(scope, id, { ...props, lab: SERVERLESS_LAB });

    // config.json is part of the site, which the API's CORS rule needs first; its values are filled in
    // when the template is written, once the pool and the API exist.
    const later = (what: string, value: () => string | undefined) =>
      Lazy.string({
        produce: () => value() ?? failSynth(`${this.node.path}: the site's config.json needs ${what}, which was never created`),
      });
    const config: SiteConfig = {
      region: Aws.REGION,
      userPoolId: later('the user pool', () => this.riders?.userPool.userPoolId),
      userPoolClientId: later('the app client', () => this.riders?.client.userPoolClientId),
      apiUrl: later('the API', () => this.api?.url),
    };
    this.site = new SiteBucket(this, 'Site', {
      contentDir: SERVERLESS_SITE_DIR,
      versioned: false, // redeploys overwrite the pages; nothing here to restore
      deployTimeFiles: { 'config.json': { ...config } },
    });
    this.siteUrl = new SiteDistribution(this, 'Cdn', { bucket: this.site.bucket, comment: 'Course lab: Wild Rydes (serverless)' }).url;
    this.riders = new RiderPool(this, 'Riders', { siteUrl: this.siteUrl });

    this.rides = new RideService(this, 'RideService', { allowedOrigin: this.siteUrl });
    this.faq = new FaqService(this, 'FaqService', { items: FAQ_ITEMS, allowedOrigin: this.siteUrl });
    this.api = new WildRydesApi(this, 'WildRydesApi', {
      userPool: this.riders.userPool,
      rideFunction: this.rides.function,
      faqFunction: this.faq.function,
      allowedOrigin: this.siteUrl,
      requestsPerSecond: props.requestsPerSecond,
      accessLogs: props.accessLogs,
    });

    this.addOutputs();
  }

  private addOutputs(): void {
    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const region = `--region ${Aws.REGION}`;
    const rides = this.rides.table.tableName;
    const faq = this.faq.table.tableName;
    const api = this.api.url;

    out('SiteUrl', 'Open this in a browser: sign up, verify your email, sign in, request a ride.', this.siteUrl);
    out('ApiUrl', "The API's invoke URL (stage prod): POST ride with an ID token, GET faq for anyone.", api);
    out('FaqUrl', 'The FAQ micro-service: a random question and answer as JSON (add ?topic=unicorns for one topic).', `${api}faq`);
    out('UserPoolId', 'The Cognito user pool that holds the riders.', this.riders.userPool.userPoolId);
    out('UserPoolClientId', "The app client the site signs in with (no secret; password and SRP sign-in).", this.riders.client.userPoolClientId);
    out('RidesTableName', 'The Rides table: one item per ride, partition key RideId.', rides);
    out('FaqTableName', 'The FAQ table: partition key Topic, sort key Question.', faq);
    out('RideFunctionName', 'The function behind POST /ride (Lambda console: test it with the workshop test event).', this.rides.function.functionName);
    out('RideFunctionLogGroup', "The ride function's log group.", this.rides.requestUnicorn.logGroup.logGroupName);
    out('FaqFunctionName', 'The function behind GET /faq (test it with lib/serverless/events/faq.json).', this.faq.function.functionName);
    out(
      'AuthorizerTestCommand',
      "Tests the Cognito authorizer of POST /ride with the ID token in $TOKEN, as API Gateway's console Test does: the claims it would pass on, or 401.",
      `aws apigateway test-invoke-authorizer --rest-api-id ${this.api.api.restApiId} --authorizer-id ${this.api.authorizer.authorizerId} ` +
        `--headers "Authorization=$TOKEN" ${region}`,
    );
    if (this.api.accessLogGroup) out('ApiAccessLogGroup', "API Gateway's access log group: one JSON line per request.", this.api.accessLogGroup.logGroupName);

    out('Step1ScanRides', 'After requesting a ride on the site: list every ride in the Rides table.', `aws dynamodb scan --table-name ${rides} ${region}`);
    out(
      'Step2GetRide',
      'Read one ride by its key (replace RIDE_ID with a RideId from the site or from step 1).',
      `aws dynamodb get-item --table-name ${rides} --key '{"RideId":{"S":"RIDE_ID"}}' ${region}`,
    );
    out(
      'Step3AddQuestion',
      'DynamoDB exercise, add an item: a question of your own in the FAQ table.',
      `aws dynamodb put-item --table-name ${faq} --item '{"Topic":{"S":"students"},"Question":{"S":"Who wrote this question?"},"Answer":{"S":"I did, with put-item."}}' ${region}`,
    );
    out(
      'Step4ModifyAnswer',
      'Modify the item: change its answer.',
      `aws dynamodb update-item --table-name ${faq} --key '{"Topic":{"S":"students"},"Question":{"S":"Who wrote this question?"}}' ` +
        `--update-expression 'SET Answer = :a' --expression-attribute-values '{":a":{"S":"I did, and then I changed it with update-item."}}' --return-values ALL_NEW ${region}`,
    );
    out(
      'Step5QueryTopic',
      'Query: every question of one topic (a Query on the partition key).',
      `aws dynamodb query --table-name ${faq} --key-condition-expression 'Topic = :t' --expression-attribute-values '{":t":{"S":"students"}}' ${region}`,
    );
    out('Step6AskFaq', 'The FAQ micro-service answers from the same table: your question comes back.', `curl -s '${api}faq?topic=students'`);
    out(
      'Step7DeleteQuestion',
      'Delete the item.',
      `aws dynamodb delete-item --table-name ${faq} --key '{"Topic":{"S":"students"},"Question":{"S":"Who wrote this question?"}}' ${region}`,
    );
  }
}

function failSynth(message: string): never {
  throw new Error(message);
}
