/**
 * MicroservicesLabStack in each phase: snapshots, the listener rules and their priorities, the order in
 * which CloudFormation creates and removes what serves traffic, health checks and draining, security
 * groups, roles, logs and the images. The properties that make a phase change fail no request are
 * asserted here; the lab guide explains them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HOST_CAPACITY, HOST_ROLE_WILDCARD_REASON } from '../../lib/microservices/board-host';
import { CONTAINER_USER, TRAFFIC_TIMINGS } from '../../lib/microservices/board-service';
import {
  BOARD_APP_DIR,
  DEPLOY_SCRIPT,
  LOAD_BALANCER_IDLE_TIMEOUT,
  MicroservicesLabStack,
} from '../../lib/microservices/microservices-lab-stack';
import { BOARD_PHASES, BoardPhase, DEPLOYABLES, DeployableSpec, deployablesIn, PREVIEW_HEADER, TASK_COUNT } from '../../lib/microservices/phases';
import { CfnResourceJson, normalizedTemplate, SynthesizedLab, synthLab } from '../helpers/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const app = require(path.join(BOARD_APP_DIR, 'src', 'server.js')) as { KEEP_ALIVE_TIMEOUT_MS: number; SERVICE_NAMES: string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const routes = require(path.join(BOARD_APP_DIR, 'src', 'routes.js')) as { route(service: string, path: string): unknown };

const LABS: Record<BoardPhase, SynthesizedLab> = {
  monolith: synthLab('MicroservicesLabStack'),
  split: synthLab('MicroservicesLabStack', { phase: 'split' }),
  microservices: synthLab('MicroservicesLabStack', { phase: 'microservices' }),
};
const PHASES = BOARD_PHASES.map((p) => [p, LABS[p]] as [BoardPhase, SynthesizedLab]);

// ---- helpers over a template ----

const resources = (lab: SynthesizedLab, type: string) => Object.entries(lab.json.Resources).filter(([, r]) => r.Type === type);
const ofDeployable = (spec: DeployableSpec, type: string, lab: SynthesizedLab) =>
  resources(lab, type).filter(([id]) => id.startsWith(spec.constructId));
const only = <T>(items: T[], what: string): T => {
  if (items.length !== 1) throw new Error(`expected one ${what}, found ${items.length}`);
  return items[0];
};
const refOf = (value: any): string | undefined => value?.Ref ?? value?.['Fn::GetAtt']?.[0];

/** Everything a resource depends on, explicitly (DependsOn) or through Ref / Fn::GetAtt, transitively. */
function dependencyClosure(lab: SynthesizedLab, id: string): Set<string> {
  const seen = new Set<string>();
  const visit = (current: string) => {
    const r = lab.json.Resources[current];
    if (!r) return;
    const direct = new Set<string>(r.DependsOn ?? []);
    JSON.stringify(r.Properties ?? {}, (key, value) => {
      if (key === 'Ref' && typeof value === 'string') direct.add(value);
      if (key === 'Fn::GetAtt' && Array.isArray(value)) direct.add(value[0]);
      return value;
    });
    for (const d of direct) {
      if (!seen.has(d) && lab.json.Resources[d]) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(id);
  return seen;
}

/** The parts of one deployable in a template. */
function partsOf(lab: SynthesizedLab, spec: DeployableSpec) {
  const rules = ofDeployable(spec, 'AWS::ElasticLoadBalancingV2::ListenerRule', lab);
  const isPreview = ([, r]: [string, CfnResourceJson]) => r.Properties!.Conditions[0].Field === 'http-header';
  return {
    service: only(ofDeployable(spec, 'AWS::ECS::Service', lab), `${spec.name} service`),
    targetGroup: only(ofDeployable(spec, 'AWS::ElasticLoadBalancingV2::TargetGroup', lab), `${spec.name} target group`),
    taskDefinition: only(ofDeployable(spec, 'AWS::ECS::TaskDefinition', lab), `${spec.name} task definition`),
    logGroup: only(ofDeployable(spec, 'AWS::Logs::LogGroup', lab), `${spec.name} log group`),
    gate: only(ofDeployable(spec, 'Custom::HealthyTargets', lab), `${spec.name} gate`),
    previewRule: only(rules.filter(isPreview), `${spec.name} preview rule`),
    routeRule: only(rules.filter((r) => !isPreview(r)), `${spec.name} route rule`),
  };
}

/** ALB path patterns: case-sensitive, `*` any characters, `?` one. */
const patternMatches = (pattern: string, urlPath: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(urlPath);

/** Which deployable the listener sends a request to (rules by priority, then the default action). */
function routeOf(lab: SynthesizedLab, urlPath: string, headers: Record<string, string> = {}): string {
  const rules = resources(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .map(([, r]) => r.Properties!)
    .sort((a, b) => a.Priority - b.Priority);
  for (const rule of rules) {
    const matches = rule.Conditions.every((c: any) =>
      c.Field === 'path-pattern'
        ? c.PathPatternConfig.Values.some((p: string) => patternMatches(p, urlPath))
        : c.HttpHeaderConfig.Values.includes(headers[c.HttpHeaderConfig.HttpHeaderName]),
    );
    if (matches) {
      const tg = rule.Actions[0].TargetGroupArn.Ref;
      return DEPLOYABLES.find((d) => tg.startsWith(d.constructId))!.name;
    }
  }
  return 'default (404)';
}

const SAMPLE_PATHS = ['/api/users', '/api/users/2', '/api/threads', '/api/threads/1', '/api/posts/in-thread/1', '/api/posts/by-user/3'];

// ---- per phase ----

describe.each(PHASES)('phase %s', (phase, lab) => {
  const running = deployablesIn(phase);

  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(lab.json)).toMatchSnapshot();
  });

  test('runs exactly the deployables of the phase', () => {
    const services = resources(lab, 'AWS::ECS::Service').map(([id]) => DEPLOYABLES.find((d) => id.startsWith(d.constructId))?.name);
    expect(services.sort()).toEqual(running.map((d) => d.name).sort());
    expect(lab.json.Outputs!.Phase.Value).toContain(`${phase}: `);
  });

  test('listener: a 404 JSON default, a preview rule and a route rule per deployable at the fixed priorities', () => {
    lab.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404', ContentType: 'application/json' }) }],
    });
    const rules = resources(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([, r]) => r.Properties!);
    expect(rules).toHaveLength(running.length * 2);
    for (const spec of running) {
      const { previewRule, routeRule, targetGroup } = partsOf(lab, spec);
      expect(routeRule[1].Properties).toMatchObject({
        Priority: spec.routePriority,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [...spec.pathPatterns] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup[0] } }],
      });
      expect(previewRule[1].Properties).toMatchObject({
        Priority: spec.previewPriority,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: PREVIEW_HEADER, Values: [spec.name] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup[0] } }],
      });
    }
    const priorities = rules.map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test('every API path reaches a deployable that serves it; each preview header reaches its deployable', () => {
    for (const urlPath of SAMPLE_PATHS) {
      const target = routeOf(lab, urlPath);
      expect({ urlPath, target, serves: routes.route(target, urlPath) !== undefined }).toEqual({ urlPath, target, serves: true });
      if (phase !== 'monolith') expect({ urlPath, target }).toEqual({ urlPath, target: urlPath.split('/')[2] });
    }
    expect(routeOf(lab, '/')).toBe('default (404)');
    for (const spec of running) expect(routeOf(lab, '/api/users', { [PREVIEW_HEADER]: spec.name })).toBe(spec.name);
  });

  test.each(running.map((s) => [s.name, s] as [string, DeployableSpec]))(
    '%s: target group -> preview rule -> ECS service -> healthy-targets gate -> route rule',
    (_name, spec) => {
      const { service, gate, routeRule, previewRule, targetGroup } = partsOf(lab, spec);
      // ECS needs the target group attached to the load balancer: the preview rule does it, taking no board traffic.
      expect(service[1].DependsOn).toContain(previewRule[0]);
      // The service never waits for a route rule, or traffic could reach an empty target group.
      for (const [ruleId, rule] of resources(lab, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
        if (rule.Properties!.Conditions[0].Field === 'path-pattern') expect(dependencyClosure(lab, service[0])).not.toContain(ruleId);
      }
      // The gate runs after the service is stable, and waits for as many healthy targets as the service runs.
      expect(gate[1].DependsOn).toContain(service[0]);
      expect(gate[1].Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^HealthyTargetsGateFunction/), 'Arn'] },
        TargetGroupArn: { Ref: targetGroup[0] },
        MinHealthy: service[1].Properties!.DesiredCount,
        SettleSeconds: 20,
        ServiceTimeout: '660',
      });
      // The route rule is created only after the gate answered, and deleted before it.
      expect(routeRule[1].DependsOn).toEqual([gate[0]]);
      expect([...dependencyClosure(lab, routeRule[0])]).toEqual(expect.arrayContaining([gate[0], service[0], previewRule[0], targetGroup[0]]));
    },
  );

  test.each(running.map((s) => [s.name, s] as [string, DeployableSpec]))('%s: health check, draining and deployment', (_name, spec) => {
    const { targetGroup, service } = partsOf(lab, spec);
    expect(targetGroup[1].Properties).toMatchObject({
      Port: 3000,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckPath: '/', // the tutorial's health check
      Matcher: { HttpCode: '200' },
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 3,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      TargetGroupAttributes: expect.arrayContaining([{ Key: 'deregistration_delay.timeout_seconds', Value: '15' }]),
    });
    expect(service[1].Properties).toMatchObject({
      DesiredCount: 1,
      DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200, DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
      HealthCheckGracePeriodSeconds: 30,
      LoadBalancers: [{ ContainerName: spec.name, ContainerPort: 3000, TargetGroupArn: { Ref: targetGroup[0] } }],
      CapacityProviderStrategy: [{ CapacityProvider: { Ref: expect.stringMatching(/^HostCapacityProvider/) }, Weight: 1 }],
      PlacementStrategies: [{ Type: 'binpack', Field: 'MEMORY' }],
    });
    // The service waits for the capacity provider's association with the cluster, and goes before it.
    const association = only(resources(lab, 'AWS::ECS::ClusterCapacityProviderAssociations'), 'association')[0];
    expect(service[1].DependsOn).toContain(association);
  });

  test.each(running.map((s) => [s.name, s] as [string, DeployableSpec]))('%s: its own image, log group and roles', (_name, spec) => {
    const { taskDefinition, logGroup } = partsOf(lab, spec);
    const props = taskDefinition[1].Properties!;
    expect(props.NetworkMode).toBe('bridge');
    expect(props.ContainerDefinitions).toHaveLength(1);
    const container = props.ContainerDefinitions[0];
    expect(container).toMatchObject({
      Name: spec.name,
      Essential: true,
      PortMappings: [{ ContainerPort: 3000, HostPort: 0, Protocol: 'tcp' }],
      MemoryReservation: 64,
      Memory: 128,
      ReadonlyRootFilesystem: true,
      User: CONTAINER_USER, // not root, whatever the image says
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': { Ref: logGroup[0] }, 'awslogs-stream-prefix': spec.name, 'awslogs-region': { Ref: 'AWS::Region' }, mode: 'non-blocking' },
      },
    });
    expect(container.Environment).toBeUndefined(); // SERVICE is baked into the image (cdk-nag ECS2)
    expect(JSON.stringify(container.Image)).toContain('cdk-hnb659fds-container-assets-');
    expect(logGroup[1]).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete', Properties: { RetentionInDays: 7 } });

    // Both roles: only ECS, for this account's tasks, may assume them (confused deputy).
    const ecsTasksOfThisAccount = [
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ];
    // Task role: exists and may do nothing.
    const taskRoleId = refOf(props.TaskRoleArn)!;
    expect(lab.json.Resources[taskRoleId].Properties!.AssumeRolePolicyDocument.Statement).toEqual(ecsTasksOfThisAccount);
    expect(lab.json.Resources[taskRoleId].Properties!.ManagedPolicyArns).toBeUndefined();
    expect(lab.json.Resources[taskRoleId].Properties!.Policies).toBeUndefined();
    expect(resources(lab, 'AWS::IAM::Policy').filter(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === taskRoleId))).toEqual([]);

    // Execution role: pull from the CDK asset repository, write to this deployable's log group.
    const executionRoleId = refOf(props.ExecutionRoleArn)!;
    expect(lab.json.Resources[executionRoleId].Properties!.AssumeRolePolicyDocument.Statement).toEqual(ecsTasksOfThisAccount);
    const statements = resources(lab, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === executionRoleId))
      .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Effect: 'Allow',
        Resource: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([':repository/', { 'Fn::Sub': 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}' }])] }),
      },
      { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' },
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup[0], 'Arn'] } },
    ]);
  });

  test('the images: one per deployable, built from app/ with its SERVICE, for linux/arm64, into the CDK asset repository', () => {
    const assetManifest = JSON.parse(fs.readFileSync(path.join(assemblyDir(lab), `${lab.stack.artifactId}.assets.json`), 'utf8'));
    const images = Object.values(assetManifest.dockerImages ?? {}) as any[];
    expect(images.map((i) => i.source.dockerBuildArgs.SERVICE).sort()).toEqual(running.map((d) => d.name).sort());
    for (const image of images) {
      expect(image.source.platform).toBe('linux/arm64');
      expect(Object.values(image.destinations).map((d: any) => d.repositoryName)).toEqual([
        'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
      ]);
      const staged = path.join(assemblyDir(lab), image.source.directory);
      expect(fs.readdirSync(staged).sort()).toEqual(['.dockerignore', 'Dockerfile', 'data', 'src']);
    }
    // No repository of the lab's own: nothing to empty at teardown (the bootstrap repository stays).
    lab.template.resourceCountIs('AWS::ECR::Repository', 0);
  });

  test('no log group is created at run time: every awslogs container names an owned group, none may create one', () => {
    expect(JSON.stringify(lab.json)).not.toContain('awslogs-create-group');
    for (const [, td] of resources(lab, 'AWS::ECS::TaskDefinition')) {
      const group = td.Properties!.ContainerDefinitions[0].LogConfiguration.Options['awslogs-group'].Ref;
      expect(lab.json.Resources[group].Type).toBe('AWS::Logs::LogGroup');
    }
  });

  test('outputs: the URL, the next phase with the same settings, and a health command for every running target group', () => {
    const outputs = lab.json.Outputs!;
    expect(JSON.stringify(outputs.MessageBoardUrl.Value)).toContain('http://');
    const next = BOARD_PHASES[BOARD_PHASES.indexOf(phase) + 1];
    expect(outputs.NextPhaseCommand.Value).toBe(
      next ? `${DEPLOY_SCRIPT} -c phase=${next}` : `None: microservices is the last phase. To scale a service: ${DEPLOY_SCRIPT} -c phase=microservices -c usersTaskCount=2`,
    );
    const health = JSON.stringify(outputs.TargetHealthCommand.Value);
    for (const spec of running) {
      expect(health).toContain(`{"Ref":"${partsOf(lab, spec).targetGroup[0]}"}`);
      for (const suffix of ['ServiceName', 'TargetGroupArn', 'TargetGroupFullName', 'LogGroup']) expect(outputs[`${spec.outputPrefix}${suffix}`]).toBeDefined();
    }
    expect(health.match(/describe-target-health/g)).toHaveLength(running.length);
  });
});

