import { CfnDeletionPolicy, CfnResource, IAspect, Lazy, Reference, RemovalPolicy, Stack, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { RenderedResource, renderedResource } from './rendered';

/**
 * Teardown rules shared by every lab: nothing is retained on delete, nothing blocks the deletion or
 * creates something outside the stack that outlives it, and every Lambda function, CDK's own helper
 * functions included, writes to a log group the stack owns.
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
 * replaced, each as one readable line; empty when there are none. Call it from a validation (it reads
 * rendered properties, see `renderedResource`).
 */
export function findRetainedResources(scope: IConstruct): string[] {
  const problems: string[] = [];
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node) || node.getMetadata(RETAIN_REASON_METADATA)) continue;
    const { deletionPolicy, updateReplacePolicy } = node.cfnOptions;
    const policies = [
      deletionPolicy && RETAINING.has(deletionPolicy) ? `DeletionPolicy ${deletionPolicy}` : undefined,
      !deletionPolicy && snapshotsByDefault(node) ? 'no DeletionPolicy, and CloudFormation snapshots this type by default' : undefined,
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
 * CloudFormation's one exception to "no DeletionPolicy means Delete": "The default policy is Snapshot for
 * AWS::RDS::DBCluster resources and for AWS::RDS::DBInstance resources that don't specify the
 * DBClusterIdentifier property" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
 */
function snapshotsByDefault(resource: CfnResource): boolean {
  if (resource.cfnResourceType === 'AWS::RDS::DBCluster') return true;
  return resource.cfnResourceType === 'AWS::RDS::DBInstance' && renderedResource(resource).Properties?.DBClusterIdentifier === undefined;
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
 * it, and once it is gone no role is left to re-create it. Only the function's own execution role is made
 * to wait (`executionRoleOf`): other roles the function happens to depend on keep their own order.
 *
 * CDK's own answer, the `@aws-cdk/aws-lambda:useCdkManagedLogGroup` flag, is off in `cdk.json`: its group
 * is retained, and named after the function so it depends on it, which is the reverse of this order.
 *
 * It also narrows what the helper's role may log to. CDK gives these roles AWS's
 * `AWSLambdaBasicExecutionRole`, which allows `logs:CreateLogGroup`, `logs:CreateLogStream` and
 * `logs:PutLogEvents` on every resource ("Resource": "*",
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html): any log
 * group of the account. The aspect takes that policy off the role (an override of `ManagedPolicyArns`, so
 * the construct keeps its own list) and attaches a policy of the stack that allows `logs:CreateLogStream`
 * and `logs:PutLogEvents` on the function's own group only, as `LabFunction` does for the labs' functions.
 * The function depends on that policy, so it is deleted after the function's last Delete event has run.
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
    const role = executionRoleOf(node);
    if (role) {
      role.addResourceDependency(logGroup.node.defaultChild as CfnResource);
      writeOnlyOwnLogGroup(node, role, logGroup);
    }
    this.done.add(node);
  }

  private hasOwnLogGroup(fn: CfnResource): boolean {
    if (this.done.has(fn)) return true;
    // An L1 CfnFunction exposes its logging config; a raw CfnResource (CDK's providers) never sets one.
    const loggingConfig = (fn as { loggingConfig?: { logGroup?: string } }).loggingConfig;
    return Boolean(loggingConfig?.logGroup);
  }
}

/** The AWS managed policy that lets a function write to any log group; see `OwnedLogGroups`. */
export const BASIC_EXECUTION_POLICY = 'AWSLambdaBasicExecutionRole';

/**
 * Replaces `role`'s `AWSLambdaBasicExecutionRole` by a policy that may only write `logGroup` (see
 * `OwnedLogGroups`). The managed policy is filtered out when the template is rendered, after every aspect:
 * the role's list may hold lazy values until then.
 */
function writeOnlyOwnLogGroup(fn: CfnResource, role: CfnResource, logGroup: logs.LogGroup): void {
  const policy = new iam.CfnPolicy(fn.node.scope!, `${fn.node.id}LogWrites`, {
    policyName: 'WriteOwnLogGroupOnly',
    roles: [role.ref],
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.logGroupArn }],
    },
  });
  fn.addResourceDependency(policy);
  const managed: unknown =
    role instanceof iam.CfnRole ? role.managedPolicyArns : (role as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties?.ManagedPolicyArns;
  role.addPropertyOverride(
    'ManagedPolicyArns',
    Lazy.any({
      produce: () => {
        const arns = (Stack.of(role).resolve(managed) ?? []) as unknown[];
        const kept = arns.filter((arn) => !JSON.stringify(arn).includes(`/${BASIC_EXECUTION_POLICY}`));
        return kept.length ? kept : undefined;
      },
    }),
  );
}

