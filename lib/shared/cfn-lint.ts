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