function assemblyDir(lab: SynthesizedLab): string {
  return (lab.stack.node.root as App).outdir;
}

// ---- across phases ----

describe('moving between phases only adds or removes whole deployables', () => {
  const deployableOf = (id: string) => DEPLOYABLES.find((d) => id.startsWith(d.constructId))?.name;
  const pairs: Array<[BoardPhase, BoardPhase]> = [
    ['monolith', 'split'],
    ['split', 'microservices'],
    ['monolith', 'microservices'],
  ];

  /**
   * The resources of a template with every DependsOn entry on a resource missing from `other` removed: the
   * stack's expiry clock waits for every resource of the stack, and a change of DependsOn alone makes
   * CloudFormation neither update nor replace a resource.
   */
  const withoutDependenciesMissingFrom = (resources: Record<string, CfnResourceJson>, other: Record<string, CfnResourceJson>) =>
    Object.fromEntries(
      Object.entries(resources).map(([id, r]) => {
        if (!r.DependsOn) return [id, r];
        const dependsOn = r.DependsOn.filter((d) => d in other);
        return [id, { ...r, DependsOn: dependsOn.length ? dependsOn : undefined }];
      }),
    );

  test.each(pairs)('%s -> %s: every resource in both templates is identical; the others are the deployables that come or go', (from, to) => {
    const a = withoutDependenciesMissingFrom(LABS[from].json.Resources, LABS[to].json.Resources);
    const b = withoutDependenciesMissingFrom(LABS[to].json.Resources, LABS[from].json.Resources);
    const names = (phase: BoardPhase) => new Set(deployablesIn(phase).map((d) => d.name));
    const inBoth = (id: string) => !deployableOf(id) || (names(from).has(deployableOf(id)!) && names(to).has(deployableOf(id)!));
    const common = Object.keys(a).filter((id) => id in b && id !== 'CDKMetadata');
    // Shared infrastructure and the deployables of both phases: present in both, and unchanged.
    expect(common.sort()).toEqual(Object.keys(a).filter((id) => id !== 'CDKMetadata' && inBoth(id)).sort());
    for (const id of common) expect({ id, resource: b[id] }).toEqual({ id, resource: a[id] });

    const changing = new Set([...names(from), ...names(to)].filter((n) => !(names(from).has(n) && names(to).has(n))));
    const onlyInOne = [...Object.keys(a), ...Object.keys(b)].filter((id) => !(id in a && id in b) && id !== 'CDKMetadata');
    expect(onlyInOne.length).toBeGreaterThan(0);
    for (const id of onlyInOne) expect({ id, deployable: deployableOf(id) && changing.has(deployableOf(id)!) }).toEqual({ id, deployable: true });
  });

  test('the shared infrastructure (network, host, cluster, load balancer, gate) is the same in every phase', () => {
    const shared = (lab: SynthesizedLab) =>
      Object.fromEntries(
        Object.entries(lab.json.Resources)
          .filter(([id]) => !deployableOf(id) && id !== 'CDKMetadata')
          // The expiry clock waits for every resource, the deployables' included (see above).
          .map(([id, r]) => [id, { ...r, DependsOn: r.DependsOn?.filter((d) => !deployableOf(d)) }]),
      );
    const all = (lab: SynthesizedLab) => Object.keys(shared(lab));
    expect(all(LABS.monolith).length).toBeGreaterThan(30);
    expect(all(LABS.split)).toEqual(all(LABS.monolith));
    expect(shared(LABS.split)).toEqual(shared(LABS.monolith));
    expect(shared(LABS.microservices)).toEqual(shared(LABS.monolith));
  });
});

