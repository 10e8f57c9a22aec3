import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { clusterHourlyCost, KMS_KEY_HOURLY } from '../../lib/hadoop/emr-release';
import { EMR_SERVICE_POLICY_REASON } from '../../lib/hadoop/emr-roles';
import { HadoopLabStack } from '../../lib/hadoop/hadoop-lab-stack';
import { OS_REQUESTS_SCRIPT } from '../../lib/hadoop/os-requests-step';
import { CDK_JSON_CONTEXT, normalizedTemplate, SynthesizedLab, synthLab } from '../helpers/synth';

const longRunning = synthLab('HadoopLabStack');
const transient = synthLab('HadoopLabStack', { hadoopMode: 'transient' });

/** The logical id of the one resource of `type` whose construct path gives the id `prefix` + hash. */
const idOf = (lab: SynthesizedLab, type: string, prefix: string) => {
  const found = Object.entries(lab.json.Resources).filter(([id, r]) => r.Type === type && new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} with logical id ${prefix}..., found ${found.length}`);
  return found[0][0];
};
const clusterOf = (lab: SynthesizedLab) => Object.values(lab.template.findResources('AWS::EMR::Cluster'))[0];
const statementsOf = (lab: SynthesizedLab, roleId: string): any[] =>
  lab.json.Resources[roleId].Properties!.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
const text = (value: unknown) => JSON.stringify(value);

describe.each([
  ['long-running', longRunning],
  ['transient', transient],
])('HadoopLabStack (%s)', (mode, lab) => {
  const cluster = clusterOf(lab);
  const props = cluster.Properties;
  const outputBucket = idOf(lab, 'AWS::S3::Bucket', 'OutputBucket');
  const logBucket = idOf(lab, 'AWS::S3::Bucket', 'LogBucket');

  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(lab.json)).toMatchSnapshot();
  });

  test("the step runs the repo's Hive script through command-runner.jar, reading the sample logs, writing to the output bucket", () => {
    expect(props.Steps).toEqual([
      {
        Name: 'os-requests',
        ActionOnFailure: 'CONTINUE',
        HadoopJarStep: {
          Jar: 'command-runner.jar',
          Args: [
            'hive-script',
            '--run-hive-script',
            '--args',
            '-f',
            { 'Fn::Sub': expect.stringMatching(/^s3:\/\/cdk-hnb659fds-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.q$/) },
            '-d',
            { 'Fn::Join': ['', ['INPUT=s3://', { Ref: 'AWS::Region' }, '.elasticmapreduce.samples/cloudfront/data']] },
            '--define',
            { 'Fn::Join': ['', ['OUTPUT=s3://', { Ref: outputBucket }]] },
          ],
        },
      },
    ]);
    // The asset the step names is the script in the repository, byte for byte.
    const key = props.Steps[0].HadoopJarStep.Args[4]['Fn::Sub'].split('/').pop();
    const outdir = (lab.stack.node.root as App).outdir;
    expect(fs.readFileSync(path.join(outdir, `asset.${key}`), 'utf8')).toBe(fs.readFileSync(OS_REQUESTS_SCRIPT, 'utf8'));
  });

  test('EMR 7 with Hadoop and Hive; one on-demand primary and two Spot core nodes of m4.large', () => {
    expect(props.ReleaseLabel).toMatch(/^emr-7\.\d+\.\d+$/);
    expect(props.Applications).toEqual([{ Name: 'Hadoop' }, { Name: 'Hive' }]);
    const disks = { EbsBlockDeviceConfigs: [{ VolumeSpecification: { VolumeType: 'gp3', SizeInGB: 32 }, VolumesPerInstance: 1 }] };
    expect(props.Instances.MasterInstanceGroup).toEqual({ InstanceCount: 1, InstanceType: 'm4.large', Market: 'ON_DEMAND', EbsConfiguration: disks });
    expect(props.Instances.CoreInstanceGroup).toEqual({ InstanceCount: 2, InstanceType: 'm4.large', Market: 'SPOT', EbsConfiguration: disks });
    expect(props.EbsRootVolumeSize).toBe(15);
    // No bid price: Spot nodes never cost more than on-demand.
    expect(text(props.Instances)).not.toContain('BidPrice');
  });

  test('it cannot run forever: idle auto-termination, no termination protection, transient mode ends after the step', () => {
    expect(props.AutoTerminationPolicy).toEqual({ IdleTimeout: 3600 });
    expect(props.Instances.TerminationProtected).toBe(false);
    expect(props.Instances.KeepJobFlowAliveWhenNoSteps).toBe(mode === 'long-running');
  });

  test('no SSH: no key pair, and no security group admits anything from outside the cluster', () => {
    expect(props.Instances.Ec2KeyName).toBeUndefined();
    for (const sg of Object.values(lab.template.findResources('AWS::EC2::SecurityGroup'))) {
      expect(sg.Properties.SecurityGroupIngress ?? []).toEqual([]);
    }
    lab.template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('a VPC of its own with one public subnet and no NAT; the cluster uses the groups the stack owns', () => {
    lab.template.resourceCountIs('AWS::EC2::VPC', 1);
    lab.template.resourceCountIs('AWS::EC2::Subnet', 1);
    lab.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    lab.template.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true });
    expect(props.Instances).toMatchObject({
      Ec2SubnetId: { Ref: idOf(lab, 'AWS::EC2::Subnet', 'NetworkVpcPublicSubnet1Subnet') },
      EmrManagedMasterSecurityGroup: { 'Fn::GetAtt': [idOf(lab, 'AWS::EC2::SecurityGroup', 'NetworkPrimarySecurityGroup'), 'GroupId'] },
      EmrManagedSlaveSecurityGroup: { 'Fn::GetAtt': [idOf(lab, 'AWS::EC2::SecurityGroup', 'NetworkCoreSecurityGroup'), 'GroupId'] },
    });
    expect(props.Instances.ServiceAccessSecurityGroup).toBeUndefined(); // private subnets only
    lab.template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'REJECT' });
  });

  test('the VPC, subnet, security groups and cluster carry the tag the EMR managed policy requires', () => {
    const tag = { Key: 'for-use-with-amazon-emr-managed-policies', Value: 'true' };
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::EMR::Cluster']) {
      for (const resource of Object.values(lab.template.findResources(type))) expect(resource.Properties.Tags).toContainEqual(tag);
    }
  });

  test("teardown order: the cluster goes first, then EMR's rules between the groups, then the groups; buckets are emptied after the cluster", () => {
    const cleanup = idOf(lab, 'Custom::EmrSecurityGroupRuleCleanup', 'NetworkSecurityGroupRuleCleanupResource');
    const primary = idOf(lab, 'AWS::EC2::SecurityGroup', 'NetworkPrimarySecurityGroup');
    const core = idOf(lab, 'AWS::EC2::SecurityGroup', 'NetworkCoreSecurityGroup');
    expect(lab.json.Resources[cleanup].Properties!.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [primary, 'GroupId'] },
      { 'Fn::GetAtt': [core, 'GroupId'] },
    ]);
    expect(lab.json.Resources[cleanup].Properties!.ServiceTimeout).toBe('300');
    const dependsOn = cluster.DependsOn as string[];
    expect(dependsOn).toContain(cleanup);
    expect(dependsOn).toContain(idOf(lab, 'Custom::S3AutoDeleteObjects', 'OutputBucketAutoDeleteObjectsCustomResource'));
    expect(dependsOn).toContain(idOf(lab, 'Custom::S3AutoDeleteObjects', 'LogBucketAutoDeleteObjectsCustomResource'));
    expect(dependsOn).toContain(idOf(lab, 'AWS::EC2::Route', 'NetworkVpcPublicSubnet1DefaultRoute'));
    // The cleanup function may revoke rules of these two groups only.
    const fn = lab.json.Resources[cleanup].Properties!.ServiceToken['Fn::GetAtt'][0];
    const roleId = lab.json.Resources[fn].Properties!.Role['Fn::GetAtt'][0];
    const policy = Object.values(lab.json.Resources).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles[0].Ref === roleId)!;
    const revoke = policy.Properties!.PolicyDocument.Statement.find((s: any) => s.Sid === 'RevokeRulesOfTheLabGroups');
    expect([...revoke.Action].sort()).toEqual(['ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress']);
    expect(text(revoke.Resource)).toContain(primary);
    expect(text(revoke.Resource)).toContain(core);
    expect(revoke.Resource).toHaveLength(2);
  });

  test('an output bucket and a log bucket, both private and emptied on delete; EMR logs to the log bucket', () => {
    lab.template.resourceCountIs('AWS::S3::Bucket', 2);
    for (const bucket of Object.values(lab.template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Delete');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    expect(props.LogUri).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: logBucket }, '/elasticmapreduce/']] });
  });

  test('the service role: EMR of this account and region only, the v2 managed policy, passing only the lab node role', () => {
    const serviceRole = props.ServiceRole.Ref;
    const role = lab.json.Resources[serviceRole].Properties!;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'elasticmapreduce.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticmapreduce:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']],
            },
          },
        },
      },
    ]);
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEMRServicePolicy_v2']] },
    ]);
    const instanceRole = lab.json.Resources[props.JobFlowRole.Ref].Properties!.Roles[0].Ref;
    const key = { 'Fn::GetAtt': [idOf(lab, 'AWS::KMS::Key', 'SecurityConfigurationLocalDiskKey'), 'Arn'] };
    expect(statementsOf(lab, serviceRole)).toEqual([
      {
        Sid: 'PassTheNodeRoleToEc2',
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [instanceRole, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
      expect.objectContaining({ Sid: 'EncryptEbsVolumes', Resource: key }),
      {
        Sid: 'LetEc2HoldGrantsOnTheKey',
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Effect: 'Allow',
        Resource: key,
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ]);
    // Nothing relies on the account's default EMR roles.
    expect(text(lab.json)).not.toMatch(/EMR_DefaultRole|EMR_EC2_DefaultRole|AmazonElasticMapReduce/);
  });

  test("the EMR service policy's acknowledgement names everything that carries the EMR-managed tag, and nothing else", () => {
    const words: Record<string, string> = {
      'AWS::EC2::VPC': 'VPC',
      'AWS::EC2::Subnet': 'subnet',
      'AWS::EC2::RouteTable': 'route table',
      'AWS::EC2::InternetGateway': 'internet gateway',
      'AWS::EC2::FlowLog': 'flow log',
      'AWS::EC2::SecurityGroup': 'security groups',
      'AWS::EMR::Cluster': 'cluster',
    };
    const taggedTypes = [
      ...new Set(
        Object.values(lab.json.Resources)
          .filter((r) => JSON.stringify(r.Properties?.Tags ?? []).includes('"for-use-with-amazon-emr-managed-policies"'))
          .map((r) => r.Type),
      ),
    ].sort();
    expect(taggedTypes.filter((t) => !words[t])).toEqual([]); // a new tagged type needs a word here and in the reason
    const named = Object.entries(words).filter(([, w]) => EMR_SERVICE_POLICY_REASON.includes(w)).map(([t]) => t).sort();
    expect(named).toEqual(taggedTypes);
  });

  test("the nodes' instance profile is named after its role (EMR refuses a profile whose name differs)", () => {
    const profile = lab.json.Resources[props.JobFlowRole.Ref];
    expect(profile.Type).toBe('AWS::IAM::InstanceProfile');
    expect(profile.Properties!.InstanceProfileName).toEqual({ Ref: profile.Properties!.Roles[0].Ref });
  });

  test('the node role: the script, the input, the output bucket, its log folder, the disk key and Session Manager; nothing else', () => {
    const instanceRole = lab.json.Resources[props.JobFlowRole.Ref].Properties!.Roles[0].Ref;
    const role = lab.json.Resources[instanceRole].Properties!;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } },
    ]);
    expect(role.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOf(lab, instanceRole);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'ReadTheHiveScript',
      'ListTheInputBucket',
      'ReadTheInputLogs',
      'ListTheOutputBucket',
      'WriteTheResults',
      'WriteClusterLogs',
      'EncryptLocalDisks',
      'SessionManager',
    ]);
    expect(bySid.ReadTheHiveScript.Action).toBe('s3:GetObject');
    expect(text(bySid.ReadTheHiveScript.Resource)).toMatch(/cdk-hnb659fds-assets-.*\/[0-9a-f]{64}\.q"/);
    expect(text(bySid.ReadTheInputLogs.Resource)).toContain('.elasticmapreduce.samples/cloudfront/data*');
    expect(bySid.WriteTheResults.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [outputBucket, 'Arn'] }, '/*']] });
    expect(bySid.WriteClusterLogs.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucket, 'Arn'] }, '/elasticmapreduce/*']] });
    expect(bySid.WriteClusterLogs.Action).not.toContain('s3:GetObject');
    // No wildcard actions; the only "*" resource is for the Session Manager agent's actions.
    for (const s of statements) {
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*/);
      if (s.Resource === '*') expect(s.Sid).toBe('SessionManager');
    }
    expect(bySid.SessionManager.Action).toEqual([
      'ssm:UpdateInstanceInformation',
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
    ]);
  });

  test('a security configuration encrypts local disks and EBS with the stack key, and EMRFS writes with SSE-S3', () => {
    const keyId = idOf(lab, 'AWS::KMS::Key', 'SecurityConfigurationLocalDiskKey');
    const configId = props.SecurityConfiguration.Ref;
    expect(lab.json.Resources[configId].Properties!.SecurityConfiguration).toEqual({
      EncryptionConfiguration: {
        EnableInTransitEncryption: false,
        EnableAtRestEncryption: true,
        AtRestEncryptionConfiguration: {
          S3EncryptionConfiguration: { EncryptionMode: 'SSE-S3' },
          LocalDiskEncryptionConfiguration: {
            EncryptionKeyProviderType: 'AwsKms',
            AwsKmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] },
            EnableEbsEncryption: true,
          },
        },
      },
    });
    lab.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ EnableKeyRotation: true, PendingWindowInDays: 7 }),
    });
  });

  test('the outputs: ResultsUri and the exact commands to watch the step and read the result', () => {
    const outputs = lab.json.Outputs!;
    const clusterId = { Ref: idOf(lab, 'AWS::EMR::Cluster', 'Cluster') };
    expect(outputs.ResultsUri.Value).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: outputBucket }, '/os_requests/']] });
    expect(outputs.ClusterId.Value).toEqual(clusterId);
    const command = (id: string) => {
      const value = outputs[id].Value as any;
      return (value['Fn::Join']?.[1] ?? [value]).map((p: unknown) => (typeof p === 'string' ? p : `<${text(p)}>`)).join('');
    };
    const cluster = `<${text(clusterId)}>`;
    const region = '--region <{"Ref":"AWS::Region"}>';
    const results = `s3://<{"Ref":"${outputBucket}"}>/os_requests/`;
    expect(command('WatchStepCommand')).toBe(
      `aws emr list-steps --cluster-id ${cluster} ${region} --query 'Steps[].[Name,Status.State,Id]' --output table`,
    );
    expect(command('DescribeStepCommand')).toBe(
      `aws emr describe-step --cluster-id ${cluster} ${region} --query Step.Status --step-id ` +
        `$(aws emr list-steps --cluster-id ${cluster} ${region} --query 'Steps[?Name==\`os-requests\`].Id | [0]' --output text)`,
    );
    expect(command('ListResultsCommand')).toBe(`aws s3 ls ${results} ${region}`);
    expect(command('ReadResultsCommand')).toBe(`aws s3 cp --recursive ${results} os_requests/ ${region} && cat os_requests/*`);
    expect(command('ClusterCostPerHour')).toBe('$0.4205 per hour: 3 x m4.large (EC2, EMR fee, public IPv4, EBS)');
    if (mode === 'long-running') {
      expect(command('ConnectCommand')).toContain('aws ssm start-session');
      expect(command('ConnectCommand')).toContain(`list-instances --cluster-id ${cluster}`);
      expect(command('RerunStepCommand')).toContain(
        `aws emr add-steps --cluster-id ${cluster} ${region} --steps 'Type=CUSTOM_JAR,Name=os-requests,ActionOnFailure=CONTINUE,Jar=command-runner.jar,Args=[hive-script,--run-hive-script,--args,-f,`,
      );
    } else {
      // Nothing to connect to or add steps to once the step is done.
      expect(outputs.ConnectCommand).toBeUndefined();
      expect(outputs.RerunStepCommand).toBeUndefined();
    }
  });

  test("ClusterStateCommand and the guide name only EMR's documented cluster states and reason codes", () => {
    // https://docs.aws.amazon.com/emr/latest/APIReference/API_ClusterStatus.html and API_ClusterStateChangeReason.html
    const documented = new Set([
      'STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING', 'TERMINATED', 'TERMINATED_WITH_ERRORS',
      'INTERNAL_ERROR', 'VALIDATION_ERROR', 'INSTANCE_FAILURE', 'INSTANCE_FLEET_TIMEOUT', 'BOOTSTRAP_FAILURE',
      'USER_REQUEST', 'STEP_FAILURE', 'ALL_STEPS_COMPLETED',
    ]);
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'hadoop', 'README.md'), 'utf8');
    const description = (longRunning.json.Outputs!.ClusterStateCommand as { Description?: string }).Description!;
    const codes = (t: string) => [...t.matchAll(/\b[A-Z]+(?:_[A-Z]+)+\b|\bTERMINATED\b/g)].map((m) => m[0]);
    expect(codes(description)).toContain('ALL_STEPS_COMPLETED');
    const stateWords = [...codes(description), ...codes(guide)].filter((c) => /TIMEOUT|COMPLETED|TERMINAT|FAILURE|_ERROR/.test(c));
    expect(stateWords.filter((c) => !documented.has(c))).toEqual([]);
  });

  test('the lab guide names only outputs the stack has', () => {
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'hadoop', 'README.md'), 'utf8');
    const outputs = Object.keys(longRunning.json.Outputs!);
    const named = [...guide.matchAll(/`([A-Z][A-Za-z]+(?:Command|Uri|Id|PerHour))`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(6);
    expect(named.filter((n) => !outputs.includes(n))).toEqual([]);
  });
});

