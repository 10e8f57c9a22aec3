import * as path from 'path';
import { Aws, CfnOutput, Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { SiteBucket } from '../shared/static-site/site-bucket';
import { SiteDistribution } from '../shared/static-site/site-distribution';
import { Clickstream, CLICKS_PREFIX } from './clickstream';
import { MysfitsApi } from './mysfits-api';
import { MysfitsService } from './mysfits-service';
import { MysfitsTable } from './mysfits-table';
import { MysfitsUsers } from './mysfits-users';

/** The site's pages (plain HTML and JavaScript, no build step). */
export const MYSFITS_SITE_DIR = path.join(__dirname, 'site');
/** The Mysfits service's code, with its Dockerfile. */
export const MYSFITS_APP_DIR = path.join(__dirname, 'app');

/** The course's "Bring it together" lab. */
export const MYTHICAL_MYSFITS_LAB: LabInfo = { id: 'mythical-mysfits', title: 'Mythical Mysfits: a modern application on AWS' };

/** The npm script that checks for Docker and deploys this stack (`lib/mythical-mysfits/deploy.ts`). */
export const DEPLOY_SCRIPT = 'npm run deploy:mysfits --';

/** Properties of a `MythicalMysfitsLabStack`. */
export interface MythicalMysfitsLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * Requests per second the API's `prod` stage accepts (bursts up to twice that); beyond it, 429.
   * @default 10
   */
  readonly requestsPerSecond?: number;
}

/** What `config.json` holds: everything the site needs to know about this deployment. */
export interface MysfitsSiteConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The API's invoke URL, ending in `/`. */
  readonly apiUrl: string;
}

/**
 * The Mythical Mysfits workshop ("Build a Modern Application on AWS"), finished, in one stack: the site
 * (S3 + CloudFront) lists the mysfits through a REST API whose VPC link reaches the Mysfits service on
 * Fargate behind an internal Network Load Balancer; the mysfits live in DynamoDB, seeded at deploy; a
 * Cognito user pool signs visitors up and in, and the API's authorizer lets only them like and adopt;
 * clicks go through the API into Firehose, whose Lambda processor enriches them from the table, into S3.
 * The walkthrough, module by module, is `lib/mythical-mysfits/README.md`.
 *
 * Wiring without a cycle, as in the serverless lab: the site is built first; its config.json values are
 * lazy and the content deployment writes them once the pool and the API exist.
 */
export class MythicalMysfitsLabStack extends LabStack {
  public readonly site: SiteBucket;
  /** `https://<id>.cloudfront.net`. */
  public readonly siteUrl: string;
  public readonly table: MysfitsTable;
  public readonly users: MysfitsUsers;
  public readonly service: MysfitsService;
  public readonly clickstream: Clickstream;
  public readonly api: MysfitsApi;

  constructor(scope: Construct, id: string, props: MythicalMysfitsLabStackProps = {}) {
    super(scope, id, { ...props, lab: MYTHICAL_MYSFITS_LAB });

    const later = (what: string, value: () => string | undefined) =>
      Lazy.string({
        produce: () => value() ?? failSynth(`${this.node.path}: the site's config.json needs ${what}, which was never created`),
      });
    const config: MysfitsSiteConfig = {
      region: Aws.REGION,
      userPoolId: later('the user pool', () => this.users?.userPool.userPoolId),
      userPoolClientId: later('the app client', () => this.users?.client.userPoolClientId),
      apiUrl: later('the API', () => this.api?.url),
    };
    this.site = new SiteBucket(this, 'Site', {
      contentDir: MYSFITS_SITE_DIR,
      versioned: false, // redeploys overwrite the pages; nothing here to restore
      deployTimeFiles: { 'config.json': { ...config } },
    });
    this.siteUrl = new SiteDistribution(this, 'Cdn', { bucket: this.site.bucket, comment: 'Course lab: Mythical Mysfits' }).url;

    this.table = new MysfitsTable(this, 'MysfitsTable');
    this.users = new MysfitsUsers(this, 'Users', { siteUrl: this.siteUrl });
    this.service = new MysfitsService(this, 'MysfitsService', { appDir: MYSFITS_APP_DIR, table: this.table, allowedOrigin: this.siteUrl });
    this.clickstream = new Clickstream(this, 'Clickstream', { table: this.table });
    this.api = new MysfitsApi(this, 'MysfitsApi', {
      userPool: this.users.userPool,
      loadBalancer: this.service.loadBalancer,
      deliveryStream: this.clickstream.deliveryStream,
      allowedOrigin: this.siteUrl,
      requestsPerSecond: props.requestsPerSecond,
    });

    this.addOutputs();
  }

  private addOutputs(): void {
    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const region = `--region ${Aws.REGION}`;
    const table = this.table.table.tableName;
    const bucket = this.clickstream.bucket.bucketName;
    const api = this.api.url;

    out('SiteUrl', 'Open this in a browser: browse the mysfits, sign up, confirm your email, sign in, like and adopt.', this.siteUrl);
    out('ApiUrl', "The API's invoke URL (stage prod): GET mysfits for anyone, POST mysfits/{id}/like and /adopt with an ID token, POST clicks.", api);
    out('MysfitsUrl', 'Every mysfit, as JSON (add ?filter=GoodEvil&value=Evil, or LawChaos with Lawful, Neutral or Chaotic).', `${api}mysfits`);
    out('UserPoolId', 'The Cognito user pool that holds the visitors (usernames are email addresses).', this.users.userPool.userPoolId);
    out('UserPoolClientId', 'The app client the site signs in with (no secret; password and SRP sign-in).', this.users.client.userPoolClientId);
    out('MysfitsTableName', 'The mysfits table: partition key MysfitId, indexes GoodEvilIndex and LawChaosIndex.', table);
    out('ClickstreamBucketName', 'Where Firehose writes the enriched clicks (under clicks/; records the processor failed under processing-failed/).', bucket);
    out('DeliveryStreamName', 'The Firehose stream behind POST /clicks.', this.clickstream.deliveryStream.ref);
    out('ServiceLogGroup', "The Mysfits service's container logs.", this.service.logGroup.logGroupName);
    out('ProcessorLogGroup', "The click processor's log group.", this.clickstream.processor.logGroup.logGroupName);
    out('ClusterName', 'The ECS cluster that runs the Mysfits service.', this.service.cluster.clusterName);
    out('ServiceName', 'The ECS service (one Fargate task).', this.service.service.serviceName);
    out('ListClicksCommand', 'Lists the click objects Firehose delivered (within about two minutes of a click: Firehose buffers up to 60 s before the processor and again before S3).', `aws s3 ls s3://${bucket}/${CLICKS_PREFIX} --recursive ${region}`);
    out('ScanMysfitsCommand', 'Every mysfit with its likes, straight from DynamoDB.', `aws dynamodb scan --table-name ${table} --projection-expression 'MysfitId, #n, Likes, Adopted' --expression-attribute-names '{"#n":"Name"}' ${region}`);
    out('RedeployCommand', 'Redeploys the lab after you changed the service, the site or the data: the workshop\'s "push to deploy".', `${DEPLOY_SCRIPT}${this.settingsArgs()}`);
  }
}

function failSynth(message: string): never {
  throw new Error(message);
}
