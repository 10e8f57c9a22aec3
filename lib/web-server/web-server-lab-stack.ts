import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { al2023Instance } from '../shared/al2023-instance';
import { BootstrapReadiness } from '../shared/bootstrap-readiness';
import { instanceTypeSpec } from '../shared/instance-types';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { acknowledgeSessionManagerWildcard, sessionManagerPolicy } from '../shared/session-manager';
import { SITE_CONTENT_DIR } from '../shared/static-site/site-content';
import { renderUserDataScript, stripCommentLines } from '../shared/user-data-script';
import { DEFAULT_WEB_SERVER_INSTANCE_TYPE } from './settings';
import {
  DB_CONFIG_FILE,
  LAB_DATABASE,
  LAB_DATABASE_USER,
  LAB_FILES_DIR,
  LAMP_PACKAGES,
  PHP_PAGE,
  PHP_PAGE_CONNECTED_MARKER,
  ROOT_VOLUME_GIB,
  TLS_DIR,
  TLS_PACKAGES,
  WEB_SERVER_TIMEOUTS,
  WebServerSetup,
  WWW_DIR,
} from './web-server-config';
import { WebServerNetwork } from './web-server-network';

/** The PHP page and the database's seed, which the server copies at boot. */
export const APP_DIR = path.join(__dirname, 'app');
/** The bootstrap script (user data). */
export const BOOTSTRAP_SCRIPT = path.join(__dirname, 'scripts', 'web-server.sh');

/** A further lab of the course: "Cloud Web Applications", a LAMP web server on EC2. */
export const WEB_SERVER_LAB: LabInfo = { id: 'web-server', title: 'LAMP web server on EC2' };

/** The stack the comparison command measures this server against (with the same `stackSuffix`). */
export const COMPARED_STACK = 'StaticSiteLabStack';

/** Properties of a `WebServerLabStack`. */
export interface WebServerLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * `lamp`: Apache, PHP and MariaDB installed, secured and serving the site at boot. `bare`: nothing installed.
   * @default 'lamp'
   */
  readonly setup?: WebServerSetup;
  /**
   * Open HTTPS to anyone and (with `lamp`) serve it with a self-signed certificate.
   * @default false
   */
  readonly https?: boolean;
  /**
   * An IPv4 CIDR that may reach the server on SSH (the setting refuses world-open ranges).
   * @default - port 22 closed; students connect with SSM Session Manager
   */
  readonly sshCidr?: string;
  /**
   * Instance type of the server, from the table in `lib/shared/instance-types.ts`.
   * @default 't4g.micro'
   */
  readonly instanceType?: string;
}

/**
 * The course's "Cloud Web Applications" lab: one Amazon Linux 2023 instance in a public subnet that serves,
 * with `lamp`, the static-site lab's pages and a PHP page reading from MariaDB, and a deploy that returns
 * only when the server answers (its bootstrap fetches its own pages, then signals the `BootstrapReadiness`
 * wait condition; a failure signals the step that broke). Its outputs include the `labs compare` command
 * that measures it against `StaticSiteLabStack`. The walkthrough is `lib/web-server/README.md`.
 */
export class WebServerLabStack extends LabStack {
  public readonly network: WebServerNetwork;
  public readonly server: ec2.Instance;
  public readonly readiness: BootstrapReadiness;