describe('timings that make a phase change fail no request', () => {
  const tg = LABS.split.json.Resources[partsOf(LABS.split, DEPLOYABLES[1]).targetGroup[0]].Properties!;

  test('a new task is healthy (interval x healthy threshold) well before ECS would give up on it (grace period)', () => {
    const secondsToHealthy = tg.HealthCheckIntervalSeconds * tg.HealthyThresholdCount;
    expect(secondsToHealthy).toBe(10);
    expect(TRAFFIC_TIMINGS.healthCheckGracePeriod.toSeconds()).toBeGreaterThan(secondsToHealthy + tg.HealthCheckTimeoutSeconds);
    expect(tg.HealthCheckTimeoutSeconds).toBeLessThan(tg.HealthCheckIntervalSeconds);
  });

  test('draining is short but outlasts a request; the gate lets a rule removal settle before draining starts', () => {
    const delay = Number(tg.TargetGroupAttributes.find((a: any) => a.Key === 'deregistration_delay.timeout_seconds').Value);
    expect(delay).toBeGreaterThanOrEqual(10);
    expect(delay).toBeLessThanOrEqual(30);
    const gate = partsOf(LABS.split, DEPLOYABLES[0]).gate[1].Properties!;
    expect(gate.SettleSeconds).toBeGreaterThanOrEqual(10);
  });

  test('the app keeps idle connections open longer than the load balancer does, so only the load balancer closes them', () => {
    LABS.split.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: String(LOAD_BALANCER_IDLE_TIMEOUT.toSeconds()) }]),
    });
    expect(app.KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(LOAD_BALANCER_IDLE_TIMEOUT.toMilliseconds());
  });

  test('a redeploy never replaces the host: the Auto Scaling group has no update policy and ECS owns its desired capacity', () => {
    const [, asg] = only(resources(LABS.split, 'AWS::AutoScaling::AutoScalingGroup'), 'group');
    expect(asg.Properties).toMatchObject({ MinSize: '1', MaxSize: '3' });
    expect(asg.Properties!.DesiredCapacity).toBeUndefined();
    // No rolling or replacing update: a new launch template version (a newer AMI) only applies to new hosts.
    expect((asg as any).UpdatePolicy).toEqual({ AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true } });
  });
});