/**
 * The function's own execution role: the role its `Role` property references, when that role is a resource
 * of the stack (an imported role has no place in the stack's deletion order). Read from the property
 * itself, not from what the function depends on: a function that depends on a VPC, a cluster or another
 * function depends on their roles too, and those have nothing to do with this function's log group.
 *
 * It runs in an aspect, so it reverses the property's token to the resource it stands for instead of
 * resolving it (resolution is only safe once every aspect has run).
 */
export function executionRoleOf(fn: CfnResource): CfnResource | undefined {
  const roleArn: unknown =
    fn instanceof lambda.CfnFunction
      ? fn.role
      : // CDK's providers (bucket auto-delete, ...) are raw CfnResources, whose properties have no public getter.
        (fn as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties?.Role;
  if (roleArn === undefined || roleArn === null) return undefined;
  const token = Tokenization.reverse(roleArn);
  const target = token && Reference.isReference(token) ? token.target : undefined;
  return target && CfnResource.isCfnResource(target) && target.cfnResourceType === 'AWS::IAM::Role' ? target : undefined;
}

/**
 * Whether `resource` declares a dependency on `target`, at resource level or through the constructs that
 * own it (aws-cdk-lib's `lambda.Function` declares one on its role that becomes `DependsOn` only after
 * aspects have run).
 */
export function declaresDependencyOn(resource: CfnResource, target: CfnResource): boolean {
  const declared: IConstruct[] = [
    ...resource.obtainDependencies(),
    ...resource.node.dependencies,
    ...(resource.node.scope?.node.dependencies ?? []),
  ];
  return declared.some((d) => d === target || d.node.findAll().includes(target));
}

function cfnResourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(`${scope.node.path} is not a CloudFormation resource and has no default child resource`);
}

/**
 * The resources under `stack` that would make `cdk destroy` fail or leave something behind that bills,
 * each as one readable line with the resource's path and the fix; empty when there are none. Read from the
 * resources as CloudFormation will see them, so a setting made through an L2 prop, an L1 property or an
 * override is caught alike. Call it from a validation (see `renderedResource`).
 *
 * - Deletion or termination protection: CloudFormation cannot delete the resource, the stack ends in
 *   DELETE_FAILED, and everything that depends on it stays and bills.
 * - A container repository not emptied on delete: ECR refuses to delete a repository that holds images.
 * - Log groups a service creates at run time, outside the stack, which no `cdk destroy` deletes: API
 *   Gateway execution logs, ECS `awslogs-create-group`, Lambda `logRetention`, Elastic Beanstalk log
 *   streaming kept after termination.
 */
export function findTeardownBlockers(stack: Stack): string[] {
  const resources = stack.node
    .findAll()
    .filter(CfnResource.isCfnResource)
    .map((construct) => ({ construct, rendered: renderedResource(construct) }));
  const ownedLogGroupNames = new Set(
    resources
      .filter(({ rendered }) => rendered.Type === 'AWS::Logs::LogGroup' && rendered.Properties?.LogGroupName !== undefined)
      .map(({ rendered }) => nameKey(rendered.Properties!.LogGroupName)),
  );
  return resources.flatMap(({ construct, rendered }) =>
    [...protectionProblems(rendered), ...leftBehindProblems(rendered, ownedLogGroupNames)].map(
      (problem) => `${construct.node.path} (${rendered.Type}) ${problem}`,
    ),
  );
}

/** A deletion-protection setting that is on: `true`, or the enum values some services use. */
function isOn(value: unknown): boolean {
  return value === true || (typeof value === 'string' && ['true', 'active', 'enabled'].includes(value.toLowerCase()));
}