  constructor(scope: Construct, id: string, props: WebServerLabStackProps = {}) {
    super(scope, id, { ...props, lab: WEB_SERVER_LAB });
    const setup = props.setup ?? 'lamp';
    const https = props.https ?? false;
    const instanceType = props.instanceType ?? DEFAULT_WEB_SERVER_INSTANCE_TYPE;

    this.network = new WebServerNetwork(this, 'Network', { https, sshCidr: props.sshCidr });
    const site = new s3assets.Asset(this, 'SiteContent', { path: SITE_CONTENT_DIR });
    const app = new s3assets.Asset(this, 'PhpApp', { path: APP_DIR });

    const role = new iam.Role(this, 'ServerRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Web server of ${this.stackName}: SSM sessions, read the site and the PHP page it serves.`,
      // Session Manager's five agent actions, not AmazonSSMManagedInstanceCore (which also reads every
      // parameter in the account, and runs documents this lab never sends).
      inlinePolicies: { SsmAgent: sessionManagerPolicy() },
    });
    acknowledgeSessionManagerWildcard(role);
    // The two objects of the assets, not the whole CDK asset bucket.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheLabFiles',
        actions: ['s3:GetObject'],
        resources: [site.bucket.arnForObjects(site.s3ObjectKey), app.bucket.arnForObjects(app.s3ObjectKey)],
      }),
    );

    this.readiness = new BootstrapReadiness(this, 'ServerReady', {
      generation: serverGeneration({ setup, https, instanceType, siteHash: site.assetHash, appHash: app.assetHash }),
      timeout: Duration.seconds(WEB_SERVER_TIMEOUTS.readySeconds),
    });
    this.server = al2023Instance(this, 'Server', {
      vpc: this.network.vpc,
      subnet: this.network.subnet,
      securityGroup: this.network.securityGroup,
      role,
      instanceType,
      rootVolumeGiB: ROOT_VOLUME_GIB,
      script: renderWebServerScript({
        AWS_REGION: Aws.REGION,
        READY_SIGNAL_URL: this.readiness.signalUrl,
        SETUP: setup,
        HTTPS: String(https),
        SITE_S3_URL: site.s3ObjectUrl,
        APP_S3_URL: app.s3ObjectUrl,
      }),
    });
    // Its bootstrap downloads at once: boot it only when its subnet's route to the internet gateway exists.
    this.server.node.addDependency(this.network.subnet.internetConnectivityEstablished);
    this.readiness.waitFor(this.server);

    this.addOutputs(setup, https, Boolean(props.sshCidr), id);
  }

  private addOutputs(setup: WebServerSetup, https: boolean, ssh: boolean, id: string): void {
    const out = (key: string, description: string, value: string) => new CfnOutput(this, key, { description, value });
    const region = `--region ${Aws.REGION}`;
    const host = this.server.instancePublicDnsName;
    const installed = setup === 'lamp' ? '' : ' (with webServerSetup=bare it answers once you have installed Apache and published the lab\'s files: see the guide)';
    out('SiteUrl', `The site, served by Apache on the instance${installed}.`, `http://${host}/`);
    out('PhpPageUrl', `The PHP page that reads from MariaDB${installed}.`, `http://${host}/${PHP_PAGE}`);
    if (https) out('HttpsSiteUrl', 'The site over HTTPS, with a self-signed certificate: your browser warns, as the guide explains.', `https://${host}/`);
    out('WebServerSetup', 'What the bootstrap installed: lamp (Apache, PHP, MariaDB) or bare (nothing).', setup);
    out(
      'ServerSession',
      'Opens a shell on the web server (SSM Session Manager, no open port); then run: sudo -iu ec2-user',
      `aws ssm start-session --target ${this.server.instanceId} ${region}`,
    );
    if (ssh) {
      out(
        'ServerSsh',
        'SSH to the web server from the webServerSshCidr range (EC2 Instance Connect pushes a one-time key).',
        `aws ec2-instance-connect ssh --instance-id ${this.server.instanceId} --os-user ec2-user --connection-type direct ${region}`,
      );
    }
    // The static-site lab deployed with the same stackSuffix as this one.
    const suffix = this.stackName.slice(id.length);
    out(
      'CompareCommand',
      `Measures this server against the S3 static site (deploy ${COMPARED_STACK}${suffix} too): requests per second, latency, errors and price, side by side.`,
      `npx labs compare --stacks ${COMPARED_STACK}${suffix} ${this.stackName} ${region}`,
    );
  }
}

/** The bootstrap script with the lab's fixed facts and `values` (the deploy-time ones) rendered in. */
export function renderWebServerScript(values: Readonly<Record<string, string | number>>): string {
  return renderUserDataScript(BOOTSTRAP_SCRIPT, {
    WWW_DIR,
    LAB_FILES_DIR,
    DB_CONFIG_FILE,
    TLS_DIR,
    LAB_DATABASE,
    LAB_DATABASE_USER,
    PHP_PAGE,
    CONNECTED_MARKER: PHP_PAGE_CONNECTED_MARKER,
    LAMP_PACKAGES: LAMP_PACKAGES.join(' '),
    TLS_PACKAGES: TLS_PACKAGES.join(' '),
    INSTALL_TIMEOUT_SECONDS: WEB_SERVER_TIMEOUTS.installSeconds,
    ANSWER_WAIT_SECONDS: WEB_SERVER_TIMEOUTS.answerWaitSeconds,
    POLL_SECONDS: WEB_SERVER_TIMEOUTS.pollSeconds,
    ...values,
  });
}

/** What `serverGeneration` hashes. */
export interface ServerGenerationInputs {
  readonly setup: WebServerSetup;
  readonly https: boolean;
  readonly instanceType: string;
  readonly siteHash: string;
  readonly appHash: string;
  /**
   * The bootstrap script's text.
   * @default - the text of scripts/web-server.sh
   */
  readonly script?: string;
}

/**
 * A short hash of what makes a new server: whatever changes its user data (the setup, HTTPS, the script,
 * the lab files' assets) or its image (the architecture of the instance type) replaces the instance, which
 * then bootstraps again, so the wait condition must be a new one too (see `BootstrapReadiness`; its
 * handle's URL is in the user data, so a new generation also means a new instance). Another instance type
 * of the same architecture is not in it: CloudFormation changes the type in place (a stop and start; the
 * services start at boot), which keeps the server and what the student did on it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-instance.html#cfn-ec2-instance-instancetype
 */
export function serverGeneration(inputs: ServerGenerationInputs): string {
  const architecture = instanceTypeSpec(inputs.instanceType)?.architecture;
  if (!architecture) throw new Error(`unknown instance type ${inputs.instanceType}`);
  // What user data keeps of the script (no comment-only lines): a comment edited in the repository does not
  // replace the server.
  const script = stripCommentLines(inputs.script ?? fs.readFileSync(BOOTSTRAP_SCRIPT, 'utf8'));
  const { setup, https, siteHash, appHash } = inputs;
  return createHash('sha256')
    .update(JSON.stringify({ setup, https, architecture, siteHash, appHash, script, WEB_SERVER_TIMEOUTS }))
    .digest('hex')
    .slice(0, 8);
}