describe('hourly cost (labs cost), on the synths above', () => {
  test.each([
    ['long-running', longRunning],
    ['transient', transient],
  ])('%s: the running cluster, its disks, addresses and the key, all priced, as the hand calculation says', (_mode, lab) => {
    // Hand calculation (lib/hadoop/README.md): 3 nodes x (m4.large EC2 0.10 + EMR fee 0.03 + public IPv4
    // 0.005 + 15 GB and 32 GB of gp3 at 0.08 per GB-month / 730 h) + the KMS key's $1 / 730 h. Spot core
    // nodes at the on-demand price. A transient cluster costs the same while it runs.
    const e = estimateStack('HadoopLabStack', lab.json as never);
    const expected = 3 * (0.1 + 0.03 + 0.005 + (47 * 0.08) / 730) + 1 / 730;
    expect(e.usdPerHour).toBeCloseTo(expected, 10);
    expect(e.usdPerHour).toBeCloseTo(clusterHourlyCost('m4.large', 3) + KMS_KEY_HOURLY, 10);
    expect(e.unpriced).toBe(0);
  });

  test("the README's lab table shows the figure labs cost prints at defaults", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `HadoopLabStack` |'))!;
    const figure = formatUsdPerHour(estimateStack('HadoopLabStack', longRunning.json as never).usdPerHour);
    expect(figure).toBe('$0.4218/h');
    expect(row.split(' | ')[3].slice(0, figure.length)).toBe(figure);
  });
});

