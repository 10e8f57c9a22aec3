import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import {
  BOOTSTRAP_TIMEOUTS,
  BOOTSTRAP_TOKEN_TTL,
  FLANNEL_MANIFEST_FILE,
  FLANNEL_RELEASE_MANIFEST_SHA256,
  FLANNEL_VERSION,
  KUBERNETES_MINOR,
  NodeRole,
  NODE_PORTS,
  Orchestrator,
  SAMPLE_NODE_PORT,
  SWARM_ADDRESS_POOL,
} from '../../lib/container-cluster/cluster-config';
import { USER_DATA_LIMIT_BYTES } from '../../lib/container-cluster/node-user-data';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { normalizedTemplate } from '../helpers/synth';
import { SynthesizedCluster, synthCluster } from './helpers';

const kubernetes = synthCluster();
const swarm = synthCluster({ orchestrator: 'swarm' });
const custom = synthCluster({ workerCount: 3, workerInstanceType: 't3.small', sshCidr: '203.0.113.0/24', ttlHours: 8 });
/** The default cluster with only settings that must not touch the nodes changed. */
const sameShape = synthCluster({ ttlHours: 12, sshCidr: '198.51.100.7/32' });

const MODES: Array<[Orchestrator, SynthesizedCluster]> = [
  ['kubernetes', kubernetes],
  ['swarm', swarm],
];
const ALL: Array<[string, SynthesizedCluster]> = [...MODES, ['3 x86 workers, SSH', custom]];

const idOf = (value: any): string => value.Ref ?? value['Fn::GetAtt']?.[0];
const only = (cluster: SynthesizedCluster, type: string): [string, any] => {
  const entries = Object.entries(cluster.of(type));
  expect(entries).toHaveLength(1);
  return entries[0];
};
const instances = (cluster: SynthesizedCluster) => Object.entries(cluster.of('AWS::EC2::Instance'));

describe.each(MODES)('ContainerClusterLabStack (%s)', (_mode, cluster) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(cluster.json)).toMatchSnapshot();
  });
});

