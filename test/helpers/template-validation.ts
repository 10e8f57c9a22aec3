import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { createLabsApp, LABS } from '../../lib/app';
import { LabStack } from '../../lib/shared/lab-stack';
import { TEMPLATE_VALIDATION_ENV } from '../../lib/template-validation';
import { CDK_JSON_CONTEXT } from './synth';

/**
 * The configurations CI synthesizes and lints with cfn-lint (the `configurations` list in `.ci/run`, each
 * `name:-c key=value ...`), as CDK context: every configuration that changes what a lab template contains.
 */
export function ciConfigurations(ciScript = fs.readFileSync(path.join(__dirname, '..', '..', '.ci', 'run'), 'utf8')) {
  const list = /^configurations=\(\n([\s\S]*?)^\)/m.exec(ciScript);
  if (!list) throw new Error('.ci/run has no configurations=( ... ) list');
  return list[1]
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line): [string, Record<string, string>] => {
      const [, name, args] = /^"([^:"]+):([^"]*)"$/.exec(line) ?? fail(`cannot read the .ci/run configuration ${line}`);
      const words = args.split(/\s+/).filter(Boolean);
      const context: Record<string, string> = {};
      for (let i = 0; i < words.length; i += 2) {
        const [flag, setting] = [words[i], words[i + 1] ?? ''];
        const [key, value] = [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)];
        if (flag !== '-c' || !key) fail(`cannot read the .ci/run configuration ${line}: expected -c key=value`);
        context[key] = value;
      }
      return [name, context];
    });
}

/**
 * Every configuration whose templates the template-validation test checks: CI's (above), and the longest
 * stack suffix, since names CDK derives from the stack name (origin access control, roles) must still fit
 * their limits. Each is checked on the labs it can change (`labsChangedBy`).
 */
export const TEMPLATE_CONFIGURATIONS: ReadonlyArray<readonly [name: string, context: Record<string, string>]> = [
  ...ciConfigurations(),
  ['longest-suffix', { stackSuffix: 'suffix-20-characters' }],
];

/**
 * The labs whose templates a configuration can change, by base stack name: the labs whose own settings it
 * sets, or every lab when it sets anything else (a setting every lab reads, or none: the defaults). Each
 * lab builds its stack from the shared settings and its own alone (`lib/app.ts` checks that at compile
 * time), so another lab's template is the same as in the defaults, which are checked already.
 */
export function labsChangedBy(context: Record<string, unknown>): string[] {
  const keys = Object.keys(context);
  const ownsAll = (lab: (typeof LABS)[number]) => keys.some((key) => key in lab.settings);
  const labSpecific = keys.length > 0 && keys.every((key) => LABS.some((lab) => key in lab.settings));
  return LABS.filter((lab) => !labSpecific || ownsAll(lab)).map((lab) => lab.stackName);
}

function fail(message: string): never {
  throw new Error(message);
}

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
    return findingsInAssembly(app.synth().directory);
  });
}

/**
 * The template-validation findings in the report of a synthesized cloud assembly. aws-cdk-lib writes no
 * report when no validation ran at all (no cdk-nag, no template validation): no findings either.
 */
export function findingsInAssembly(assemblyDirectory: string): Finding[] {
  const reportFile = path.join(assemblyDirectory, cxapi.VALIDATION_REPORT_FILE);
  if (!fs.existsSync(reportFile)) return [];
  const report: ValidationReport = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  return report.pluginReports
    .filter((r) => r.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME)
    .flatMap((r) => r.violations)
    .flatMap((v) =>
      v.violatingConstructs.map((c) => `${v.ruleName} (${v.severity}) at ${c.constructPath ?? c.cloudFormationResource?.logicalId}: ${v.description}`),
    );
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
