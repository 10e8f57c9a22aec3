import { CfnResource, Stack } from 'aws-cdk-lib';

/**
 * Resources as CloudFormation will see them, for the synth-time checks (teardown rules, the expiry's
 * dependencies) that must read the final template rather than construct props: an L2 default, an L1
 * property and a raw override all end up here the same way.
 */

/**
 * The resource as CloudFormation will see it, overrides included, with every token resolved. Only call it
 * once synthesis has prepared the app (from a validation): resolving earlier would freeze IAM policy
 * documents and cached lazy values that later aspects still change.
 *
 * It goes through `CfnResource._toCloudFormation()`, aws-cdk-lib's own rendering (used by its reference
 * resolution in the same phase), because no public API renders a resource with its overrides.
 */
export function renderedResource(resource: CfnResource): RenderedResource {
  const rendered = Stack.of(resource).resolve((resource as unknown as { _toCloudFormation(): object })._toCloudFormation()) as {
    Resources: Record<string, RenderedResource>;
  };
  return Object.values(rendered.Resources)[0];
}

/** A resource of a synthesized template. */
export interface RenderedResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

/** Every logical id a rendered resource refers to: `Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`, and `DependsOn`. */
export function referencedLogicalIds(resource: RenderedResource): Set<string> {
  const ids = new Set<string>([resource.DependsOn ?? []].flat());
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) ids.add(v);
      else if (key === 'Fn::GetAtt') ids.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const [template, variables = {}] = Array.isArray(v) ? v : [v];
        for (const [, name] of String(template).matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) {
          if (!name.startsWith('AWS::') && !(name in variables)) ids.add(name);
        }
        walk(variables);
      } else walk(v);
    }
  };
  walk(resource.Properties);
  return ids;
}
