/**
 * The behaviour every lab shares, asserted over every stack the app creates, in each configuration that
 * changes what a stack contains. A new lab is covered as soon as it is in `LABS`.
 */
import { createHash } from 'crypto';
import { CfnResource, Stack, TagManager } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createLabsApp, LABS } from '../lib/app';
import { RETAIN_REASON_METADATA } from '../lib/shared/removal';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../lib/shared/tags';
import { computeExpiry } from '../lambda/expiry';
import { CDK_JSON_CONTEXT, CfnResourceJson, SynthesizedLab, synthLabs } from './helpers/synth';
import { findCycle } from './helpers/template-graph';
import { checksFor } from '../lib/cli/check';
import { clusterShape, CONTAINER_CLUSTER_LAB } from '../lib/cli/check/container-cluster';
import { DEFAULT_WORKER_COUNT } from '../lib/container-cluster/settings';
import { context as checkContext, fakeFetch, fakeSession, labStack } from './cli/check/fakes';

const CONFIGURATIONS: Array<[string, Record<string, unknown>]> = [
  ['defaults', {}],
  [
    'every lab option switched and a stack suffix',
    {
      staticSiteHosting: 'website',
      orchestrator: 'swarm',
      workerCount: '3',
      controlPlaneInstanceType: 't3.small',
      workerInstanceType: 't3.small',
      sshCidr: '203.0.113.0/24',
      phase: 'split',
      monolithTaskCount: '2',
      usersTaskCount: '3',
      threadsTaskCount: '2',
      postsTaskCount: '3',
      hadoopMode: 'transient',
      hadoopCoreNodes: '0',
      hadoopCoreSpot: 'false',
      hadoopInstanceType: 'm6g.xlarge',
      hadoopIdleTimeoutSeconds: '600',
      hadoopApplications: 'Hadoop,Hive,Spark',
      hadoopInput: 's3://course-logs-example/cloudfront/2014',
      serverlessRequestsPerSecond: '25',
      serverlessAccessLogs: 'true',
      beanstalkEnvironment: 'high-availability',
      notificationEmail: 'ta@example.edu',
      stackSuffix: 'alice',
      ttlHours: '12',
    },
  ],
];

const RETAINING = ['Retain', 'RetainExceptOnCreate', 'Snapshot'];

