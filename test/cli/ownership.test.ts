/** Who owns a tagged resource decides what sweep may delete: these are the safety rules. */
import { describeKept, LiveStacks, NO_STACK_TAG_REASON, NOT_A_LAB_STACK_REASON, ownerOf, planSweep, stackTagOf, SWEEP_ORDER } from '../../lib/cli/inventory/ownership';
import { KIND_LABEL, ResourceKind } from '../../lib/cli/inventory/resources';
import { PROJECT_TAG_VALUE, TAG_KEYS } from '../../lib/shared/tags';
import { resource, tagsOf } from './fixtures';

const live: LiveStacks = {
  names: new Set(['StaticSiteLabStack', 'NotALabStack', 'HadoopLabStack']),
  physicalIds: new Map([
    ['i-listed', 'StaticSiteLabStack'],
    ['arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/1', 'StaticSiteLabStack'],
    ['microservices-lab', 'HadoopLabStack'],
  ]),
};

describe('ownerOf', () => {
  test('a resource whose stack tag names a live stack belongs to it, even if no resource list holds it', () => {
    expect(ownerOf(resource('ec2-instance', 'i-runtime', 'StaticSiteLabStack'), live)).toBe('StaticSiteLabStack');
  });
  test("CloudFormation's own stack-name tag counts too, for any stack that exists", () => {
    const r = resource('ebs-volume', 'vol-1', { ...tagsOf('GoneStack'), 'aws:cloudformation:stack-name': 'NotALabStack' });
    expect(ownerOf(r, live)).toBe('NotALabStack');
  });
  test("a stack's resource list owns what it holds, by id or ARN, whatever the tags say", () => {
    expect(ownerOf(resource('ec2-instance', 'i-listed', 'GoneStack'), live)).toBe('StaticSiteLabStack');
    const lb = resource('load-balancer', 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/1', 'GoneStack', {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/lb/1',
    });
    expect(ownerOf(lb, live)).toBe('StaticSiteLabStack');
  });
  test("an ECS cluster is matched by its name, its physical id in CloudFormation", () => {
    const cluster = resource('ecs-cluster', 'arn:aws:ecs:us-east-1:1:cluster/microservices-lab', 'GoneStack', { name: 'microservices-lab' });
    expect(ownerOf(cluster, live)).toBe('HadoopLabStack');
    expect(ownerOf({ ...cluster, kind: 'log-group', id: 'x', name: 'microservices-lab' }, live)).toBeUndefined();
  });
  test('a resource of a stack that no longer exists has no owner', () => {
    expect(ownerOf(resource('ec2-instance', 'i-left', 'GoneStack'), live)).toBeUndefined();
  });
});

