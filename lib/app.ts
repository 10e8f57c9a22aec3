import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LabStack, LabStackProps } from './shared/lab-stack';
import {
  LAB_STACK_SETTINGS,
  loadSettings,
  SettingDoc,
  settingDocs,
  SettingsDefinition,
  SettingsGroup,
  SettingValues,
} from './shared/settings';
import { ContainerClusterLabStack } from './container-cluster/container-cluster-lab-stack';
import { CONTAINER_CLUSTER_SETTINGS } from './container-cluster/settings';
import { MicroservicesLabStack } from './microservices/microservices-lab-stack';
import { MICROSERVICES_SETTINGS } from './microservices/settings';
import { MythicalMysfitsLabStack } from './mythical-mysfits/mythical-mysfits-lab-stack';
import { MYTHICAL_MYSFITS_SETTINGS } from './mythical-mysfits/settings';
import { HadoopLabStack } from './hadoop/hadoop-lab-stack';
import { HADOOP_SETTINGS } from './hadoop/settings';
import { S3TriggerLabStack } from './s3-trigger/s3-trigger-lab-stack';
import { S3_TRIGGER_SETTINGS } from './s3-trigger/settings';
import { ServerlessLabStack } from './serverless/serverless-lab-stack';
import { SERVERLESS_SETTINGS } from './serverless/settings';
import { STATIC_SITE_SETTINGS } from './static-site/settings';
import { StaticSiteLabStack } from './static-site/static-site-lab-stack';
import { BeanstalkLabStack } from './beanstalk/beanstalk-lab-stack';
import { BEANSTALK_SETTINGS } from './beanstalk/settings';
import { templateValidationRequested } from './template-validation';
import { WEB_SERVER_SETTINGS } from './web-server/settings';
import { WebServerLabStack } from './web-server/web-server-lab-stack';

/** What every lab's `create` receives besides its own settings: the props every `LabStack` takes. */
export type CommonLabProps = Omit<LabStackProps, 'lab'>;

/** One lab of the app: its stack, the settings it reads and how to build it. */
export interface LabDefinition<D extends SettingsDefinition = SettingsDefinition> {
  /** The stack's base name (without `stackSuffix`), which is also its construct id. */
  readonly stackName: string;
  /** The settings only this lab reads, declared beside its stack (`lib/<lab>/settings.ts`). */
  readonly settings: D;
  /** Builds the lab's stack. Pass `common` on to the stack's props unchanged. */
  create(app: App, common: CommonLabProps, settings: SettingValues<D>): LabStack;
}

/** Declares a lab; checks at compile time that `create` reads only the lab's own settings. */
function lab<D extends SettingsDefinition>(definition: LabDefinition<D>): LabDefinition {
  return definition as unknown as LabDefinition;
}

/**
 * Every lab the app deploys. Adding a lab means adding one entry here (and its folder under `lib/`).
 */
export const LABS: readonly LabDefinition[] = [
  lab({
    stackName: 'StaticSiteLabStack',
    settings: STATIC_SITE_SETTINGS,
    create: (app, common, settings) =>
      new StaticSiteLabStack(app, 'StaticSiteLabStack', { ...common, hosting: settings.staticSiteHosting }),
  }),
  lab({
    stackName: 'ContainerClusterLabStack',
    settings: CONTAINER_CLUSTER_SETTINGS,
    create: (app, common, settings) => new ContainerClusterLabStack(app, 'ContainerClusterLabStack', { ...common, ...settings }),
  }),
  lab({
    stackName: 'MicroservicesLabStack',
    settings: MICROSERVICES_SETTINGS,
    create: (app, common, settings) =>
      new MicroservicesLabStack(app, 'MicroservicesLabStack', {
        ...common,
        phase: settings.phase,
        taskCounts: {
          monolith: settings.monolithTaskCount,
          users: settings.usersTaskCount,
          threads: settings.threadsTaskCount,
          posts: settings.postsTaskCount,
        },
      }),
  }),
  lab({
    stackName: 'HadoopLabStack',
    settings: HADOOP_SETTINGS,
    create: (app, common, settings) =>
      new HadoopLabStack(app, 'HadoopLabStack', {
        ...common,
        mode: settings.hadoopMode,
        coreNodes: settings.hadoopCoreNodes,
        coreSpot: settings.hadoopCoreSpot,
        instanceType: settings.hadoopInstanceType,
        idleTimeoutSeconds: settings.hadoopIdleTimeoutSeconds,
        applications: settings.hadoopApplications,
        input: settings.hadoopInput,
      }),
  }),
  lab({
    stackName: 'ServerlessLabStack',
    settings: SERVERLESS_SETTINGS,
    create: (app, common, settings) =>
      new ServerlessLabStack(app, 'ServerlessLabStack', {
        ...common,
        requestsPerSecond: settings.serverlessRequestsPerSecond,
        accessLogs: settings.serverlessAccessLogs,
      }),
  }),
  lab({
    stackName: 'S3TriggerLabStack',
    settings: S3_TRIGGER_SETTINGS,
    create: (app, common, settings) =>
      new S3TriggerLabStack(app, 'S3TriggerLabStack', { ...common, thumbnailWidth: settings.thumbnailWidth }),
  }),
  lab({
    stackName: 'WebServerLabStack',
    settings: WEB_SERVER_SETTINGS,
    create: (app, common, settings) =>
      new WebServerLabStack(app, 'WebServerLabStack', {
        ...common,
        setup: settings.webServerSetup,
        https: settings.webServerHttps,
        sshCidr: settings.webServerSshCidr,
        instanceType: settings.webServerInstanceType,
      }),
  }),
  lab({
    stackName: 'BeanstalkLabStack',
    settings: BEANSTALK_SETTINGS,
    create: (app, common, settings) =>
      new BeanstalkLabStack(app, 'BeanstalkLabStack', {
        ...common,
        environmentKind: settings.beanstalkEnvironment,
        notificationEmail: settings.notificationEmail,
      }),
  }),
  lab({
    stackName: 'MythicalMysfitsLabStack',
    settings: MYTHICAL_MYSFITS_SETTINGS,
    create: (app, common, settings) =>
      new MythicalMysfitsLabStack(app, 'MythicalMysfitsLabStack', { ...common, requestsPerSecond: settings.mysfitsRequestsPerSecond }),
  }),
];

