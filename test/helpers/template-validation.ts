import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { createLabsApp } from '../../lib/app';
import { LabStack } from '../../lib/shared/lab-stack';
import { TEMPLATE_VALIDATION_ENV } from '../../lib/template-validation';
import { CDK_JSON_CONTEXT } from './synth';

/**
 * Every configuration that changes what a lab template contains, as the CDK context a student would give
 * with `-c`. The template-validation test checks every lab in each; a lab whose setting changes its
 * template adds that setting's values here.
 */
export const TEMPLATE_CONFIGURATIONS: ReadonlyArray<readonly [name: string, context: Record<string, string>]> = [
  ['defaults', {}],
  // Names that CDK derives from the stack name (origin access control, roles) must still fit their limits.
  ['the longest stack suffix', { stackSuffix: 'suffix-20-characters' }],
  ['S3 website hosting', { staticSiteHosting: 'website' }],
  ['no expiry', { ttlHours: '0' }],
];

/** One finding of aws-cdk-lib's template validation, as a line a reader can act on. */
export type Finding = string;

/**
 * Synthesizes the app as a student's `CDK_VALIDATION=true npx cdk synth` does, and returns every finding
 * of aws-cdk-lib's template validation, whatever its severity (the engine reports an unknown property as
 * an error but a value outside a property's allowed list only as a warning: both are defects here).
 *
 * Like the CDK CLI, it sets `@aws-cdk/core:failSynthOnValidationErrors` to false, so that synthesis
 * writes the whole report (`validation-report.json`) instead of throwing on the first error, and reads
 * the report. `tamper` may change the stacks before synthesis (tests prove the check with it).
 *
 * @param options.env the value of `CDK_VALIDATION` during this synth, `null` for unset (default `true`,
 *   a student's opt-in)
 * @param options.labs only these labs (default: every lab)
 */
export function templateValidationFindings(
  context: Record<string, unknown>,
  options: { env?: string | null; labs?: readonly string[]; tamper?: (stacks: LabStack[]) => void } = {},
): Finding[] {
  return withTemplateValidationEnv(options.env === undefined ? 'true' : options.env, () => {
    const { app, stacks } = createLabsApp(
      { context: { ...CDK_JSON_CONTEXT, ...context, [cxapi.FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false } },
      { labs: options.labs },
    );
    options.tamper?.(stacks);
    const assembly = app.synth();
    const report: ValidationReport = JSON.parse(fs.readFileSync(path.join(assembly.directory, cxapi.VALIDATION_REPORT_FILE), 'utf8'));
    return report.pluginReports
      .filter((r) => r.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME)
      .flatMap((r) => r.violations)
      .flatMap((v) =>
        v.violatingConstructs.map((c) => `${v.ruleName} (${v.severity}) at ${c.constructPath ?? c.cloudFormationResource?.logicalId}: ${v.description}`),
      );
  });
}

/** Runs `fn` with `CDK_VALIDATION` set to `value` (`null`: unset), then puts the variable back. */
export function withTemplateValidationEnv<T>(value: string | null, fn: () => T): T {
  const before = process.env[TEMPLATE_VALIDATION_ENV];
  setEnv(value ?? undefined);
  try {
    return fn();
  } finally {
    setEnv(before);
  }
}

function setEnv(value: string | undefined) {
  if (value === undefined) delete process.env[TEMPLATE_VALIDATION_ENV];
  else process.env[TEMPLATE_VALIDATION_ENV] = value;
}

/** The parts of `validation-report.json` (aws-cdk-lib's cloud-assembly schema) read here. */
interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{
      ruleName: string;
      severity: string;
      description: string;
      violatingConstructs: Array<{ constructPath?: string; cloudFormationResource?: { logicalId: string } }>;
    }>;
  }>;
}