describe.each(CONFIGURATIONS)('every lab stack, %s', (_name, context) => {
  const { labs } = synthLabs(context);

  test('the app has one stack per lab', () => {
    expect(labs.map((l) => l.stack.node.id)).toEqual(
      LABS.map((l) => (context.stackSuffix ? `${l.stackName}-${context.stackSuffix}` : l.stackName)),
    );
  });

  describe.each(labs.map((l) => [l.stack.stackName, l] as [string, SynthesizedLab]))('%s', (stackName, lab) => {
    const resources = Object.entries(lab.json.Resources);
    const expectedTags = {
      [TAG_KEYS.project]: PROJECT_TAG_VALUE,
      [TAG_KEYS.lab]: lab.stack.lab.id,
      [TAG_KEYS.stack]: stackName,
    };

    test('the stack and every taggable resource carry the project, lab and stack tags', () => {
      expect(lab.stack.tags.tagValues()).toMatchObject(expectedTags);
      const taggable = lab.stack.node
        .findAll()
        .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.isTaggable(c));
      expect(taggable.length).toBeGreaterThan(5);
      for (const resource of taggable) {
        const rendered = lab.json.Resources[Stack.of(resource).resolve(resource.logicalId)];
        expect({ path: resource.node.path, tags: tagsOf(rendered, resource) }).toEqual({
          path: resource.node.path,
          tags: expect.objectContaining(expectedTags),
        });
      }
    });

    test('nothing is retained on delete or replacement without a recorded reason', () => {
      const retained = resources.filter(
        ([, r]) =>
          (RETAINING.includes(r.DeletionPolicy ?? '') || RETAINING.includes(r.UpdateReplacePolicy ?? '')) &&
          !r.Metadata?.[RETAIN_REASON_METADATA],
      );
      expect(retained.map(([id]) => id)).toEqual([]);
    });

    test('every bucket empties itself on delete', () => {
      const buckets = resources.filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => id);
      const autoDeleted = resources
        .filter(([, r]) => r.Type === 'Custom::S3AutoDeleteObjects')
        .map(([, r]) => r.Properties!.BucketName.Ref);
      expect(autoDeleted.sort()).toEqual(buckets.sort());
    });

    test('every Lambda function, CDK helpers included, logs to a log group the stack owns and deletes', () => {
      const functions = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThan(0);
      for (const [id, fn] of functions) {
        const logGroupId = fn.Properties?.LoggingConfig?.LogGroup?.Ref;
        const logGroup = lab.json.Resources[logGroupId];
        expect({ id, type: logGroup?.Type, deletion: logGroup?.DeletionPolicy }).toEqual({
          id,
          type: 'AWS::Logs::LogGroup',
          deletion: 'Delete',
        });
        expect(logGroup.Properties?.RetentionInDays).toBeGreaterThan(0);
        // The function depends on its group (not the reverse), so CloudFormation deletes the group last.
        expect(JSON.stringify(logGroup.Properties ?? {})).not.toContain(id);
      }
    });

    test('every role VPC Flow Logs may assume carries aws:SourceAccount and aws:SourceArn (its confused-deputy guard)', () => {
      // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
      const principals = (st: any) => [st.Principal?.Service ?? []].flat();
      for (const [id, role] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
        for (const st of role.Properties!.AssumeRolePolicyDocument.Statement) {
          if (!principals(st).includes('vpc-flow-logs.amazonaws.com')) continue;
          expect({ id, condition: st.Condition }).toEqual({
            id,
            condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':vpc-flow-log/*']],
                },
              },
            },
          });
        }
      }
      // Every flow log that writes to CloudWatch Logs names such a role.
      for (const [id, flowLog] of resources.filter(([, r]) => r.Type === 'AWS::EC2::FlowLog')) {
        const roleId = flowLog.Properties!.DeliverLogsPermissionArn?.['Fn::GetAtt']?.[0];
        expect({ id, principal: principals(lab.json.Resources[roleId]?.Properties?.AssumeRolePolicyDocument.Statement[0] ?? {}) }).toEqual({
          id,
          principal: ['vpc-flow-logs.amazonaws.com'],
        });
      }
    });

    test("every Lambda execution role may write logs only to its own function's log group (no AWSLambdaBasicExecutionRole)", () => {
      for (const [id, fn] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const roleId = fn.Properties!.Role['Fn::GetAtt'][0];
        const role = lab.json.Resources[roleId].Properties!;
        expect({ id, managed: JSON.stringify(role.ManagedPolicyArns ?? []) }).toEqual({ id, managed: expect.not.stringContaining('AWSLambdaBasicExecutionRole') });
        const documents = [
          ...(role.Policies ?? []).map((p: any) => p.PolicyDocument),
          ...resources
            .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId))
            .map(([, r]) => r.Properties!.PolicyDocument),
        ];
        const ownGroup = { 'Fn::GetAtt': [fn.Properties!.LoggingConfig.LogGroup.Ref, 'Arn'] };
        const logStatements = documents
          .flatMap((doc: any) => doc.Statement)
          .filter((st: any) => st.Effect === 'Allow' && [st.Action].flat().some((a: string) => a === '*' || a.startsWith('logs:')));
        expect(logStatements.length).toBeGreaterThan(0);
        for (const st of logStatements) expect({ id, resource: st.Resource }).toEqual({ id, resource: ownGroup });
      }
    });

    test('no execution role can re-create its log group after the stack deleted it', () => {
      for (const [id, fn] of resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const roleId = fn.Properties!.Role['Fn::GetAtt'][0];
        const role = lab.json.Resources[roleId];
        const inlinePolicies = resources
          .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId))
          .map(([, r]) => r.Properties!.PolicyDocument);
        const managed = JSON.stringify(role.Properties!.ManagedPolicyArns ?? []);
        const allowedActions = [...(role.Properties!.Policies ?? []).map((p: any) => p.PolicyDocument), ...inlinePolicies]
          .flatMap((doc: any) => doc.Statement)
          .filter((st: any) => st.Effect === 'Allow')
          .flatMap((st: any) => [st.Action ?? []].flat());
        const mayCreateLogGroups =
          /AWSLambdaBasicExecutionRole/.test(managed) || allowedActions.some((a: string) => ['logs:CreateLogGroup', 'logs:*', '*'].includes(a));
        const logGroupId = fn.Properties!.LoggingConfig.LogGroup.Ref;
        // Either the role cannot create log groups, or it is deleted before the group (it depends on it).
        expect({ id, mayCreateLogGroups, roleDeletedFirst: (role.DependsOn ?? []).includes(logGroupId) }).toEqual({
          id,
          mayCreateLogGroups,
          roleDeletedFirst: mayCreateLogGroups ? true : expect.any(Boolean),
        });
      }
    });

    /** The expiry's two schedules (the expiry, then its retry), and the clock both read their time from. */
    const expiryIds = () => {
      const schedules = resources.filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties!);
      expect(schedules).toHaveLength(2);
      const byAttribute = Object.fromEntries(schedules.map((p) => [p.ScheduleExpression['Fn::GetAtt'][1], p]));
      expect(Object.keys(byAttribute).sort()).toEqual(['RetryScheduleExpression', 'ScheduleExpression']);
      const schedule = byAttribute.ScheduleExpression;
      const retry = byAttribute.RetryScheduleExpression;
      const clockId = schedule.ScheduleExpression['Fn::GetAtt'][0];
      expect(retry.ScheduleExpression['Fn::GetAtt'][0]).toBe(clockId);
      expect(lab.json.Resources[clockId].Type).toBe('Custom::LabExpiryTime');
      return { schedule, retry, clockId, clock: lab.json.Resources[clockId] };
    };

    test('the stack deletes itself with a one-time schedule and a retry, in a group of their own, that may delete only this stack', () => {
      const { schedule, retry, clock } = expiryIds();
      expect(clock.Properties!.TtlHours).toBe(Number(context.ttlHours ?? 4));
      expect(Number(clock.Properties!.ServiceTimeout)).toBeLessThanOrEqual(600); // minutes, not CloudFormation's hour
      // The retry calls the same API on the same stack, as the same role, from the same group.
      expect(retry.Target).toEqual(schedule.Target);
      expect(retry.GroupName).toEqual(schedule.GroupName);
      expect(schedule.Target.Arn).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:cloudformation:deleteStack']],
      });
      expect(lab.stack.resolve(JSON.parse(JSON.stringify(schedule.Target.Input)))).toEqual({
        'Fn::Join': ['', ['{"StackName":"', { Ref: 'AWS::StackId' }, '"}']],
      });

      // The stack's own schedule group, deleted with it.
      const groups = resources.filter(([, r]) => r.Type === 'AWS::Scheduler::ScheduleGroup');
      expect(groups).toHaveLength(1);
      const [groupId, group] = groups[0];
      expect(group.DeletionPolicy).toBe('Delete');
      expect(schedule.GroupName).toBe(group.Properties!.Name);

      // Its own role: only Scheduler, for schedules of that group in this account, may assume it; it may only delete this stack.
      const roleId = schedule.Target.RoleArn['Fn::GetAtt'][0];
      const policies = resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId));
      expect(policies.flatMap(([, p]) => p.Properties!.PolicyDocument.Statement)).toEqual([
        { Action: 'cloudformation:DeleteStack', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
      ]);
      const role = lab.json.Resources[roleId].Properties!;
      expect(role.ManagedPolicyArns ?? []).toEqual([]);
      expect(role.Policies ?? []).toEqual([]);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] } },
          },
        },
      ]);
      // Only its policy and the expiry's two schedules refer to it.
      expect(resources.filter(([, r]) => JSON.stringify(r.Properties ?? {}).includes(`"${roleId}"`)).map(([, r]) => r.Type).sort()).toEqual([
        'AWS::IAM::Policy',
        'AWS::Scheduler::Schedule',
        'AWS::Scheduler::Schedule',
      ]);
    });

    test('the expiry clock starts once every other resource exists, and the template has no dependency cycle', () => {
      const { clockId, clock } = expiryIds();
      const own = lab.stack.expiry!.node
        .findAll()
        .filter(CfnResource.isCfnResource)
        .map((r) => lab.stack.resolve(r.logicalId));
      expect(own).toContain(clockId);
      const others = Object.keys(lab.json.Resources).filter((id) => !own.includes(id));
      expect(others.length).toBeGreaterThan(5);
      expect([...(clock.DependsOn ?? [])].sort()).toEqual(others.sort());
      expect(findCycle(lab.json.Resources)).toBeUndefined();
    });

    test('the outputs say when the lab expires: the time the clock computes, the instant the schedule fires', () => {
      const outputs = lab.json.Outputs!;
      const { clockId } = expiryIds();
      const expiresAt = { 'Fn::GetAtt': [clockId, 'ExpiresAt'] };
      expect(outputs.ExpiresAt.Value).toEqual(expiresAt);
      expect(JSON.stringify(outputs.Expiry.Value)).toContain(JSON.stringify(expiresAt));
      // The attributes the stack reads are the ones the clock's handler answers, and they name the same instant.
      const answer = computeExpiry(new Date('2026-11-22T08:00:00Z'), Number(context.ttlHours ?? 4));
      expect(Object.keys(answer).sort()).toEqual(['ExpiresAt', 'RetryScheduleExpression', 'ScheduleExpression']);
      expect(answer.ScheduleExpression).toBe(`at(${answer.ExpiresAt.replace(/Z$/, '')})`);
      // The retry is an hour after the expiry.
      const at = (expression: string) => new Date(`${/^at\((.*)\)$/.exec(expression)![1]}Z`).getTime();
      expect(at(answer.RetryScheduleExpression) - at(answer.ScheduleExpression)).toBe(3_600_000);
    });

    test('labs check has checks for this lab, and they find every output they read in the template', async () => {
      const checks = checksFor(lab.stack.lab.id);
      expect(checks?.lab).toBe(lab.stack.lab.id);
      const outputs = renderedOutputs(lab.json);
      // With AWS and HTTP answering nothing, every check fails, but none for want of an output: the names the
      // checks read (lib/cli/check/<lab>.ts) are the names the stack declares.
      const ctx = checkContext(labStack(lab.stack.lab.id, stackName, outputs), fakeSession({}).session, fakeFetch({}).fetch);
      let clock = Date.parse('2026-12-01T12:00:00Z');
      const results = await checks!.run({ ...ctx, now: () => new Date((clock += 10_000)) });
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => /has no [\w, ]+ output/.test(r.detail))).toEqual([]);
      if (lab.stack.lab.id === CONTAINER_CLUSTER_LAB) {
        // The cluster's shape is read out of the session commands' text: pin it to what the stack prints.
        expect(clusterShape(outputs)).toEqual({
          controlPlane: expect.stringMatching(/^i-[0-9a-f]+$/),
          workers: Number(context.workerCount ?? DEFAULT_WORKER_COUNT),
          orchestrator: context.orchestrator ?? 'kubernetes',
        });
      }
    });

    test('the outputs say how to delete or extend the lab with the same settings', () => {
      const outputs = lab.json.Outputs!;
      // Every setting this configuration gave that the stack reads, so following a command changes nothing else.
      const ownKeys = Object.keys(LABS.find((l) => stackName.startsWith(l.stackName))!.settings);
      const args = (keys: string[]) => keys.filter((k) => context[k] !== undefined).map((k) => ` -c ${k}=${context[k]}`).join('');
      const destroy = `npx cdk destroy ${stackName}${args(['stackSuffix', 'ttlHours', ...ownKeys])}`;
      const extend = `npx cdk deploy ${stackName}${args(['stackSuffix', ...ownKeys])} -c ttlHours=<hours>`;
      expect(outputs.DestroyCommand.Value).toBe(destroy);
      expect(JSON.stringify(outputs.Expiry.Value)).toContain(`Sooner: ${destroy}. Later: ${extend};`);
    });

    test('no fixed physical name: every literal name, at any depth, contains the stack name', () => {
      const literalNames = resources.flatMap(([id, r]) =>
        namedStrings(r.Properties ?? {})
          .filter(({ path }) => !NOT_PHYSICAL_NAMES.some(([type, pattern]) => r.Type === type && pattern.test(path)))
          .map(({ key, value }) => ({ id, key, value })),
      );
      if (resources.some(([, r]) => r.Type === 'AWS::CloudFront::OriginAccessControl')) {
        expect(literalNames.map((n) => n.key)).toContain('Name'); // the walk reaches the OAC's nested name
      }
      expect(
        literalNames.filter((n) => !n.value.includes(stackName) && !n.value.includes(stackName.replace(/-/g, ''))),
      ).toEqual([]);
    });

    test('every security group and rule description keeps to the characters EC2 accepts (a quote fails the deploy)', () => {
      // EC2 API reference, CreateSecurityGroup GroupDescription and IpRange/UserIdGroupPair Description:
      // "a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*". Neither cdk synth nor cfn-lint checks it.
      const allowed = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
      const descriptions = resources.flatMap(([id, r]) => {
        const p = r.Properties ?? {};
        if (r.Type === 'AWS::EC2::SecurityGroup') {
          return [p.GroupDescription, ...[...(p.SecurityGroupIngress ?? []), ...(p.SecurityGroupEgress ?? [])].map((rule: any) => rule.Description)]
            .filter((d) => typeof d === 'string')
            .map((d) => ({ id, d }));
        }
        if (r.Type === 'AWS::EC2::SecurityGroupIngress' || r.Type === 'AWS::EC2::SecurityGroupEgress') {
          return typeof p.Description === 'string' ? [{ id, d: p.Description }] : [];
        }
        return [];
      });
      expect(descriptions.filter(({ d }) => !allowed.test(d))).toEqual([]);
      if (resources.some(([, r]) => r.Type === 'AWS::EC2::SecurityGroup')) expect(descriptions.length).toBeGreaterThan(0);
    });

    test('cdk-nag AwsSolutions reports nothing unacknowledged', () => {
      const report = new AwsSolutionsChecks(lab.stack).validateScope(lab.stack);
      expect(report.violations).toEqual([]);
      expect(report.success).toBe(true);
    });
  });
});

