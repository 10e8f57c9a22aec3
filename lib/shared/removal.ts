import { CfnDeletionPolicy, CfnResource, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
 * use and the group outlives the stack.
 *
 * Deletion order is the point. The helpers run during stack deletion (their Delete events), Lambda ships
 * logs asynchronously, and their roles carry AWSLambdaBasicExecutionRole, which allows
 * `logs:CreateLogGroup`: a log batch that arrives after the group is gone would create it again, with no
 * retention and no stack (aws/aws-cdk#31487). So the function and its execution role both depend on the
 * group, and CloudFormation deletes function, then role, then group: while the group exists logs land in
 * it, and once it is gone no role is left to re-create it.
 *
 * CDK's own answer, the `@aws-cdk/aws-lambda:useCdkManagedLogGroup` flag, is off in `cdk.json`: its group
 * is retained, and named after the function so it depends on it, which is the reverse of this order.
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
    for (const role of executionRolesOf(node)) role.addResourceDependency(logGroup.node.defaultChild as CfnResource);
    this.done.add(node);
  }

  private hasOwnLogGroup(fn: CfnResource): boolean {
    if (this.done.has(fn)) return true;
    // An L1 CfnFunction exposes its logging config; a raw CfnResource (CDK's providers) never sets one.
    const loggingConfig = (fn as { loggingConfig?: { logGroup?: string } }).loggingConfig;
    return Boolean(loggingConfig?.logGroup);
  }
}

/**
 * The IAM roles a function resource depends on: its execution role. aws-cdk-lib always declares that
 * dependency, at resource level (raw providers) or on the L2 function that owns the resource, where it
 * becomes `DependsOn` only after aspects have run.
 */
export function executionRolesOf(fn: CfnResource): CfnResource[] {
  const dependencies: IConstruct[] = [
    ...fn.obtainDependencies().filter((d) => !Stack.isStack(d)),
    ...fn.node.dependencies,
    ...(fn.node.scope?.node.dependencies ?? []),
  ];
  const roles = dependencies
    .flatMap((d) => d.node.findAll())
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::IAM::Role');
  return [...new Set(roles)];
}

function cfnResourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(`${scope.node.path} is not a CloudFormation resource and has no default child resource`);
}