/** The fix for each kind of protection, in the words of its L2 construct where there is one. */
const PROTECTION_FIXES: Record<string, string> = {
  'AWS::DynamoDB::Table': 'Set deletionProtection: false on the table (or leave it out).',
  'AWS::DynamoDB::GlobalTable': 'Set deletionProtection: false on every replica (or leave it out).',
  'AWS::Cognito::UserPool': 'Set deletionProtection: false on the user pool (or leave it out).',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Set deletionProtection: false on the load balancer (or leave it out).',
  'AWS::EC2::Instance': 'Set disableApiTermination: false on the instance (or leave it out).',
  'AWS::EC2::LaunchTemplate': 'Set disableApiTermination: false on the launch template (or leave it out).',
  'AWS::EMR::Cluster': 'Set terminationProtected: false in the cluster\'s instances (or leave it out).',
  'AWS::RDS::DBInstance': 'Set deletionProtection: false (or leave it out).',
  'AWS::RDS::DBCluster': 'Set deletionProtection: false (or leave it out).',
};

/** Property names that mean "refuse to be deleted" wherever they appear at the top of a resource. */
const PROTECTION_PROPERTIES = ['DeletionProtection', 'DeletionProtectionEnabled', 'DisableApiTermination', 'TerminationProtected', 'TerminationProtection'];

function protectionProblems(resource: RenderedResource): string[] {
  const p = resource.Properties ?? {};
  const on: string[] = PROTECTION_PROPERTIES.filter((key) => isOn(p[key]));
  switch (resource.Type) {
    case 'AWS::DynamoDB::GlobalTable':
      if ((p.Replicas ?? []).some((r: any) => isOn(r?.DeletionProtectionEnabled))) on.push('Replicas[].DeletionProtectionEnabled');
      break;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      if ((p.LoadBalancerAttributes ?? []).some((a: any) => a?.Key === 'deletion_protection.enabled' && isOn(a?.Value))) {
        on.push('LoadBalancerAttributes deletion_protection.enabled');
      }
      break;
    case 'AWS::EC2::LaunchTemplate':
      if (isOn(p.LaunchTemplateData?.DisableApiTermination)) on.push('LaunchTemplateData.DisableApiTermination');
      break;
    case 'AWS::EMR::Cluster':
      if (isOn(p.Instances?.TerminationProtected)) on.push('Instances.TerminationProtected');
      break;
  }
  if (on.length === 0) return [];
  const fix = PROTECTION_FIXES[resource.Type] ?? `Turn ${on.join(' and ')} off (or leave it out).`;
  return [`is protected from deletion (${on.join(', ')}), so cdk destroy and the lab's expiry would fail on it and leave the lab running. ${fix}`];
}

function leftBehindProblems(resource: RenderedResource, ownedLogGroupNames: ReadonlySet<string>): string[] {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::ECR::Repository':
      return isOn(p.EmptyOnDelete)
        ? []
        : [
            'is not emptied on delete: once an image is pushed, CloudFormation cannot delete it and cdk destroy fails. ' +
              'Give it emptyOnDelete: true (with removalPolicy: RemovalPolicy.DESTROY).',
          ];
    case 'AWS::ApiGateway::Stage':
    case 'AWS::ApiGateway::Deployment': {
      const stage = resource.Type === 'AWS::ApiGateway::Stage' ? p : { ...p.StageDescription, StageName: p.StageName };
      if (!p.StageName || !executionLoggingOn(stage)) return [];
      const logGroupName = ['API-Gateway-Execution-Logs_', p.RestApiId, '/', p.StageName];
      if (ownedLogGroupNames.has(nameKey({ 'Fn::Join': ['', logGroupName] }))) return [];
      return [
        `turns on execution logging (a MethodSettings LoggingLevel of INFO or ERROR, or DataTraceEnabled), so API Gateway creates the log group ` +
          `API-Gateway-Execution-Logs_<rest-api-id>/${typeof p.StageName === 'string' ? p.StageName : '<stage>'} at run time, outside the stack, and it outlives the lab. ` +
          'Turn execution logging off (access logging to a log group the stack owns is fine), or own that log group in the stack: a logs.LogGroup ' +
          'named exactly `API-Gateway-Execution-Logs_${api.restApiId}/<stage>`, with a retention and RemovalPolicy.DESTROY.',
      ];
    }
    case 'AWS::ECS::TaskDefinition':
      return (p.ContainerDefinitions ?? [])
        .filter((c: any) => isOn(c?.LogConfiguration?.Options?.['awslogs-create-group']))
        .map(
          (c: any) =>
            `lets container ${JSON.stringify(c.Name)} create its log group at run time (awslogs-create-group), outside the stack, and it outlives the lab. ` +
            'Log to a log group the stack owns: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix }) with a logs.LogGroup that has a retention and ' +
            'RemovalPolicy.DESTROY, and no awslogs-create-group option.',
        );
    case 'AWS::ElasticBeanstalk::Environment':
    case 'AWS::ElasticBeanstalk::ConfigurationTemplate':
      return beanstalkLogStreamingProblems(p.OptionSettings);
    case 'Custom::LogRetention':
      return [
        "is a Lambda function's logRetention: it sets a retention on the /aws/lambda/... log group that Lambda creates outside the stack, " +
          'and that group outlives the lab. Give the function logGroup: a logs.LogGroup with a retention and RemovalPolicy.DESTROY ' +
          '(or use LabFunction) instead of logRetention.',
      ];
    default:
      return [];
  }
}