describe.each(ALL)('every node (%s)', (_name, cluster) => {
  test('requires IMDSv2, with a hop limit that keeps containers away from the node role', () => {
    for (const [id, instance] of instances(cluster)) {
      expect({ id, options: instance.Properties.MetadataOptions }).toEqual({
        id,
        options: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      });
    }
  });

  test('has only encrypted gp3 volumes, deleted with the instance', () => {
    for (const [id, instance] of instances(cluster)) {
      const mappings = instance.Properties.BlockDeviceMappings;
      expect(mappings.length).toBeGreaterThan(0);
      for (const m of mappings) {
        expect({ id, ebs: m.Ebs }).toEqual({
          id,
          ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true, VolumeSize: expect.any(Number) },
        });
      }
    }
  });

  test('runs the current Amazon Linux 2023 image for its architecture, resolved by CloudFormation at deploy time', () => {
    for (const [id, instance] of instances(cluster)) {
      const parameter = cluster.json.Parameters[idOf(instance.Properties.ImageId)];
      expect({ id, type: parameter.Type }).toEqual({ id, type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' });
      const architecture = instance.Properties.InstanceType.startsWith('t4g') ? 'arm64' : 'x86_64';
      expect(parameter.Default).toBe(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`);
    }
  });

  test('every security group rule comes from another node, or SSH to the control plane from the sshCidr only', () => {
    const rules = ingressRules(cluster);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      if ('cidr' in rule) expect(rule).toEqual({ to: 'control-plane', port: 22, protocol: 'tcp', cidr: '203.0.113.0/24' });
      expect(JSON.stringify(rule)).not.toMatch(/0\.0\.0\.0\/0|::\/0/);
    }
    expect(rules.filter((r) => 'cidr' in r).length).toBe(cluster === custom ? 1 : 0);
  });
});

describe.each(MODES)('node-to-node ports (%s)', (mode, cluster) => {
  test('exactly the ports the orchestrator and the exercises need, from the role that connects to the role that listens', () => {
    const expected = NODE_PORTS[mode].flatMap((p) =>
      p.to.flatMap((to) =>
        p.from.filter((from) => !(from === 'control-plane' && to === 'control-plane')).map((from) => `${from} -> ${to} ${p.protocol}/${p.port}`),
      ),
    );
    const actual = ingressRules(cluster).map((r) => ('from' in r ? `${r.from} -> ${r.to} ${r.protocol}/${r.port}` : `cidr ${r.cidr}`));
    expect(actual.sort()).toEqual(expected.sort());
  });
});

test('the ports are those of the Kubernetes and Swarm documentation', () => {
  const listed = (mode: Orchestrator) => NODE_PORTS[mode].map((p) => `${p.protocol}/${p.port}`).sort();
  // Plus, in both modes, the workers' outbound HTTP and HTTPS, which the control plane forwards.
  expect(listed('kubernetes')).toEqual(['tcp/10250', `tcp/${SAMPLE_NODE_PORT}`, 'tcp/443', 'tcp/6443', 'tcp/80', 'udp/8472'].sort());
  expect(listed('swarm')).toEqual(['tcp/2377', 'tcp/443', 'tcp/7946', 'tcp/80', 'udp/4789', 'udp/7946']);
  for (const mode of ['kubernetes', 'swarm'] as const) {
    const egress = NODE_PORTS[mode].filter((p) => p.port === 80 || p.port === 443);
    expect(egress.map((p) => [p.protocol, p.from, p.to])).toEqual([['tcp', ['worker'], ['control-plane']], ['tcp', ['worker'], ['control-plane']]]);
  }
  // The API server listens on the control plane only and the kubelet API is called by it only.
  const api = NODE_PORTS.kubernetes.find((p) => p.port === 6443)!;
  expect([api.from, api.to]).toEqual([['worker'], ['control-plane']]);
});

describe.each(ALL)('network (%s)', (_name, cluster) => {
  const subnets = Object.entries(cluster.of('AWS::EC2::Subnet'));
  const subnetNamed = (name: string) => {
    const found = subnets.filter(([, s]) => s.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-name' && t.Value === name));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const routesOf = (subnetId: string) => {
    const association = Object.values(cluster.of('AWS::EC2::SubnetRouteTableAssociation')).find((a) => idOf(a.Properties.SubnetId) === subnetId)!;
    const table = idOf(association.Properties.RouteTableId);
    return Object.entries(cluster.of('AWS::EC2::Route')).filter(([, r]) => idOf(r.Properties.RouteTableId) === table);
  };
  const controlPlane = () => cluster.json.Resources[cluster.nodeId('ControlPlane')];
  const workers = () => instances(cluster).filter(([id]) => id.startsWith('Worker'));

  test('one AZ, no NAT gateway and no Elastic IP: the control plane alone has a public address', () => {
    cluster.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    cluster.template.resourceCountIs('AWS::EC2::EIP', 0);
    expect(subnets).toHaveLength(2);
    expect(new Set(subnets.map(([, s]) => JSON.stringify(s.Properties.AvailabilityZone))).size).toBe(1);
    const [publicId, publicSubnet] = subnetNamed('ControlPlane');
    const [privateId, privateSubnet] = subnetNamed('Workers');
    expect([publicSubnet.Properties.MapPublicIpOnLaunch, privateSubnet.Properties.MapPublicIpOnLaunch]).toEqual([true, false]);
    expect(idOf(controlPlane().Properties.SubnetId)).toBe(publicId);
    for (const [id, worker] of workers()) expect({ id, subnet: idOf(worker.Properties.SubnetId) }).toEqual({ id, subnet: privateId });
    for (const [id, node] of instances(cluster)) expect({ id, associate: node.Properties.NetworkInterfaces }).toEqual({ id, associate: undefined });
  });

  test("the workers' only way out is the control plane, which forwards (source/destination check off)", () => {
    const [privateId] = subnetNamed('Workers');
    const routes = routesOf(privateId);
    expect(routes.map(([, r]) => r.Properties)).toEqual([
      { RouteTableId: expect.anything(), DestinationCidrBlock: '0.0.0.0/0', InstanceId: { Ref: cluster.nodeId('ControlPlane') } },
    ]);
    expect(controlPlane().Properties.SourceDestCheck).toBe(false);
    for (const [id, worker] of workers()) {
      expect({ id, check: worker.Properties.SourceDestCheck }).toEqual({ id, check: undefined }); // EC2's default: on
      expect({ id, dependsOnRoute: worker.DependsOn.includes(routes[0][0]) }).toEqual({ id, dependsOnRoute: true });
    }
    // The control plane boots once its own route to the internet gateway exists.
    const [publicId] = subnetNamed('ControlPlane');
    const [[igwRouteId, igwRoute]] = routesOf(publicId);
    expect(igwRoute.Properties.GatewayId).toBeDefined();
    expect(controlPlane().DependsOn).toContain(igwRouteId);
  });

  test("the control plane forwards exactly the workers' subnet", () => {
    const [, privateSubnet] = subnetNamed('Workers');
    expect(privateSubnet.Properties.CidrBlock).toBe('10.0.1.0/24');
    expect(cluster.userData(cluster.nodeId('ControlPlane'))).toContain(`WORKER_SUBNET_CIDR='${privateSubnet.Properties.CidrBlock}'`);
  });
});

describe('ready means ready', () => {
  test.each(ALL)('(%s) one wait condition, signalled once, with a stated timeout, started when every node exists', (_name, cluster) => {
    const [handleId] = only(cluster, 'AWS::CloudFormation::WaitConditionHandle');
    const [, wait] = only(cluster, 'AWS::CloudFormation::WaitCondition');
    expect(wait.Properties).toEqual({ Handle: { Ref: handleId }, Count: 1, Timeout: String(BOOTSTRAP_TIMEOUTS.clusterReadySeconds) });
    for (const [id] of instances(cluster)) expect(wait.DependsOn).toContain(id);
    // Every node signals the same handle: the control plane SUCCESS once all are Ready, any node FAILURE.
    for (const [id] of instances(cluster)) expect(cluster.userData(id)).toContain(`READY_SIGNAL_URL='⟨Ref ${handleId}⟩'`);
  });

  test("every node gives up, and says so, before CloudFormation does: the worst case, summed", () => {
    const t = BOOTSTRAP_TIMEOUTS;
    // What bounds each step of a node's bootstrap, read from its rendered user data: each download or
    // install (with_timeout), each wait, and the steps with no limit of their own (kubeadm, kubectl apply).
    const bounds = (script: string) => {
      const lines = script.split('\n');
      const installs = lines.filter((l) => /^\s*(with_timeout |.*\|\| with_timeout )/.test(l) && !l.includes('with_timeout()')).length;
      const waits = [
        [/^wait_for_egress /m, t.egressWaitSeconds],
        [/^wait_for_join_data /m, t.joinWaitSeconds],
        [/^wait_for_ready_nodes /m, t.nodesReadyWaitSeconds],
        [/rollout status deployment\/coredns/m, t.clusterDnsWaitSeconds],
      ] as const;
      const waited = waits.filter(([pattern]) => pattern.test(script)).reduce((sum, [, seconds]) => sum + seconds, 0);
      const unbounded = /^kubeadm (init|join) /m.test(script); // kubeadm's own timeouts are minutes long
      return { installs, sum: installs * t.installSeconds + waited, unbounded };
    };
    for (const [name, cluster] of ALL) {
      for (const [id] of instances(cluster)) {
        const script = cluster.userData(id);
        const { installs, sum, unbounded } = bounds(script);
        expect({ name, id, installs: installs > 0 }).toEqual({ name, id, installs: true });
        // The limits of the steps alone do not bound a node (a worker: 240 + 4 x 600 + 900 s; kubeadm has
        // its own): the deadline does. Every step is cut to it, and the watchdog ends whatever runs then.
        const worst = unbounded ? t.nodeDeadlineSeconds : Math.min(sum, t.nodeDeadlineSeconds);
        expect({ name, id, fits: worst + t.signalSeconds + t.bootBeforeWaitSeconds < t.clusterReadySeconds }).toEqual({ name, id, fits: true });
        expect(script).toContain(`DEADLINE_SECONDS='${t.nodeDeadlineSeconds}'`);
        expect(script).toMatch(/^start_bootstrap\(\) \{[^}]*\n  start_deadline_watchdog\n  trap stop_deadline_watchdog EXIT\n\}/m);
        for (const wait of ['egress_open', 'join_data_published "$1"', 'enough_nodes_ready']) {
          const at = script.indexOf(`wait_until "$LIMIT" ${wait}`);
          if (at >= 0) expect(script.lastIndexOf('limit_to_deadline', at)).toBeGreaterThan(script.lastIndexOf('\n}', at));
        }
        expect(script).toContain('with_timeout() {\n  limit_to_deadline "$INSTALL_TIMEOUT_SECONDS"\n  timeout "$LIMIT" "$@"\n}');
      }
    }
    // The worst case of a node: its deadline from boot, then one signal; it may have booted a little
    // before the wait condition started. All of it within the wait condition's timeout.
    expect(t.nodeDeadlineSeconds + t.signalSeconds + t.bootBeforeWaitSeconds).toBeLessThan(t.clusterReadySeconds);
    // One signal's bound is what curl is told: --retry-max-time plus one attempt's --max-time.
    const curl = kubernetes.userData(kubernetes.nodeId('Worker1')).match(/--retry-max-time (\d+) --max-time (\d+)/)!;
    expect(Number(curl[1]) + Number(curl[2])).toBe(t.signalSeconds);
    // Each step's own limit still fits in the deadline, so it, not the watchdog, names what ran out.
    for (const seconds of [t.egressWaitSeconds, t.joinWaitSeconds, t.nodesReadyWaitSeconds, t.clusterDnsWaitSeconds, t.installSeconds]) {
      expect(seconds).toBeLessThan(t.nodeDeadlineSeconds);
    }
    expect(t.pollSeconds).toBeLessThan(t.joinWaitSeconds / 10);
    expect(t.clusterReadySeconds).toBeLessThanOrEqual(3600);
  });

  test("the join token lives about an hour: past every worker's deadline, and no longer", () => {
    const [, h, m, sec] = BOOTSTRAP_TOKEN_TTL.match(/^(\d+)h(\d+)m(\d+)s$/)!.map(Number);
    const ttl = h * 3600 + m * 60 + sec;
    expect(ttl).toBeGreaterThan(BOOTSTRAP_TIMEOUTS.nodeDeadlineSeconds);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(kubernetes.userData(kubernetes.nodeId('ControlPlane'))).toContain(`BOOTSTRAP_TOKEN_TTL='${BOOTSTRAP_TOKEN_TTL}'`);
  });

  test('settings that do not shape the cluster (ttlHours, sshCidr) keep every node and the wait condition', () => {
    const ids = (c: SynthesizedCluster) => [
      ...Object.keys(c.of('AWS::EC2::Instance')),
      ...Object.keys(c.of('AWS::CloudFormation::WaitCondition')),
      ...Object.keys(c.of('AWS::CloudFormation::WaitConditionHandle')),
    ];
    expect(ids(sameShape).sort()).toEqual(ids(kubernetes).sort());
  });

  test('a change of instance type or worker count replaces every node, so the bootstraps run again and signal the new wait condition', () => {
    // EC2 would change an instance's type in place (stop, modify, start), and a node kept that way would
    // not run its bootstrap again: the new wait condition would time out. The new condition's handle is
    // in every node's user data, so every node is replaced instead (a new logical id). A new worker count
    // replaces the existing workers too: no worker ever joins with an older control plane's token.
    const ids = (c: SynthesizedCluster) => [c.nodeId('ControlPlane'), c.nodeId('Worker1'), c.nodeId('Worker2')];
    const base = ids(kubernetes);
    for (const props of [{ controlPlaneInstanceType: 't4g.medium' }, { workerInstanceType: 't4g.small' }, { workerCount: 3 }, { workerCount: 2, orchestrator: 'swarm' as const }]) {
      const changed = synthCluster(props);
      expect({ props, kept: ids(changed).filter((id) => base.includes(id)) }).toEqual({ props, kept: [] });
      expect({ props, waitKept: Object.keys(changed.of('AWS::CloudFormation::WaitCondition')).filter((id) => kubernetes.json.Resources[id]) }).toEqual({ props, waitKept: [] });
    }
  });

  test('a redeploy that rebuilds the cluster gets a new wait condition, so it waits for the new nodes too', () => {
    for (const other of [swarm, custom]) {
      const [waitId] = only(other, 'AWS::CloudFormation::WaitCondition');
      const [handleId] = only(other, 'AWS::CloudFormation::WaitConditionHandle');
      expect(kubernetes.json.Resources[waitId]).toBeUndefined();
      expect(kubernetes.json.Resources[handleId]).toBeUndefined();
      expect(kubernetes.json.Resources[other.nodeId('ControlPlane')]).toBeUndefined();
    }
  });
});

describe('instance roles: least privilege', () => {
  const policiesOf = (cluster: SynthesizedCluster, roleId: string) =>
    Object.values(cluster.of('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const roleOf = (cluster: SynthesizedCluster, nodeId: string) => {
    const profileId = idOf(cluster.json.Resources[nodeId].Properties.IamInstanceProfile);
    return idOf(cluster.json.Resources[profileId].Properties.Roles[0]);
  };

  test.each(ALL)('(%s) control plane: SSM, write the join secret, read the one workload object', (_name, cluster) => {
    const [secretId] = only(cluster, 'AWS::SecretsManager::Secret');
    const roleId = roleOf(cluster, cluster.nodeId('ControlPlane'));
    expect(policiesOf(cluster, roleId)).toEqual([
      { Action: 'secretsmanager:PutSecretValue', Effect: 'Allow', Resource: { Ref: secretId } },
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Sub': expect.stringContaining('cdk-hnb659fds-assets') }, expect.stringMatching(/^\/[0-9a-f]{64}\.zip$/)]],
        },
      },
    ]);
    expectSsmOnly(cluster, roleId);
  });

  test.each(ALL)('(%s) workers: SSM and read the join secret, nothing else', (_name, cluster) => {
    const [secretId] = only(cluster, 'AWS::SecretsManager::Secret');
    const roleId = roleOf(cluster, cluster.nodeId('Worker1'));
    expect(policiesOf(cluster, roleId)).toEqual([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } }]);
    expectSsmOnly(cluster, roleId);
    for (const [id] of instances(cluster).filter(([id]) => id.startsWith('Worker'))) expect(roleOf(cluster, id)).toBe(roleId);
  });

  function expectSsmOnly(cluster: SynthesizedCluster, roleId: string) {
    const role = cluster.json.Resources[roleId].Properties;
    // Not AmazonSSMManagedInstanceCore: it reads every SSM parameter in the account (ssm:GetParameter(s) on *).
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toEqual([
      {
        PolicyName: 'SsmAgent',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'SessionManager',
              Effect: 'Allow',
              Action: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
              Resource: '*',
            },
            {
              Sid: 'RunCommand',
              Effect: 'Allow',
              Action: ['ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply'],
              Resource: '*',
            },
          ],
        },
      },
    ]);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } },
    ]);
  }

  test.each(ALL)('(%s) no role in the stack can read SSM parameters or holds an AWS managed policy', (_name, cluster) => {
    const text = JSON.stringify(cluster.json);
    expect(text).not.toContain('AmazonSSMManagedInstanceCore');
    expect(text).not.toMatch(/"ssm:GetParameters?"/);
  });

  test("reading the workload asset from a bootstrap bucket encrypted with CDK's own customer managed key needs no grant: the key's policy lets the account's principals decrypt through S3", () => {
    // `cdk bootstrap --bootstrap-customer-key` creates this key; its policy is in the CDK CLI's bootstrap template.
    const template = yaml.load(fs.readFileSync(require.resolve('aws-cdk/lib/api/bootstrap/bootstrap-template.yaml'), 'utf8')) as any;
    const key = template.Resources.FileAssetsBucketEncryptionKey;
    expect(key.Condition).toBe('CreateNewKey');
    const throughS3 = key.Properties.KeyPolicy.Statement.find((s: any) => s.Principal?.AWS === '*');
    expect(throughS3.Action).toContain('kms:Decrypt');
    expect(throughS3.Condition.StringEquals['kms:CallerAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(throughS3.Condition.StringEquals['kms:ViaService']).toEqual([{ 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' }]);
    // A key of your own (--bootstrap-kms-key-id) has the policy you gave it: the guide says what to add.
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'container-cluster', 'README.md'), 'utf8');
    expect(guide).toContain('--bootstrap-kms-key-id');
    expect(guide).toContain('--bootstrap-customer-key');
  });
});

describe('the join secret', () => {
  test.each(ALL)('(%s) is owned by the stack, deleted with it, created with a random value, never output', (_name, cluster) => {
    const [secretId, secret] = only(cluster, 'AWS::SecretsManager::Secret');
    expect(secret.DeletionPolicy).toBe('Delete');
    expect(secret.Properties.GenerateSecretString).toEqual({});
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(JSON.stringify(cluster.json.Outputs)).not.toContain(secretId);
    expect(JSON.stringify(cluster.json)).not.toContain('resolve:secretsmanager');
  });
});

describe('outputs', () => {
  test.each(ALL)('(%s) an SSM session command for each node, with its instance id', (_name, cluster) => {
    const nodes = instances(cluster).map(([id]) => id);
    const sessions = Object.entries(cluster.json.Outputs).filter(([k]) => k.endsWith('Session'));
    expect(sessions).toHaveLength(nodes.length);
    for (const [key, output] of sessions) {
      const node = cluster.nodeId(key.replace(/Session$/, '') as 'ControlPlane');
      expect(output.Value).toEqual({ 'Fn::Join': ['', ['aws ssm start-session --target ', { Ref: node }, ' --region ', { Ref: 'AWS::Region' }]] });
    }
  });

  test('SSH commands only when sshCidr is set: direct to the control plane, through Session Manager to a worker', () => {
    expect(Object.keys(kubernetes.json.Outputs).filter((k) => k.endsWith('Ssh'))).toEqual([]);
    expect(Object.keys(custom.json.Outputs).filter((k) => k.endsWith('Ssh'))).toEqual(['ControlPlaneSsh', 'Worker1Ssh', 'Worker2Ssh', 'Worker3Ssh']);
    const text = (key: string) => custom.render(custom.json.Outputs[key].Value);
    expect(text('ControlPlaneSsh')).toBe(
      `aws ec2-instance-connect ssh --instance-id ⟨Ref ${custom.nodeId('ControlPlane')}⟩ --os-user ec2-user --connection-type direct --region ⟨Ref AWS::Region⟩`,
    );
    const worker = `⟨Ref ${custom.nodeId('Worker2')}⟩`;
    expect(text('Worker2Ssh')).toBe(
      `aws ec2-instance-connect send-ssh-public-key --instance-id ${worker} --instance-os-user ec2-user --ssh-public-key file://$HOME/.ssh/id_ed25519.pub --region ⟨Ref AWS::Region⟩ >/dev/null` +
        ` && ssh -o ProxyCommand='aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p --region ⟨Ref AWS::Region⟩' ec2-user@${worker}`,
    );
  });

  test('the first commands fit the orchestrator', () => {
    expect(kubernetes.json.Outputs.FirstCommands.Value).toContain('kubectl apply -f ~/workload/kubernetes/web.yaml');
    expect(swarm.json.Outputs.FirstCommands.Value).toContain('docker stack deploy -c ~/workload/swarm/vote-stack.yml vote');
  });
});

describe('instance types', () => {
  test('defaults: the cheapest that meet each role (t4g.small control plane, t4g.micro workers)', () => {
    expect(kubernetes.json.Resources[kubernetes.nodeId('ControlPlane')].Properties.InstanceType).toBe('t4g.small');
    expect(kubernetes.json.Resources[kubernetes.nodeId('Worker2')].Properties.InstanceType).toBe('t4g.micro');
    expect(custom.json.Resources[custom.nodeId('Worker3')].Properties.InstanceType).toBe('t3.small');
  });
});

describe('rendered user data', () => {
  const k8sControlPlane = kubernetes.userData(kubernetes.nodeId('ControlPlane'));
  const k8sWorker = kubernetes.userData(kubernetes.nodeId('Worker1'));
  const swarmManager = swarm.userData(swarm.nodeId('ControlPlane'));
  const swarmWorker = swarm.userData(swarm.nodeId('Worker1'));
  const scripts: Array<[string, string]> = [
    ['kubernetes control plane', k8sControlPlane],
    ['kubernetes worker', k8sWorker],
    ['swarm manager', swarmManager],
    ['swarm worker', swarmWorker],
  ];

  test.each(scripts)('%s: one bash script, every placeholder filled, valid syntax, no tracing', (_name, script) => {
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).not.toMatch(/__[A-Z][A-Z0-9_]*__/);
    expect(script).not.toMatch(/^source /m);
    expect(script).not.toMatch(/set -[a-wyz]*x|set -o xtrace|bash -x/);
    expect(script).toContain('set -Eeuo pipefail');
    expect(script).toContain('trap on_error ERR');
    const syntax = spawnSync('bash', ['-n'], { input: script.replace(/⟨[^⟩]*⟩/g, 'deploy-time-value'), encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });

  test.each(scripts)('%s: fits in EC2 user data with realistic deploy-time values', (_name, script) => {
    const presignedUrl = `https://cloudformation-waitcondition-us-east-1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3A${'x'.repeat(600)}`;
    const realistic = script.replace(/⟨[^⟩]*⟩/g, (m) => (m.includes('Handle') ? presignedUrl : 'x'.repeat(120)));
    expect(Buffer.byteLength(realistic)).toBeLessThan(USER_DATA_LIMIT_BYTES);
  });

  test('Kubernetes: pinned minor from pkgs.k8s.io, pinned Flannel, token kept out of output', () => {
    for (const script of [k8sControlPlane, k8sWorker]) {
      expect(script).toContain(`KUBERNETES_MINOR='${KUBERNETES_MINOR}'`);
      expect(script).toContain('baseurl=https://pkgs.k8s.io/core:/stable:/$KUBERNETES_MINOR/rpm/');
      expect(script).toContain('exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni');
      // containerd's configuration is written whole for the version installed, then checked (not sed on its defaults).
      expect(script).toContain('write_containerd_config "$(containerd --version)" "$CONTAINERD_CONFIG"\n  systemctl restart containerd\n  containerd_uses_systemd_cgroup\n');
      expect(script).not.toContain('containerd config default');
    }
    // Flannel: the manifest shipped in the workload, checked against its pinned SHA-256; nothing fetched from GitHub.
    expect(k8sControlPlane).toContain(`FLANNEL_MANIFEST_FILE='${FLANNEL_MANIFEST_FILE}'`);
    expect(k8sControlPlane).toContain(`FLANNEL_MANIFEST_SHA256='${FLANNEL_RELEASE_MANIFEST_SHA256}'`);
    expect(k8sControlPlane).toContain(
      'verified_flannel_manifest "/home/ec2-user/workload/$FLANNEL_MANIFEST_FILE" "$FLANNEL_MANIFEST_SHA256" /root/kube-flannel.yml\nkubectl apply -f /root/kube-flannel.yml\n',
    );
    expect(k8sControlPlane.indexOf('copy_workload "$WORKLOAD_S3_URL"')).toBeLessThan(k8sControlPlane.indexOf('verified_flannel_manifest "'));
    expect(k8sControlPlane).not.toMatch(/github\.com|githubusercontent/);
    expect(k8sControlPlane).toContain('kubeadm init --config "$config" --skip-token-print');
    expect(k8sControlPlane).toContain(`EXPECTED_NODES='3'`);
    expect(k8sControlPlane).toMatch(/^wait_for_ready_nodes "\$NODES_READY_WAIT_SECONDS" "\$EXPECTED_NODES" ready_nodes node_states$/m);
    // Ready means the nodes and the pod network: CoreDNS must run before the SUCCESS signal, the last command.
    const lines = k8sControlPlane.trimEnd().split('\n');
    expect(k8sControlPlane).toContain(`CLUSTER_DNS_WAIT_SECONDS='${BOOTSTRAP_TIMEOUTS.clusterDnsWaitSeconds}'`);
    const coreDns = lines.indexOf('kubectl -n kube-system rollout status deployment/coredns --timeout="${LIMIT}s"');
    expect(lines[coreDns - 1]).toBe('limit_to_deadline "$CLUSTER_DNS_WAIT_SECONDS"'); // cut to the deadline too
    expect(coreDns).toBeGreaterThan(
      lines.findIndex((l) => l.startsWith('wait_for_ready_nodes "$NODES_READY_WAIT_SECONDS"')),
    );
    expect(lines[lines.length - 1]).toMatch(/^signal_ready "all \$EXPECTED_NODES nodes Ready and CoreDNS running/);
    expect(k8sControlPlane).toContain(`NODES_READY_WAIT_SECONDS='${BOOTSTRAP_TIMEOUTS.nodesReadyWaitSeconds}'`);
    expect(custom.userData(custom.nodeId('ControlPlane'))).toContain(`EXPECTED_NODES='4'`);
  });

  test("the control plane forwards the workers' traffic first; a worker waits for that before it installs anything", () => {
    for (const script of [k8sControlPlane, swarmManager]) {
      const lines = script.split('\n');
      const forward = lines.indexOf('forward_worker_egress "$WORKER_SUBNET_CIDR"');
      expect(lines[forward - 1]).toBe('start_bootstrap control-plane');
      expect(lines[forward + 1]).toBe('install_docker');
    }
    for (const script of [k8sWorker, swarmWorker]) {
      expect(script).toContain(`EGRESS_WAIT_SECONDS='${BOOTSTRAP_TIMEOUTS.egressWaitSeconds}'`);
      expect(script).toContain('start_bootstrap worker\nwait_for_egress "$EGRESS_WAIT_SECONDS"\ninstall_docker\n');
      expect(script).not.toMatch(/^forward_worker_egress /m);
    }
  });

  test('workers wait for their own control plane to publish, with a timeout, then join', () => {
    for (const [script, cluster] of [[k8sWorker, kubernetes], [swarmWorker, swarm]] as const) {
      expect(script).toContain(`CONTROL_PLANE_ID='⟨Ref ${cluster.nodeId('ControlPlane')}⟩'`);
      expect(script).toContain(`JOIN_WAIT_SECONDS='${BOOTSTRAP_TIMEOUTS.joinWaitSeconds}'`);
      expect(script).toMatch(/^wait_for_join_data "\$CONTROL_PLANE_ID" "\$JOIN_WAIT_SECONDS"$/m);
      const [secretId] = only(cluster, 'AWS::SecretsManager::Secret');
      expect(script).toContain(`JOIN_SECRET_ARN='⟨Ref ${secretId}⟩'`);
      expect(script).not.toContain('sleep 1'); // polls at POLL_SECONDS only: no fixed sleep
    }
    expect(k8sWorker).toContain('kubeadm join --config "$config"');
    expect(k8sWorker.indexOf('wait_for_join_data "$')).toBeLessThan(k8sWorker.indexOf('kubeadm join'));
    expect(swarmWorker.indexOf('wait_for_join_data "$')).toBeLessThan(swarmWorker.indexOf('docker swarm join'));
  });

  test('Swarm: an address pool clear of the VPC, join token never printed', () => {
    expect(swarmManager).toContain(`SWARM_ADDRESS_POOL='${SWARM_ADDRESS_POOL}'`);
    expect(swarmManager).toContain('docker swarm init --advertise-addr "$PRIVATE_IP" --default-addr-pool "$SWARM_ADDRESS_POOL" >/dev/null');
    expect(swarmManager).toContain('token=$(docker swarm join-token --quiet worker)\npublish_join_data "$PRIVATE_IP:2377" "$token"');
    expect(swarmWorker).toContain('docker swarm join --token "${JOIN_FIELDS[1]}" "${JOIN_FIELDS[0]}" >/dev/null');
    expect(swarmManager).not.toContain('kubeadm');
    expect(swarmManager.trimEnd().split('\n').slice(-2)).toEqual([
      'wait_for_ready_nodes "$NODES_READY_WAIT_SECONDS" "$EXPECTED_NODES" ready_nodes node_states',
      'signal_ready "all $EXPECTED_NODES nodes Ready in the Swarm ($(docker --version))"',
    ]);
  });

  test('the control plane fetches the sample workload from its asset', () => {
    for (const script of [k8sControlPlane, swarmManager]) {
      expect(script).toMatch(/WORKLOAD_S3_URL='⟨Sub s3:\/\/cdk-hnb659fds-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}\/[0-9a-f]{64}\.zip⟩'/);
      expect(script).toContain('unzip -q -o /tmp/workload.zip -d /home/ec2-user/workload');
      expect(script).toContain('copy_workload "$WORKLOAD_S3_URL"');
    }
  });
});

/** Every ingress rule of the stack's security groups, inline or separate, by node role or CIDR. */
function ingressRules(cluster: SynthesizedCluster) {
  const groups = cluster.of('AWS::EC2::SecurityGroup');
  const roleOf = (groupId: string) => {
    expect(Object.keys(groups)).toContain(groupId);
    return groupId.startsWith('NetworkControlPlane') ? 'control-plane' : 'worker';
  };
  type Rule = { to: string; protocol: string; port: number } & ({ from: string } | { cidr: string });
  const rules: Rule[] = [];
  for (const [groupId, group] of Object.entries(groups)) {
    for (const r of group.Properties.SecurityGroupIngress ?? []) {
      expect(r.FromPort).toBe(r.ToPort);
      rules.push({ to: roleOf(groupId), protocol: r.IpProtocol, port: r.FromPort, ...(r.SourceSecurityGroupId ? { from: roleOf(idOf(r.SourceSecurityGroupId)) } : { cidr: r.CidrIp ?? r.CidrIpv6 }) });
    }
  }
  for (const r of Object.values(cluster.of('AWS::EC2::SecurityGroupIngress'))) {
    const p = r.Properties;
    expect(p.FromPort).toBe(p.ToPort);
    rules.push({ to: roleOf(idOf(p.GroupId)), protocol: p.IpProtocol, port: p.FromPort, ...(p.SourceSecurityGroupId ? { from: roleOf(idOf(p.SourceSecurityGroupId)) } : { cidr: p.CidrIp ?? p.CidrIpv6 }) });
  }
  return rules;
}

describe('the lab guide stays true to the stack', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'container-cluster', 'README.md'), 'utf8');

  test('it names only outputs the stack has', () => {
    const outputs = new Set([...Object.keys(custom.json.Outputs), ...Object.keys(kubernetes.json.Outputs)]);
    const named = [...guide.matchAll(/\b((?:ControlPlane|Worker\d)(?:Session|Ssh)|FirstCommands|SiteTunnel|DestroyCommand|ExpiresAt)\b/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((n) => !outputs.has(n))).toEqual([]);
  });

  test('its versions, timeouts and ports are the ones in cluster-config.ts', () => {
    expect(guide).toContain(`pinned to the ${KUBERNETES_MINOR} minor`);
    expect(guide).toContain(`applies Flannel ${FLANNEL_VERSION}`);
    const minutes = (s: number) => `${s / 60} min`;
    expect(guide).toContain(`| a worker waits for its way out through the control plane | ${minutes(BOOTSTRAP_TIMEOUTS.egressWaitSeconds)} |`);
    expect(guide).toContain(`| a worker waits for the join data | ${minutes(BOOTSTRAP_TIMEOUTS.joinWaitSeconds)} |`);
    expect(guide).toContain(`| the control plane waits for every node to be Ready | ${minutes(BOOTSTRAP_TIMEOUTS.nodesReadyWaitSeconds)} `);
    expect(guide).toContain(`| one package install or download | ${minutes(BOOTSTRAP_TIMEOUTS.installSeconds)} |`);
    expect(guide).toContain(`| every node's deadline, from its boot | ${minutes(BOOTSTRAP_TIMEOUTS.nodeDeadlineSeconds)} |`);
    expect(guide).toContain(`Every node has one deadline, ${minutes(BOOTSTRAP_TIMEOUTS.nodeDeadlineSeconds)} from its boot`);
    expect(guide).toContain(`With one signal's ${BOOTSTRAP_TIMEOUTS.signalSeconds / 60} min and ${BOOTSTRAP_TIMEOUTS.bootBeforeWaitSeconds / 60} min for a`);
    expect(guide).toContain(`| Kubernetes: the control plane waits for CoreDNS | ${minutes(BOOTSTRAP_TIMEOUTS.clusterDnsWaitSeconds)} `);
    expect(guide).toContain(`| the \`ClusterReady\` wait condition | ${minutes(BOOTSTRAP_TIMEOUTS.clusterReadySeconds)} `);
    expect(guide).toContain(`polls the secret every ${BOOTSTRAP_TIMEOUTS.pollSeconds} s`);
    const rows = [...guide.matchAll(/^\| (kubernetes|swarm) \| (TCP|UDP|TCP and UDP) (\d+) \| (.+?) → (.+?) \|/gm)];
    const who = (text: string): NodeRole[] =>
      text === 'every node' ? ['control-plane', 'worker'] : text === 'workers' ? ['worker'] : ['control-plane'];
    const documented = rows.flatMap(([, mode, protocols, port, from, to]) =>
      protocols.split(' and ').map((p) => `${mode} ${p.toLowerCase()}/${port} ${who(from)} -> ${who(to)}`),
    );
    const configured = (['kubernetes', 'swarm'] as const).flatMap((mode) =>
      NODE_PORTS[mode].map((p) => `${mode} ${p.protocol}/${p.port} ${p.from} -> ${p.to}`),
    );
    expect(documented.sort()).toEqual(configured.sort());
  });
});

describe('hourly cost (labs cost), on the synths above', () => {
  // Hand calculation, us-east-1 on-demand, a month as 730 h: t4g.small $0.0168/h; t4g.micro $0.0084/h each;
  // one public IPv4 address (the control plane's; the workers have none) $0.005/h; gp3 $0.08/GB-month;
  // a secret $0.40/month.
  const handCalculation = (workers: number, workerPerHour: number) =>
    0.0168 + workers * workerPerHour + 0.005 + ((1 + workers) * 8 * 0.08) / 730 + 0.4 / 730;

  test("defaults: $0.0418/h, everything priced, within the issue's $0.05/h target", () => {
    const e = estimateStack('ContainerClusterLabStack', kubernetes.json as never);
    expect(e.unpriced).toBe(0);
    expect(e.usdPerHour).toBeCloseTo(handCalculation(2, 0.0084), 6);
    expect(formatUsdPerHour(e.usdPerHour)).toBe('$0.0418/h');
    expect(e.usdPerHour).toBeLessThanOrEqual(0.05);
  });

  test('more workers add no public address', () => {
    const e = estimateStack('ContainerClusterLabStack', custom.json as never);
    expect(e.usdPerHour).toBeCloseTo(handCalculation(3, 0.0208), 6); // t3.small workers
  });

  test('Swarm costs the same: the same nodes', () => {
    expect(estimateStack('ContainerClusterLabStack', swarm.json as never).usdPerHour).toBeCloseTo(handCalculation(2, 0.0084), 6);
  });

  test("the README's lab table and the guide show the figure labs cost prints at defaults", () => {
    const figure = formatUsdPerHour(estimateStack('ContainerClusterLabStack', kubernetes.json as never).usdPerHour);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `ContainerClusterLabStack` |'))!;
    expect(row.split(' | ')[3].slice(0, figure.length)).toBe(figure);
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'container-cluster', 'README.md'), 'utf8');
    expect(guide).toContain(`| **total** | | **${figure.replace('/h', '')}** |`);
  });
});