describe('planSweep', () => {
  const leftovers = [
    resource('log-group', '/course-labs/gone', 'GoneStack'),
    resource('s3-bucket', 'gone-bucket', 'GoneStack'),
    resource('security-group', 'sg-gone', 'GoneStack'),
    resource('ec2-instance', 'i-gone', 'GoneStack'),
    resource('emr-cluster', 'j-GONE', 'GoneStack'),
  ];

  test('sweeps only unowned project-tagged resources, in dependency order, and says why each other one stays', () => {
    const kept = [
      resource('ec2-instance', 'i-runtime', 'StaticSiteLabStack'),
      resource('ec2-instance', 'i-listed', 'GoneStack'),
      resource('ec2-instance', 'i-wrong', { [TAG_KEYS.project]: 'someone-else', [TAG_KEYS.stack]: 'GoneStack' }),
    ];
    const plan = planSweep([...kept, ...leftovers], live);
    expect(plan.sweep.map((r) => r.id)).toEqual(['j-GONE', 'i-gone', 'sg-gone', 'gone-bucket', '/course-labs/gone']);
    expect(plan.kept.map((k) => [k.resource.id, k.reason])).toEqual([
      ['i-runtime', 'belongs to stack StaticSiteLabStack'],
      ['i-listed', 'belongs to stack StaticSiteLabStack'],
      ['i-wrong', 'no course-labs:project=course-labs tag'],
    ]);
  });

  test('a resource managed by another one found goes with it (EMR nodes, Auto Scaling instances); without its parent it is swept itself', () => {
    const node = resource('ec2-instance', 'i-node', 'GoneStack', { parent: { kind: 'emr-cluster', id: 'j-GONE' } });
    const orphanNode = resource('ec2-instance', 'i-orphan-node', 'GoneStack', { parent: { kind: 'emr-cluster', id: 'j-TERMINATED' } });
    const plan = planSweep([...leftovers, node, orphanNode], live);
    expect(plan.sweep.map((r) => r.id)).toContain('i-orphan-node');
    expect(plan.sweep.map((r) => r.id)).not.toContain('i-node');
    expect(plan.kept).toContainEqual({ resource: node, reason: 'goes with its emr-cluster j-GONE' });
  });

  describe('a resource is a leftover only when a non-empty stack tag names a stack that is gone', () => {
    const project = { [TAG_KEYS.project]: PROJECT_TAG_VALUE };
    const cases: [string, ReturnType<typeof resource>][] = [
      // The README offers the project tag for cost reports: a course's own shared bucket may carry only it.
      ['a versioned bucket with only the project tag', resource('s3-bucket', 'course-shared-data', project)],
      ['an instance with the project and lab tags but no stack tag', resource('ec2-instance', 'i-nostack', { ...project, [TAG_KEYS.lab]: 'static-site' })],
      ['an instance with an empty stack tag', resource('ec2-instance', 'i-emptystack', { ...project, [TAG_KEYS.stack]: '' })],
      ['an instance whose stack tag is blank', resource('ec2-instance', 'i-blankstack', { ...project, [TAG_KEYS.stack]: '   ' })],
      ['a volume with empty stack tags of both kinds', resource('ebs-volume', 'vol-empty', { ...project, [TAG_KEYS.stack]: '', 'aws:cloudformation:stack-name': '' })],
    ];
    test.each(cases)('%s is never swept, and says why', (_, r) => {
      const plan = planSweep([...leftovers, r], live);
      expect(plan.sweep.map((x) => x.id)).not.toContain(r.id);
      expect(plan.kept).toContainEqual({ resource: r, reason: NO_STACK_TAG_REASON });
      // Not by `labs destroy --all` either (no scope), nor by a scoped sweep.
      expect(planSweep([r], live, { stacks: new Set(['GoneStack', '']) }).sweep).toEqual([]);
    });

    test("CloudFormation's stack-name tag names the stack when the project's is empty or missing", () => {
      const r = resource('ec2-instance', 'i-cfn', { ...project, [TAG_KEYS.lab]: 'static-site', [TAG_KEYS.stack]: '', 'aws:cloudformation:stack-name': 'GoneStack' });
      expect(stackTagOf(r)).toBe('GoneStack');
      expect(planSweep([r], live).sweep).toEqual([r]);
      const owned = resource('ec2-instance', 'i-cfn-live', { ...project, [TAG_KEYS.stack]: '', 'aws:cloudformation:stack-name': 'StaticSiteLabStack' });
      expect(planSweep([owned], live).kept).toEqual([{ resource: owned, reason: 'belongs to stack StaticSiteLabStack' }]);
    });

    test("CloudFormation's stack-name tag alone, with no lab tag, does not name a lab stack: a course stack's retained bucket stays", () => {
      // Any stack's resources carry aws:cloudformation:stack-name; a course's own stack may add the project tag for cost reports.
      const retained = resource('s3-bucket', 'course-shared-retained', { ...project, 'aws:cloudformation:stack-name': 'CourseSharedStack' });
      const blankLab = resource('ebs-volume', 'vol-blank-lab', { ...project, [TAG_KEYS.lab]: ' ', 'aws:cloudformation:stack-name': 'GoneStack' });
      for (const r of [retained, blankLab]) {
        expect(planSweep([...leftovers, r], live).sweep.map((x) => x.id)).not.toContain(r.id);
        expect(planSweep([r], live).kept).toEqual([{ resource: r, reason: NOT_A_LAB_STACK_REASON }]);
        expect(planSweep([r], live, { stacks: new Set(['CourseSharedStack', 'GoneStack']) }).sweep).toEqual([]);
      }
    });

    test('an empty stack tag never names a stack, not even one called ""', () => {
      const liveWithEmpty: LiveStacks = { ...live, names: new Set([...live.names, '']) };
      expect(stackTagOf(resource('ec2-instance', 'i-e', { ...project, [TAG_KEYS.stack]: '' }))).toBeUndefined();
      expect(ownerOf(resource('ec2-instance', 'i-e', { ...project, [TAG_KEYS.stack]: '' }), liveWithEmpty)).toBeUndefined();
    });
  });

  describe('the rule holds for every kind sweep handles', () => {
    const kinds = Object.keys(KIND_LABEL) as ResourceKind[];
    const project = { [TAG_KEYS.project]: PROJECT_TAG_VALUE };
    test.each(kinds)('%s: swept only when a non-empty stack tag names a lab stack that is gone', (kind) => {
      const leftover = resource(kind, `${kind}-leftover`, 'GoneStack');
      const keep = [
        resource(kind, `${kind}-project-only`, project),
        resource(kind, `${kind}-empty-stack`, { ...project, [TAG_KEYS.lab]: 'static-site', [TAG_KEYS.stack]: '', 'aws:cloudformation:stack-name': ' ' }),
        resource(kind, `${kind}-cfn-only`, { ...project, 'aws:cloudformation:stack-name': 'CourseSharedStack' }),
        resource(kind, `${kind}-live`, 'StaticSiteLabStack'),
        resource(kind, `${kind}-not-project`, { ...tagsOf('GoneStack'), [TAG_KEYS.project]: 'other' }),
        // Tagged for a gone lab stack, but CloudFormation's tag names a stack that exists (as an Elastic Beanstalk
        // environment's own awseb-e-...-stack would): that stack owns it, so it stays.
        resource(kind, `${kind}-beanstalk`, { ...tagsOf('BeanstalkLabStack', 'beanstalk'), 'aws:cloudformation:stack-name': 'awseb-e-abc123-stack' }),
      ];
      const withBeanstalk: LiveStacks = { ...live, names: new Set([...live.names, 'awseb-e-abc123-stack']) };
      const plan = planSweep([leftover, ...keep], withBeanstalk);
      expect(plan.sweep.map((r) => r.id)).toEqual([leftover.id]);
      expect(plan.kept.map((k) => k.resource.id).sort()).toEqual(keep.map((r) => r.id).sort());
    });
  });

  test('a scope keeps to the named stacks', () => {
    const other = resource('ebs-volume', 'vol-other', 'OtherGoneStack');
    const plan = planSweep([...leftovers, other], live, { stacks: new Set(['OtherGoneStack']) });
    expect(plan.sweep.map((r) => r.id)).toEqual(['vol-other']);
  });

  test('the order covers every kind', () => {
    const kinds = ['ec2-instance', 'ebs-volume', 'ebs-snapshot', 'security-group', 'nat-gateway', 'emr-cluster', 'autoscaling-group', 'ecs-cluster', 'ecs-service', 'ecs-task', 'load-balancer', 'target-group', 's3-bucket', 'log-group'];
    expect([...SWEEP_ORDER].sort()).toEqual(kinds.sort());
  });
});

test("what stays is said truly: a resource kept for want of a stack tag is not said to belong to a live stack", () => {
  const project = { [TAG_KEYS.project]: PROJECT_TAG_VALUE };
  const plan = planSweep(
    [
      resource('ec2-instance', 'i-runtime', 'StaticSiteLabStack'),
      resource('ebs-volume', 'vol-live', 'HadoopLabStack'),
      resource('s3-bucket', 'course-shared-data', project),
      resource('ec2-instance', 'i-node', 'GoneStack', { parent: { kind: 'emr-cluster', id: 'j-GONE' } }),
      resource('emr-cluster', 'j-GONE', 'GoneStack'),
    ],
    live,
  );
  expect(describeKept(plan.kept)).toBe(
    "2 belong to live stacks, 1 goes with the resource that manages it, 1 is not provably a lab's leftover (no stack tag names a deleted lab stack)",
  );
  expect(describeKept(planSweep([resource('s3-bucket', 'b', project), resource('ec2-instance', 'i', { ...project, [TAG_KEYS.stack]: '' })], live).kept)).toBe(
    "2 are not provably a lab's leftover (no stack tag names a deleted lab stack)",
  );
});
