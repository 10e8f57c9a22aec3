import { CfnDeletionPolicy, CfnResource, IAspect, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * Teardown rules shared by every lab: nothing is retained on delete, and every Lambda function, CDK's
 * own helper functions included, writes to a log group the stack owns.
 */

/** Template metadata key that records why a resource is allowed to outlive its stack. */
export const RETAIN_REASON_METADATA = 'course-labs:retain-reason';

const RETAINING: ReadonlySet<string> = new Set([
  CfnDeletionPolicy.RETAIN,
  CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE,
  CfnDeletionPolicy.SNAPSHOT, // a snapshot outlives the stack and bills like any other
]);

/**
 * Lets one resource outlive its stack. Only for a lab whose issue asks for it; the reason is written into
 * the template's metadata, where a reviewer sees it next to the resource.
 *
 * @param scope the resource, or an L2 construct whose default child is the resource
 */
export function allowRetain(scope: IConstruct, reason: string): void {
  if (!reason.trim()) throw new Error(`allowRetain(${scope.node.path}) needs a reason a reviewer would accept`);
  cfnResourceOf(scope).addMetadata(RETAIN_REASON_METADATA, reason);
}

/**
 * The resources under `scope` that CloudFormation would keep when the stack is deleted or the resource
 * replaced, each as one readable line; empty when there are none.
 */
export function findRetainedResources(scope: IConstruct): string[] {
  const problems: string[] = [];
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node) || node.getMetadata(RETAIN_REASON_METADATA)) continue;
    const { deletionPolicy, updateReplacePolicy } = node.cfnOptions;
    const policies = [
      deletionPolicy && RETAINING.has(deletionPolicy) ? `DeletionPolicy ${deletionPolicy}` : undefined,
      updateReplacePolicy && RETAINING.has(updateReplacePolicy) ? `UpdateReplacePolicy ${updateReplacePolicy}` : undefined,
    ].filter(Boolean);
    if (policies.length > 0) {
      problems.push(
        `${node.node.path} (${node.cfnResourceType}) would outlive its stack (${policies.join(', ')}). ` +
          'Give it removalPolicy: RemovalPolicy.DESTROY, or, only if the lab requires keeping it, ' +
          'call allowRetain(resource, reason).',
      );
    }
  }
  return problems;
}

/**
 * Gives every Lambda function in the scope that has no log group of its own a log group owned by the
 * stack (with a retention, deleted with the stack), by pointing the function's `LoggingConfig.LogGroup`
 * at it.
 *
 * It exists for functions a lab does not create itself: CDK's helpers such as the bucket auto-delete
 * provider and the bucket deployment function. Without it, Lambda creates `/aws/lambda/<name>` on first
 * use and the group outlives the stack. CDK's own answer, the `@aws-cdk/aws-lambda:useCdkManagedLogGroup`
 * flag, is turned off in `cdk.json` because its group is named after the function and so depends on it:
 * CloudFormation deletes the group first, and a helper that still logs during stack deletion (the
 * auto-delete provider does) recreates it. Here the function depends on the group, so the group goes last.
 */
export class OwnedLogGroups implements IAspect {
  private readonly done = new WeakSet<CfnResource>();

  constructor(private readonly retention: logs.RetentionDays = logs.RetentionDays.ONE_WEEK) {}

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (this.hasOwnLogGroup(node)) return;
    const scope = node.node.scope!;
    const logGroup = new logs.LogGroup(scope, `${node.node.id}LogGroup`, {
      retention: this.retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    this.done.add(node);
  }

  private hasOwnLogGroup(fn: CfnResource): boolean {
    if (this.done.has(fn)) return true;
    // An L1 CfnFunction exposes its logging config; a raw CfnResource (CDK's providers) never sets one.
    const loggingConfig = (fn as { loggingConfig?: { logGroup?: string } }).loggingConfig;
    return Boolean(loggingConfig?.logGroup);
  }
}

function cfnResourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(`${scope.node.path} is not a CloudFormation resource and has no default child resource`);
}