// ---- shared infrastructure ----

describe('network, host and security groups', () => {
  const lab = LABS.split;

  test('a VPC with public subnets in two zones, no NAT gateway', () => {
    lab.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    lab.template.resourceCountIs('AWS::EC2::Subnet', 2);
    lab.template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    for (const [, subnet] of resources(lab, 'AWS::EC2::Subnet')) expect(subnet.Properties!.MapPublicIpOnLaunch).toBe(true);
  });

  test('two security groups: the load balancer takes HTTP from anywhere and talks only to the host; the host only to HTTPS', () => {
    const groups = resources(lab, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(2);
    const [albId, alb] = only(groups.filter(([id]) => id.startsWith('LoadBalancerSecurityGroup')), 'ALB group');
    const [hostId, host] = only(groups.filter(([id]) => id.startsWith('HostSecurityGroup')), 'host group');
    expect(alb.Properties!.SecurityGroupIngress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: expect.any(String), FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
    ]);
    // No inline egress: the one egress rule is a resource of its own (below), and CloudFormation removes a
    // group's default allow-all egress rule when it adds one (aws/aws-cdk#998, #22140).
    expect(alb.Properties!.SecurityGroupEgress).toBeUndefined();
    expect(host.Properties!.SecurityGroupIngress).toBeUndefined();
    expect(host.Properties!.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: expect.any(String), FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    // The only other rules: the load balancer to the host's ephemeral ports (Docker's dynamic host ports), both ways.
    const ingress = resources(lab, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    const egress = resources(lab, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({ GroupId: { 'Fn::GetAtt': [hostId, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [albId, 'GroupId'] }, FromPort: 32768, ToPort: 65535, IpProtocol: 'tcp' }),
    ]);
    expect(egress).toEqual([
      expect.objectContaining({ GroupId: { 'Fn::GetAtt': [albId, 'GroupId'] }, DestinationSecurityGroupId: { 'Fn::GetAtt': [hostId, 'GroupId'] }, FromPort: 32768, ToPort: 65535, IpProtocol: 'tcp' }),
    ]);
  });

  test('the host: Graviton t4g.micro on the ECS-optimized AL2023 arm64 AMI, IMDSv2 with hop limit 1, encrypted 30 GB gp3, standard credits', () => {
    lab.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 't4g.micro',
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        CreditSpecification: { CpuCredits: 'standard' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeSize: 30, VolumeType: 'gp3' } }],
      }),
    });
    // The AMI is an SSM parameter CloudFormation resolves at deploy time: no lookup at synth.
    const [parameterId] = Object.entries((lab.json as any).Parameters).find(([, p]: [string, any]) =>
      String(p.Default).startsWith('/aws/service/ecs/optimized-ami/'),
    )!;
    expect((lab.json as any).Parameters[parameterId]).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id',
    });
    lab.template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: { Ref: parameterId } }) });
  });

  test('the capacity provider: managed scaling (a second host only when tasks do not fit), managed draining, no termination protection', () => {
    lab.template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
        ManagedTerminationProtection: 'DISABLED',
        ManagedDraining: 'ENABLED',
      }),
    });
    lab.template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }] });
  });

  test('the host role: what the ECS agent needs and no CloudWatch Logs action; the acknowledgement names exactly what is on *', () => {
    const [roleId, role] = only(resources(lab, 'AWS::IAM::Role').filter(([id]) => id.startsWith('HostInstanceRole')), 'instance role');
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' } },
    ]);
    const actions = resources(lab, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement)
      .flatMap((s: any) => [s.Action].flat());
    expect(actions.sort()).toEqual(
      [
        'ecs:DeregisterContainerInstance',
        'ecs:RegisterContainerInstance',
        'ecs:Submit*',
        'ecs:Poll',
        'ecs:StartTelemetrySession',
        'ecr:GetAuthorizationToken',
        'ecs:DiscoverPollEndpoint',
      ].sort(),
    );
    const statements = resources(lab, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
    const onEveryResource = statements.filter((st: any) => st.Resource === '*').flatMap((st: any) => [st.Action].flat());
    const named = HOST_ROLE_WILDCARD_REASON.match(/\b(?:ecs|ecr|logs):[A-Za-z*]+/g) ?? [];
    expect([...named].sort()).toEqual([...onEveryResource].sort());
    expect(JSON.stringify(statements)).not.toContain('logs:');
  });

  test('teardown order: the capacity provider goes before the Auto Scaling group, and both before the cluster', () => {
    // CloudFormation deletes a resource only after everything that depends on it (DependsOn, Ref, GetAtt).
    const id = (type: string) => only(resources(lab, type), type)[0];
    const [cluster, group, provider, association] = [
      id('AWS::ECS::Cluster'),
      id('AWS::AutoScaling::AutoScalingGroup'),
      id('AWS::ECS::CapacityProvider'),
      id('AWS::ECS::ClusterCapacityProviderAssociations'),
    ];
    expect([...dependencyClosure(lab, provider)]).toEqual(expect.arrayContaining([group, cluster]));
    expect([...dependencyClosure(lab, group)]).toContain(cluster);
    expect([...dependencyClosure(lab, association)]).toEqual(expect.arrayContaining([provider, cluster]));
    for (const [serviceId] of resources(lab, 'AWS::ECS::Service')) {
      expect([...dependencyClosure(lab, serviceId)]).toEqual(expect.arrayContaining([association, provider, group, cluster]));
    }
    // Nothing makes the cluster wait for the hosts (which would delete the cluster first).
    expect([...dependencyClosure(lab, cluster)]).not.toEqual(expect.arrayContaining([group]));
  });

  test('the gate function may only read target health and write its own logs', () => {
    const [, fn] = only(resources(lab, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('HealthyTargetsGate')), 'gate function');
    expect(fn.Properties!.Timeout).toBe(600);
    const roleId = fn.Properties!.Role['Fn::GetAtt'][0];
    const statements = resources(lab, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties!.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: expect.anything() },
      { Action: 'elasticloadbalancing:DescribeTargetHealth', Effect: 'Allow', Resource: '*' },
    ]);
  });
});

