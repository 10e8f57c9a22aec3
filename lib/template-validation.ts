import { ConfigError } from './shared/settings';

/**
 * The environment variable that turns on aws-cdk-lib's built-in template validation for one synth.
 *
 * aws-cdk-lib (since 2.262) checks every synthesized template with a bundled WebAssembly engine
 * (`@aws/cloudformation-validate`): each resource's properties against its CloudFormation schema, plus
 * its default rules (cfn-lint's checks and common misconfigurations). With cdk.json's
 * `@aws-cdk/core:validateAgainstDefaultRules: true` its errors fail synthesis. Starting the engine costs
 * seconds on every process that synthesizes, for templates that have not changed since `npm test`
 * checked them (`test/template-validation.test.ts` runs it over every lab in every configuration, and
 * CI runs cfn-lint too). So this app turns it off unless asked.
 *
 * The switch is CDK's own variable with this project's default flipped: aws-cdk-lib validates unless
 * `CDK_VALIDATION=false` (which `cdk synth --no-validation` sets); this app validates only with
 * `CDK_VALIDATION=true`. It is an environment variable, not a `-c` setting, because it changes how the
 * app checks its templates, not what they contain.
 */
export const TEMPLATE_VALIDATION_ENV = 'CDK_VALIDATION';

/**
 * Whether the user asked for template validation (`CDK_VALIDATION=true`).
 *
 * @returns `true` for `true`; `false` when unset, empty or `false`
 * @throws ConfigError for any other value, naming the variable, the value and what is allowed
 */
export function templateValidationRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[TEMPLATE_VALIDATION_ENV];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(
    `Invalid value ${JSON.stringify(raw)} for environment variable ${TEMPLATE_VALIDATION_ENV}. ` +
      'Allowed: true (check every template against CloudFormation schemas and rules at synth) or false (the default).',
  );
}