describe("the lab guide has the course's Docker steps", () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'container-cluster', 'README.md'), 'utf8');
  /** The guide's shell commands, one per line, comments dropped. */
  const commands = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim());

  test.each([
    ['the networks Docker made, and the default bridge', /^docker network ls$/, /^docker network inspect bridge$/],
    ['pulling and inspecting an image', /^docker pull alpine:3\.22$/, /^docker image inspect alpine:3\.22 /],
    ["a container's changes, and an image made of them", /^docker diff changed$/, /^docker commit changed my-alpine:greeting$/],
    ['leaving the Swarm, and joining it again', /^docker swarm leave$/, /^docker swarm join-token worker$/],
  ])('%s', (_what, ...patterns) => {
    for (const pattern of patterns) expect({ pattern: String(pattern), found: commands.some((c) => pattern.test(c)) }).toEqual({ pattern: String(pattern), found: true });
  });

  test('the instance metadata claim is exact: hop limit 1 stops bridged containers and pods, not host-network ones', () => {
    expect(guide).toContain('https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html');
    expect(guide).toContain('`hostNetwork: true`');
    expect(guide).toContain('`--network host`');
    expect(guide).not.toContain('so containers cannot reach the instance metadata');
    expect(commands.filter((c) => c.includes('169.254.169.254/latest/api/token'))).toHaveLength(2);
  });
});