describe('host capacity: the memory arithmetic at the largest task counts and during rolling deployments', () => {
  /** Registered resources of an instance type as the ECS agent reports them (memory: HOST_CAPACITY). */
  const HOSTS: Record<string, { memoryMiB: number; cpuUnits: number }> = {
    't4g.micro': { memoryMiB: HOST_CAPACITY.t4gMicroTotalMemoryMiB, cpuUnits: 2 * 1024 },
  };
  const largest = Template.fromStack(
    new MicroservicesLabStack(new App(), 'MicroservicesLabStack', {
      phase: 'split',
      taskCounts: { monolith: TASK_COUNT.max, users: TASK_COUNT.max, threads: TASK_COUNT.max, posts: TASK_COUNT.max },
    }),
  ).toJSON() as SynthesizedLab['json'];

  /** How many tasks fit, on how many hosts, and how many run at most during a rolling deployment of every service at once. */
  function arithmetic(json: SynthesizedLab['json']) {
    const of = (type: string) => Object.values(json.Resources).filter((r) => r.Type === type);
    const [launchTemplate] = of('AWS::EC2::LaunchTemplate');
    const [group] = of('AWS::AutoScaling::AutoScalingGroup');
    const host = HOSTS[launchTemplate.Properties!.LaunchTemplateData.InstanceType];
    const reserved = Number(/ECS_RESERVED_MEMORY=(\d+)/.exec(JSON.stringify(launchTemplate.Properties!.LaunchTemplateData.UserData))![1]);
    const containers = of('AWS::ECS::TaskDefinition').map((td) => td.Properties!.ContainerDefinitions[0]);
    const memory = Math.max(...containers.map((c) => c.MemoryReservation));
    const cpu = Math.max(...containers.map((c) => c.Cpu));
    const tasksPerHost = Math.min(Math.floor((host.memoryMiB - reserved) / memory), Math.floor(host.cpuUnits / cpu));
    const services = of('AWS::ECS::Service').map((svc) => svc.Properties!);
    const steady = services.reduce((n, svc) => n + svc.DesiredCount, 0);
    // Minimum healthy 100%: no old task stops before its replacement is healthy, and up to MaximumPercent run.
    const rolling = services.reduce((n, svc) => n + Math.floor((svc.DesiredCount * svc.DeploymentConfiguration.MaximumPercent) / 100), 0);
    for (const svc of services) expect(svc.DeploymentConfiguration.MinimumHealthyPercent).toBe(100);
    return { reserved, tasksPerHost, maxHosts: Number(group.Properties!.MaxSize), steady, rolling };
  }

  test('the reserve covers the host\'s own processes (about 300 MiB) and leaves room for 9 tasks on a t4g.micro', () => {
    const a = arithmetic(LABS.split.json);
    expect(a.reserved).toBe(HOST_CAPACITY.reservedMemoryMiB);
    expect(a.reserved).toBeGreaterThanOrEqual(300);
    expect(a.tasksPerHost).toBe(9); // floor((900 - 300) / 64)
  });

  test.each(PHASES)('%s at the default counts: every task and a rolling deployment of all of them fit on one host', (_phase, lab) => {
    const a = arithmetic(lab.json);
    expect(a.rolling).toBeLessThanOrEqual(a.tasksPerHost);
  });

  test('split with every count at its maximum: the tasks and a rolling deployment of all of them fit on the most hosts', () => {
    const a = arithmetic(largest);
    expect(a.steady).toBe(4 * TASK_COUNT.max);
    expect(a.rolling).toBe(2 * 4 * TASK_COUNT.max);
    expect(Math.ceil(a.rolling / a.tasksPerHost)).toBeLessThanOrEqual(a.maxHosts);
    expect(a.maxHosts).toBe(HOST_CAPACITY.maxHosts);
  });
});

