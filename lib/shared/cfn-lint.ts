import { CfnResource, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { declaresDependencyOn, executionRoleOf } from './removal';

/**
 * cfn-lint runs over every synthesized template in CI. A warning is fixed where the code is ours; where
 * it comes from aws-cdk-lib's own constructs it is ignored on that one resource, with the reason recorded
 * in the template next to the ignore, where a reviewer reads it.
 */

/** Template metadata key holding the reason for each cfn-lint rule ignored on a resource. */
export const CFN_LINT_REASONS_METADATA = 'course-labs:cfn-lint-ignored';

/** Ignores one cfn-lint rule on one resource, with a reason. */
export function ignoreCfnLint(resource: CfnResource, rule: string, reason: string): void {
  const config = (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)?.config;
  const checks = config?.ignore_checks ?? [];
  if (!checks.includes(rule)) resource.addMetadata('cfn-lint', { config: { ignore_checks: [...checks, rule] } });
  const reasons = (resource.getMetadata(CFN_LINT_REASONS_METADATA) as Record<string, string> | undefined) ?? {};
  resource.addMetadata(CFN_LINT_REASONS_METADATA, { ...reasons, [rule]: reason });
}

/**
 * W3005 ("dependency already enforced by a GetAtt") on Lambda functions: aws-cdk-lib's `lambda.Function`
 * and its helper providers (bucket auto-delete, bucket deployment) declare `DependsOn` on the execution
 * role that they also reference with `Fn::GetAtt`. The order CloudFormation uses is the same either way,
 * and the code that adds it is aws-cdk-lib's.
 */
export class IgnoreRedundantRoleDependsOn implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    const role = executionRoleOf(node);
    if (role && declaresDependencyOn(node, role)) {
      ignoreCfnLint(
        node,
        'W3005',
        "aws-cdk-lib declares DependsOn on the execution role it already references with GetAtt; the deploy order is the same.",
      );
    }
  }
}

/**
 * E3002 ("'Tags' was unexpected") on Application Load Balancer listeners and listener rules. CloudFormation's
 * resource schema for both has a `Tags` property (aws-cdk-lib's L1s, which are generated from it, render
 * the lab tags there), but the schema bundled with cfn-lint 1.51 predates it. Ignored only on those two
 * types and only when the resource has tags; remove this once CI's cfn-lint knows the property.
 */
export class IgnoreListenerTagsUnknownToCfnLint implements IAspect {
  private static readonly TYPES = ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule'];

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || !IgnoreListenerTagsUnknownToCfnLint.TYPES.includes(node.cfnResourceType)) return;
    const tags = (node as unknown as { cdkTagManager?: { hasTags(): boolean } }).cdkTagManager;
    if (tags?.hasTags()) {
      ignoreCfnLint(
        node,
        'E3002',
        "cfn-lint 1.51's bundled schema has no Tags on this type; CloudFormation's schema, from which aws-cdk-lib generates it, does.",
      );
    }
  }
}
