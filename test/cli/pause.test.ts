/** Planning `labs pause` and `labs resume`: what stops, what is remembered, and what refuses. */
import { describeAction, formatCapacity, parseCapacity, planPause, planResume } from '../../lib/cli/actions/pause';
import { PAUSE_TAG_KEYS } from '../../lib/shared/tags';
import { resource, tagsOf } from './fixtures';

const stack = 'MicroLabStack';
const service = resource('ecs-service', 'arn:aws:ecs:us-east-1:1:service/lab/users', stack, { name: 'users', state: 'ACTIVE', facts: { desiredCount: 2, ecsCluster: 'arn:aws:ecs:us-east-1:1:cluster/lab' } });
const group = resource('autoscaling-group', 'lab-capacity', stack, { facts: { capacity: { min: 1, max: 3, desired: 2 } } });
const web = resource('ec2-instance', 'i-web', stack, { detail: 't3.small', facts: { rootDeviceType: 'ebs' } });
const stopped = resource('ec2-instance', 'i-already-stopped', stack, { state: 'stopped', facts: { rootDeviceType: 'ebs' } });
const groupMember = resource('ec2-instance', 'i-in-group', stack, { parent: { kind: 'autoscaling-group', id: 'lab-capacity' }, facts: { rootDeviceType: 'ebs' } });
const task = resource('ecs-task', 'arn:task/1', stack, { state: 'RUNNING', parent: { kind: 'ecs-service', id: service.id } });
const volume = resource('ebs-volume', 'vol-1', stack, { state: 'in-use', billable: [{ kind: 'ebs-volume', volumeType: 'gp3', sizeGb: 8 }] });

test('pause scales services, then groups, then stops plain running instances; what keeps billing is listed', () => {
  const plan = planPause([web, stopped, groupMember, group, service, task, volume]);
  expect(plan.blockers).toEqual([]);
  expect(plan.actions.map(describeAction)).toEqual([
    'scale ECS service users from 2 to 0 tasks',
    'scale Auto Scaling group lab-capacity from min=1,max=3,desired=2 to min=0,max=3,desired=0',
    'stop EC2 instance i-web (t3.small, running)',
  ]);
  expect(plan.stillBilling).toEqual([volume]);
});

test('an EMR cluster, an instance-store root, a Spot instance or a task outside a service makes pause refuse', () => {
  const plan = planPause([
    web,
    resource('emr-cluster', 'j-1', tagsOf(stack, 'hadoop'), { state: 'WAITING', detail: 'hadoop-lab' }),
    resource('ec2-instance', 'i-store', stack, { facts: { rootDeviceType: 'instance-store' } }),
    resource('ec2-instance', 'i-spot', stack, { facts: { rootDeviceType: 'ebs', lifecycle: 'spot' } }),
    resource('ecs-task', 'arn:task/lonely', stack, { state: 'RUNNING' }),
  ]);
  expect(plan.blockers).toHaveLength(4);
  expect(plan.blockers[0]).toMatch(/^EMR cluster j-1 .*: EMR clusters cannot be stopped, only terminated/);
  expect(plan.blockers[1]).toMatch(/i-store .*instance store, which is erased/);
  expect(plan.blockers[2]).toMatch(/i-spot .*Spot instance/);
  expect(plan.blockers[3]).toMatch(/arn:task\/lonely .*outside any service/);
  // A terminated cluster is history, not a blocker.
  expect(planPause([resource('emr-cluster', 'j-2', stack, { state: 'TERMINATING' })]).blockers).toEqual([]);
});

test('resume restores exactly what the pause tags remember, instances and groups before services', () => {
  const paused = [
    { ...service, tags: { ...service.tags, [PAUSE_TAG_KEYS.serviceDesiredCount]: '2' }, facts: { ...service.facts, desiredCount: 0 } },
    { ...group, tags: { ...group.tags, [PAUSE_TAG_KEYS.groupCapacity]: 'min=1,max=3,desired=2' }, facts: { capacity: { min: 0, max: 3, desired: 0 } } },
    { ...web, state: 'stopped', tags: { ...web.tags, [PAUSE_TAG_KEYS.instance]: 'running' } },
    stopped, // stopped before the pause: no tag, stays stopped
  ];
  const plan = planResume(paused);
  expect(plan.blockers).toEqual([]);
  expect(plan.actions.map(describeAction)).toEqual([
    'start EC2 instance i-web (t3.small, stopped)',
    'scale Auto Scaling group lab-capacity from min=0,max=3,desired=0 to min=1,max=3,desired=2',
    'scale ECS service users from 0 to 2 tasks',
  ]);
});

test('resume refuses a tag it cannot read, and waits for an instance still stopping', () => {
  const plan = planResume([
    { ...service, tags: { ...service.tags, [PAUSE_TAG_KEYS.serviceDesiredCount]: 'two' } },
    { ...web, state: 'stopping', tags: { ...web.tags, [PAUSE_TAG_KEYS.instance]: 'running' } },
  ]);
  expect(plan.actions).toEqual([]);
  expect(plan.blockers).toEqual([
    `ECS service ${service.id} "users" (ACTIVE): its tag course-labs:paused-desired-count="two" is not a task count.`,
    'EC2 instance i-web (t3.small, stopping) is still stopping; run labs resume again in a minute.',
  ]);
});

test('capacity tags round-trip and reject anything else', () => {
  const c = { min: 1, max: 3, desired: 2 };
  expect(parseCapacity(formatCapacity(c))).toEqual(c);
  expect(parseCapacity('min=1,max=3')).toBeUndefined();
});