describe('every option switched: one node, on-demand, Graviton, Spark, ten-minute idle timeout, own input', () => {
  const app = new App({ context: CDK_JSON_CONTEXT });
  const stack = new HadoopLabStack(app, 'HadoopLabStack', {
    coreNodes: 0,
    coreSpot: false,
    instanceType: 'm6g.xlarge',
    applications: ['Spark', 'Hive', 'Hadoop'],
    idleTimeoutSeconds: 600,
    input: 's3://course-logs-example/cloudfront/2014/',
  });
  const template = Template.fromStack(stack);
  const props = Object.values(template.findResources('AWS::EMR::Cluster'))[0].Properties;

  test('a one-node cluster has no core group; the primary is the only node', () => {
    expect(props.Instances.MasterInstanceGroup).toMatchObject({ InstanceCount: 1, InstanceType: 'm6g.xlarge', Market: 'ON_DEMAND' });
    expect(props.Instances.CoreInstanceGroup).toBeUndefined();
    expect(JSON.stringify(template.toJSON().Outputs.ClusterCostPerHour.Value)).toContain('1 x m6g.xlarge');
  });

  test('applications in EMR order, and the idle timeout as given', () => {
    expect(props.Applications).toEqual([{ Name: 'Hadoop' }, { Name: 'Hive' }, { Name: 'Spark' }]);
    expect(props.AutoTerminationPolicy).toEqual({ IdleTimeout: 600 });
  });

  test('the step and the node role follow the input setting (trailing slash dropped)', () => {
    expect(props.Steps[0].HadoopJarStep.Args[6]).toBe('INPUT=s3://course-logs-example/cloudfront/2014');
    const role = Object.values(template.findResources('AWS::IAM::Role')).find((r) =>
      JSON.stringify(r.Properties.Policies ?? []).includes('ReadTheInputLogs'),
    )!;
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    const arn = (sid: string) => JSON.stringify(statements.find((s: any) => s.Sid === sid).Resource);
    expect(arn('ReadTheInputLogs')).toBe(JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::course-logs-example/cloudfront/2014*']] }));
    expect(arn('ListTheInputBucket')).toBe(JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::course-logs-example']] }));
  });
});

describe('props checked by the constructs themselves (for code that builds the stack without the settings)', () => {
  test.each([
    [{ coreNodes: 9 }, /coreNodes must be a whole number from 0 to 8, got 9/],
    [{ coreNodes: 1.5 }, /coreNodes must be a whole number from 0 to 8, got 1.5/],
    [{ idleTimeoutSeconds: 59 }, /idleTimeoutSeconds must be a whole number from 60 to 604800, got 59/],
    [{ idleTimeoutSeconds: 604801 }, /idleTimeoutSeconds must be a whole number from 60 to 604800/],
    [{ applications: ['Hadoop', 'Hive', 'Hbase'] as any }, /unknown applications Hbase/],
    [{ input: 'https://example.com/logs' }, /input must be s3:\/\/bucket or s3:\/\/bucket\/prefix/],
  ])('%p is refused', (props, message) => {
    expect(() => new HadoopLabStack(new App(), 'HadoopLabStack', props)).toThrow(message);
  });
});
