import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Template metadata that marks a resource as the project's plumbing rather than part of the exercise (a
 * teardown helper, say). `labs diagram` folds such resources away, as it does log groups, IAM and the
 * expiry machinery; `--plumbing` shows them.
 */
export const PLUMBING_METADATA = 'course-labs:plumbing';

/** Marks a resource (or an L2 construct's default resource) as plumbing, saying what it does for the lab. */
export function markAsPlumbing(scope: IConstruct, purpose: string): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) throw new Error(`${scope.node.path} has no CloudFormation resource to mark`);
  resource.addMetadata(PLUMBING_METADATA, purpose);
}