/** Every group of settings the app reads: the shared ones first, then each lab's, in `LABS` order. */
export const SETTINGS_GROUPS: readonly SettingsGroup[] = [
  { usedBy: 'every lab', settings: LAB_STACK_SETTINGS },
  ...LABS.map((l) => ({ usedBy: l.stackName, settings: l.settings })),
];

/** The documentation of every setting, for the README and its test. */
export const SETTING_DOCS: readonly SettingDoc[] = settingDocs(SETTINGS_GROUPS);

/**
 * Stacks are environment-agnostic (one template for any account and region) unless the user pins them
 * with CDK_DEPLOY_ACCOUNT and/or CDK_DEPLOY_REGION. The CLI's own CDK_DEFAULT_* variables are not used:
 * the CLI always sets a region, which would make every template region-specific.
 */
function deployEnvironment() {
  const account = process.env.CDK_DEPLOY_ACCOUNT || undefined;
  const region = process.env.CDK_DEPLOY_REGION || undefined;
  return account || region ? { account, region } : undefined;
}

/** What to build, besides the `App`'s own props. */
export interface LabsAppOptions {
  /**
   * Build only these labs, by base stack name (`StaticSiteLabStack`). Tests that check one lab use it so
   * that they synthesize that lab alone, through the same code as the app; every setting is still
   * validated, whichever labs are built.
   * @default - every lab in `LABS`
   */
  readonly labs?: readonly string[];
}

/**
 * Builds the app: validates every setting (throwing `ConfigError` before any stack exists), creates every
 * lab stack (or those `options.labs` names), and registers cdk-nag's AwsSolutions checks, which run on
 * every stack at synth time.
 *
 * aws-cdk-lib's built-in template validation is off unless `CDK_VALIDATION=true` (see
 * `lib/template-validation.ts`) or `props.builtinCloudFormationValidation` says otherwise.
 */
export function createLabsApp(props: AppProps = {}, options: LabsAppOptions = {}): { app: App; stacks: LabStack[] } {
  const labs = selectLabs(options.labs);
  // Synthesis is explicit (lib/main.ts): no automatic synth at process exit, which would write an
  // assembly even after a settings error.
  const app = new App({
    autoSynth: false,
    ...props,
    builtinCloudFormationValidation: props.builtinCloudFormationValidation ?? templateValidationRequested(),
  });
  const [shared, ...perLab] = loadSettings(app.node.getAllContext(), SETTINGS_GROUPS);
  const sharedValues = shared.values as SettingValues<typeof LAB_STACK_SETTINGS>;
  const stacks = labs.map((definition) => {
    const own = perLab[LABS.indexOf(definition)];
    return definition.create(
      app,
      {
        ttlHours: sharedValues.ttlHours,
        stackSuffix: sharedValues.stackSuffix,
        env: deployEnvironment(),
        labSettings: own.given,
      },
      own.values as SettingValues<SettingsDefinition>,
    );
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}

/** The labs named (every lab when none are), in `LABS` order; an unknown name is a programming error. */
function selectLabs(names: readonly string[] | undefined): readonly LabDefinition[] {
  if (names === undefined) return LABS;
  const unknown = names.filter((name) => !LABS.some((l) => l.stackName === name));
  if (unknown.length > 0) {
    throw new Error(`createLabsApp: no lab ${unknown.join(', ')}; the labs are ${LABS.map((l) => l.stackName).join(', ')}`);
  }
  return LABS.filter((l) => names.includes(l.stackName));
}