test('with ttlHours=0 no stack expires, and the outputs say so', () => {
  const { labs } = synthLabs({ ttlHours: '0' });
  for (const lab of labs) {
    lab.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    lab.template.resourceCountIs('Custom::LabExpiryTime', 0);
    expect(lab.json.Outputs!.ExpiresAt).toBeUndefined();
    expect(lab.json.Outputs!.Expiry.Value).toBe(
      `Never expires (ttlHours=0): it costs money until you run npx cdk destroy ${lab.stack.stackName} -c ttlHours=0.`,
    );
  }
});

/**
 * `...Name` properties that name something inside one resource, not a resource in the account, so they
 * cannot collide between two copies of a stack: by resource type, the property's path.
 */
const NOT_PHYSICAL_NAMES: ReadonlyArray<[string, RegExp]> = [
  // An IAM inline policy's name is scoped to its role.
  ['AWS::IAM::Policy', /^PolicyName$/],
  ['AWS::IAM::Role', /^Policies\.\d+\.PolicyName$/],
  // EMR application names (Hadoop, Hive) and step names are labels within one cluster.
  ['AWS::EMR::Cluster', /^(Applications|Steps)\.\d+\.Name$/],
  // A block device mapping's DeviceName is a device path (/dev/xvda).
  ['AWS::EC2::Instance', /^BlockDeviceMappings\.\d+\.DeviceName$/],
  ['AWS::EC2::LaunchTemplate', /^LaunchTemplateData\.BlockDeviceMappings\.\d+\.DeviceName$/],
  // A table's key and attribute names, a REST API's stage name, a user pool's schema attributes and
  // recovery mechanisms (its own name is UserPoolName) are all scoped to their resource.
  ['AWS::DynamoDB::Table', /^(AttributeDefinitions|KeySchema)\.\d+\.AttributeName$/],
  // A table's index names and their key attributes are scoped to the table.
  ['AWS::DynamoDB::Table', /^GlobalSecondaryIndexes\.\d+\.(IndexName|KeySchema\.\d+\.AttributeName)$/],
  // A REST API's model names are scoped to the API.
  ['AWS::ApiGateway::Model', /^Name$/],
  // A Firehose processor's parameter names are the processor's settings (LambdaArn, BufferSizeInMBs).
  ['AWS::KinesisFirehose::DeliveryStream', /^ExtendedS3DestinationConfiguration\.ProcessingConfiguration\.Processors\.\d+\.Parameters\.\d+\.ParameterName$/],
  ['AWS::ApiGateway::Stage', /^StageName$/],
  // An Elastic Beanstalk option setting's OptionName is the option's key (EnvironmentType), and Tier.Name the
  // tier (WebServer); an SNS topic's DisplayName is the sender name shown in its emails, not a physical name.
  ['AWS::ElasticBeanstalk::Environment', /^(OptionSettings\.\d+\.OptionName|Tier\.Name)$/],
  ['AWS::SNS::Topic', /^DisplayName$/],
  ['AWS::Cognito::UserPool', /^(Schema|AccountRecoverySetting\.RecoveryMechanisms)\.\d+\.Name$/],
  // ECS: a container's name is scoped to its task definition; a service names one of those containers;
  // a cluster setting's name is a setting (containerInsights).
  ['AWS::ECS::TaskDefinition', /^ContainerDefinitions\.\d+\.Name$/],
  // A container's environment variable names are scoped to the container.
  ['AWS::ECS::TaskDefinition', /^ContainerDefinitions\.\d+\.Environment\.\d+\.Name$/],
  ['AWS::ECS::Service', /^LoadBalancers\.\d+\.ContainerName$/],
  ['AWS::ECS::Cluster', /^ClusterSettings\.\d+\.Name$/],
  // The HTTP header a listener rule matches.
  ['AWS::ElasticLoadBalancingV2::ListenerRule', /^Conditions\.\d+\.HttpHeaderConfig\.HttpHeaderName$/],
  // An S3 notification filter rule's Name says what it filters on (prefix or suffix).
  ['Custom::S3BucketNotifications', /^NotificationConfiguration\.\w+Configurations\.\d+\.Filter\.Key\.FilterRules\.\d+\.Name$/],
];

