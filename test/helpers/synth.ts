import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createLabsApp } from '../../lib/app';
import { LabStack } from '../../lib/shared/lab-stack';

/** The `context` block of cdk.json: feature flags and settings exactly as `cdk synth` sees them. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
).context;

export interface SynthesizedLab {
  readonly stack: LabStack;
  readonly template: Template;
  /** The raw template, for checks that walk every resource. */
  readonly json: { Resources: Record<string, CfnResourceJson>; Outputs?: Record<string, { Value: unknown }> };
}

export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
  DependsOn?: string[];
}

/**
 * Builds the app as `bin/course-labs.ts` does (`createLabsApp`), with cdk.json's context plus `context`, and
 * synthesizes it: every lab, or only those `labs` names. Synthesis runs every check the app has: cdk-nag's
 * AwsSolutions checks and the teardown rules, so any test that synthesizes also fails on a new finding.
 * aws-cdk-lib's template validation is the exception: it is off in tests (`test/helpers/jest-setup.ts`),
 * and `test/template-validation.test.ts` runs it once over every lab in every configuration.
 */
export function synthLabs(
  context: Record<string, unknown> = {},
  labs?: readonly string[],
): { app: App; labs: SynthesizedLab[] } {
  const { app, stacks } = createLabsApp({ context: { ...CDK_JSON_CONTEXT, ...context } }, { labs });
  const assembly = app.synth();
  return {
    app,
    labs: stacks.map((stack) => {
      const json = assembly.getStackByName(stack.stackName).template;
      return { stack, json, template: Template.fromJSON(json) };
    }),
  };
}

/** Synthesizes one lab, by its base stack name, and no other: a lab's own tests pay only for that lab. */
export function synthLab(stackName: string, context: Record<string, unknown> = {}): SynthesizedLab {
  const [lab] = synthLabs(context, [stackName]).labs;
  return lab;
}

const ASSET_HASH = /[0-9a-f]{64}/g;

/**
 * The template with every 64-hex asset hash replaced by a placeholder, so snapshots change when the
 * infrastructure changes, not when Lambda code, site content or aws-cdk-lib's bundled helpers do.
 */
export function normalizedTemplate(json: object): unknown {
  return JSON.parse(JSON.stringify(json).replace(ASSET_HASH, '[ASSET HASH]'));
}