/**
 * Elastic Beanstalk log streaming: with `StreamLogs` (instance logs) or `HealthStreamingEnabled` (health
 * events) on, Elastic Beanstalk creates `/aws/elasticbeanstalk/<environment>/...` log groups itself, and keeps
 * them after the environment is terminated unless `DeleteOnTerminate` is true in the same namespace
 * (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/AWSHowTo.cloudwatchlogs.html,
 * https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html#command-options-general-cloudwatchlogs).
 */
function beanstalkLogStreamingProblems(optionSettings: unknown): string[] {
  const settings = Array.isArray(optionSettings) ? optionSettings : [];
  const option = (namespace: string, name: string) => settings.find((o: any) => o?.Namespace === namespace && o?.OptionName === name)?.Value;
  return [
    ['aws:elasticbeanstalk:cloudwatch:logs', 'StreamLogs', 'instance logs'],
    ['aws:elasticbeanstalk:cloudwatch:logs:health', 'HealthStreamingEnabled', 'health events'],
  ]
    .filter(([namespace, name]) => isOn(option(namespace, name)) && !isOn(option(namespace, 'DeleteOnTerminate')))
    .map(
      ([namespace, name, what]) =>
        `streams ${what} to CloudWatch Logs (${namespace} ${name}), so Elastic Beanstalk creates /aws/elasticbeanstalk/<environment>/... log groups outside the stack, ` +
        `and they outlive the lab. Turn ${name} off, or set DeleteOnTerminate to true in ${namespace} so they are deleted with the environment.`,
    );
}

/** Whether an API Gateway stage (or a deployment's stage description) writes execution logs. */
function executionLoggingOn(stage: Record<string, any>): boolean {
  const logs = (s: any) => ['INFO', 'ERROR'].includes(String(s?.LoggingLevel ?? '').toUpperCase()) || isOn(s?.DataTraceEnabled);
  return logs(stage) || (stage.MethodSettings ?? []).some(logs);
}

/**
 * A log group name as a comparable key, whichever way the template spells it: a literal, an `Fn::Join`
 * with an empty delimiter or an `Fn::Sub` all become the same list of literal text and references.
 */
function nameKey(name: unknown): string {
  const parts: unknown[] = [];
  const add = (part: unknown): void => {
    if (typeof part === 'string') {
      if (typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += part;
      else parts.push(part);
    } else parts.push(part);
  };
  const walk = (value: any): void => {
    if (typeof value === 'string' || typeof value === 'number') return add(String(value));
    if (value?.['Fn::Join'] && value['Fn::Join'][0] === '') return value['Fn::Join'][1].forEach(walk);
    if (value?.['Fn::Sub'] !== undefined && typeof value['Fn::Sub'] === 'string') {
      for (const piece of value['Fn::Sub'].split(/(\$\{[^}]*\})/)) {
        const ref = /^\$\{([^!][^}]*)\}$/.exec(piece);
        if (!ref) add(piece.replace(/\$\{!/g, '${'));
        else if (ref[1].includes('.') && !ref[1].startsWith('AWS::')) add({ 'Fn::GetAtt': ref[1].split('.') });
        else add({ Ref: ref[1] });
      }
      return;
    }
    add(value);
  };
  walk(name);
  return JSON.stringify(parts.filter((p) => p !== ''));
}