/** Every `...Name` property whose value is a literal string, however deeply nested, with its dotted path. */
function namedStrings(value: unknown, path = ''): Array<{ key: string; value: string; path: string }> {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) return value.flatMap((v, i) => namedStrings(v, at(i)));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    /Name$/.test(key) && typeof v === 'string' ? [{ key, value: v, path: at(key) }] : namedStrings(v, at(key)),
  );
}

/** The rendered tags of a resource, under the property its type keeps them in (`Tags`, `UserPoolTags`, ...). */
function tagsOf(resource: CfnResourceJson | undefined, construct: CfnResource): Record<string, string> {
  const property = TagManager.of(construct)?.tagPropertyName ?? 'tags';
  const tags = resource?.Properties?.[property.charAt(0).toUpperCase() + property.slice(1)] ?? resource?.Properties?.[property];
  if (Array.isArray(tags)) return Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
  return tags ?? {};
}

test('an app built for some labs has only those stacks, and still checks every setting', () => {
  const { stacks } = createLabsApp({ context: CDK_JSON_CONTEXT }, { labs: [LABS[0].stackName] });
  expect(stacks.map((s) => s.node.id)).toEqual([LABS[0].stackName]);
  expect(createLabsApp({ context: CDK_JSON_CONTEXT }, { labs: [] }).stacks).toEqual([]);
  expect(() => createLabsApp({ context: { ...CDK_JSON_CONTEXT, ttlHours: 'soon' } }, { labs: [] })).toThrow(
    /Invalid value "soon" for context key "ttlHours"/,
  );
  expect(() => createLabsApp({ context: CDK_JSON_CONTEXT }, { labs: ['NoSuchLabStack'] })).toThrow(
    `createLabsApp: no lab NoSuchLabStack; the labs are ${LABS.map((l) => l.stackName).join(', ')}`,
  );
});

/**
 * The stack's outputs as CloudFormation would give them, with every reference replaced by a value of the
 * right shape: an EC2 instance's id for a Ref to one, a placeholder for anything else.
 */
function renderedOutputs(json: SynthesizedLab['json']): Record<string, string> {
  const render = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as Record<string, any>;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
    if (v.Ref === 'AWS::Region') return 'us-east-1';
    if (v.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (v.Ref && json.Resources[v.Ref]?.Type === 'AWS::EC2::Instance') return `i-0${createHash('sha256').update(v.Ref).digest('hex').slice(0, 16)}`;
    if (v.Ref) return `ref-${String(v.Ref).toLowerCase()}`;
    if (v['Fn::GetAtt']) return `${String(v['Fn::GetAtt'][0]).toLowerCase()}-${String(v['Fn::GetAtt'][1]).toLowerCase()}`;
    if (v['Fn::Select']) return render((v['Fn::Select'][1] as unknown[])[0] ?? 'selected');
    return 'rendered';
  };
  return Object.fromEntries(Object.entries(json.Outputs ?? {}).map(([k, o]) => [k, render(o.Value)]));
}