describe('task counts', () => {
  // Built directly (no cdk-nag, one stack): only the counts differ from the split phase above.
  const stack = new MicroservicesLabStack(new App(), 'MicroservicesLabStack', { phase: 'split', taskCounts: { users: 3, posts: 2 } });
  const template = Template.fromStack(stack);

  test('each service runs its count, and its gate waits for that many healthy targets', () => {
    const counts: Record<string, number> = {};
    for (const [id, svc] of Object.entries(template.findResources('AWS::ECS::Service'))) {
      const name = DEPLOYABLES.find((d) => id.startsWith(d.constructId))!.name;
      counts[name] = svc.Properties.DesiredCount;
      const gate = Object.entries(template.findResources('Custom::HealthyTargets')).find(([g]) => g.startsWith(DEPLOYABLES.find((d) => d.name === name)!.constructId))!;
      expect(gate[1].Properties.MinHealthy).toBe(svc.Properties.DesiredCount);
    }
    expect(counts).toEqual({ monolith: 1, users: 3, threads: 1, posts: 2 });
  });

  test.each([
    [{ phase: 'Split' as BoardPhase }, 'MicroservicesLabStack: phase must be one of monolith, split, microservices, got "Split"'],
    [{ taskCounts: { users: 4 } }, 'MicroservicesLabStack: taskCounts.users must be a whole number from 1 to 3, got 4'],
    [{ taskCounts: { users: 0 } }, 'MicroservicesLabStack: taskCounts.users must be a whole number from 1 to 3, got 0'],
    [{ taskCounts: { orders: 1 } as any }, 'MicroservicesLabStack: taskCounts has no deployable "orders"'],
  ])('props %p are refused with a clear error', (props, message) => {
    expect(() => new MicroservicesLabStack(new App(), 'MicroservicesLabStack', props)).toThrow(message);
  });
});

