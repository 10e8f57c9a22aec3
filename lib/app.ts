import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LabsConfig, loadConfig } from './config';
import { LabStack } from './shared/lab-stack';
import { StaticSiteLabStack } from './static-site/static-site-lab-stack';

/**
 * Every lab the app deploys: its base stack name and how to build it from the validated settings.
 * Adding a lab means adding one line here (and its folder under `lib/`).
 */
export const LABS: ReadonlyArray<{ stackName: string; create: (app: App, config: LabsConfig) => LabStack }> = [
  {
    stackName: 'StaticSiteLabStack',
    create: (app, config) =>
      new StaticSiteLabStack(app, 'StaticSiteLabStack', {
        ...sharedProps(config),
        hosting: config.staticSiteHosting,
      }),
  },
];

function sharedProps(config: LabsConfig) {
  return {
    ttlHours: config.ttlHours,
    stackSuffix: config.stackSuffix,
    env: deployEnvironment(),
  };
}

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

/**
 * Builds the app: validates the settings (throwing `ConfigError` before any stack exists), creates every
 * lab stack, and registers cdk-nag's AwsSolutions checks, which run on every stack at synth time.
 */
export function createLabsApp(props: AppProps = {}): { app: App; config: LabsConfig; stacks: LabStack[] } {
  // Synthesis is explicit (lib/main.ts): no automatic synth at process exit, which would write an
  // assembly even after a settings error.
  const app = new App({ autoSynth: false, ...props });
  const config = loadConfig(app.node.getAllContext());
  const stacks = LABS.map((lab) => lab.create(app, config));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stacks };
}