describe('the app and its image', () => {
  const dockerfile = fs.readFileSync(path.join(BOARD_APP_DIR, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).map((l) => l.trim().split(/\s+/)[0]);

  test('the deployables are exactly the services the app knows', () => {
    expect(DEPLOYABLES.map((d) => d.name)).toEqual(app.SERVICE_NAMES);
  });

  test('multi-arch node:22-alpine base, SERVICE build argument, unprivileged, and no RUN step (no emulation to build arm64 on x86)', () => {
    expect(dockerfile).toMatch(/^FROM public\.ecr\.aws\/docker\/library\/node:22-alpine$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE=monolith$/m);
    expect(dockerfile).toMatch(/^ENV SERVICE=\$\{SERVICE\}/m);
    expect(dockerfile).toMatch(new RegExp(`^USER ${CONTAINER_USER}$`, 'm'));
    expect(dockerfile).toMatch(/^CMD \["node", "src\/server\.js"\]$/m);
    expect(instructions).not.toContain('RUN');
  });
});

describe('the lab guide', () => {
  const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'microservices', 'README.md'), 'utf8');
  const outputsOf = (phase: BoardPhase) => Object.keys(LABS[phase].json.Outputs!);
  const everyOutput = new Set(BOARD_PHASES.flatMap(outputsOf));

  test('names only outputs the stack has', () => {
    const direct = [...guide.matchAll(/\bout (\w+)\b/g)].map((m) => m[1]);
    expect(direct.length).toBeGreaterThan(5);
    expect(direct.filter((n) => !everyOutput.has(n))).toEqual([]);
    // `out ${NAME}Suffix` over the four deployables' prefixes.
    const suffixes = [...guide.matchAll(/\bout \$\{NAME\}(\w+)/g)].map((m) => m[1]);
    expect(suffixes.length).toBeGreaterThan(0);
    for (const suffix of suffixes) {
      for (const spec of DEPLOYABLES) expect(everyOutput).toContain(`${spec.outputPrefix}${suffix}`);
    }
    for (const named of ['NextPhaseCommand', 'TargetHealthCommand', 'DestroyCommand', 'ExpiresAt']) expect(guide).toContain(named);
  });

  test("its image clean-up command deletes exactly the images every phase's task definitions use, from the bootstrap repository", () => {
    const block = /```sh\n(npx cdk synth MicroservicesLabStack -c phase=split[\s\S]*?)```/.exec(guide)![1];
    const [synth, tagsLine, deleteLine] = block.split('\n');
    expect(synth).toBe('npx cdk synth MicroservicesLabStack -c phase=split --quiet -o cdk.out.images');
    expect(deleteLine).toBe('aws ecr batch-delete-image --repository-name "cdk-hnb659fds-container-assets-$ACCOUNT-$REGION" --image-ids $TAGS');
    // Run the guide's own script on this test's split synth, placed where the guide's synth writes it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-'));
    try {
      fs.mkdirSync(path.join(dir, 'cdk.out.images'));
      const manifest = `${LABS.split.stack.artifactId}.assets.json`;
      fs.copyFileSync(path.join(assemblyDir(LABS.split), manifest), path.join(dir, 'cdk.out.images', 'MicroservicesLabStack.assets.json'));
      const script = /^TAGS=\$\(node -e '([^']+)' \| sort -u\)$/.exec(tagsLine)![1];
      const out = execFileSync('node', ['-e', script], { cwd: dir, encoding: 'utf8' });
      const tags = [...new Set(out.trim().split('\n'))].sort();
      // The images every phase runs: the four task definitions of the split phase, and no other phase has more.
      const imageTags = (lab: SynthesizedLab) =>
        resources(lab, 'AWS::ECS::TaskDefinition').map(([, td]) => /:([0-9a-f]{64})"/.exec(JSON.stringify(td.Properties!.ContainerDefinitions[0].Image))![1]);
      const everyPhase = [...new Set(BOARD_PHASES.flatMap((p) => imageTags(LABS[p])))].sort();
      expect(tags).toEqual(everyPhase.map((t) => `imageTag=${t}`));
      expect(tags).toHaveLength(DEPLOYABLES.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(guide).toMatch(/shared[\s\S]{0,200}another copy of this lab/);
  });

  test('its steps include the isolation of crashes and each service\'s own roles', () => {
    expect(guide).toContain('## 6. Isolation of crashes');
    expect(guide).toContain('aws ecs stop-task --cluster "$CLUSTER"');
    expect(guide).toContain('taskDefinition.[family,taskRoleArn,executionRoleArn,containerDefinitions[0].user]');
  });

  test('its phase commands are the NextPhaseCommand outputs', () => {
    expect(guide).toContain(LABS.monolith.json.Outputs!.NextPhaseCommand.Value);
    expect(guide).toContain(LABS.split.json.Outputs!.NextPhaseCommand.Value);
  });

  test("its cost total is the price table's arithmetic, the same figure the README's lab table gives", () => {
    const prices = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'cli', 'pricing', 'prices.json'), 'utf8'));
    const total =
      prices.loadBalancer.application.usd +
      2 * prices.publicIpv4.usd +
      prices.ec2Instance['t4g.micro'].usd +
      prices.publicIpv4.usd +
      (30 * prices.ebsGbMonth.gp3.usd) / prices.hoursPerMonth;
    const figure = total.toFixed(4);
    expect(figure).toBe('0.0492');
    expect(guide).toContain(`| **total** | | **${figure}** |`);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toMatch(new RegExp(`^\\| \`MicroservicesLabStack\` .*\\| \\$${figure.replace('.', '\\.')}/h in every phase`, 'm'));
  });
});
