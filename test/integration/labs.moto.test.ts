/**
 * The `labs` command against a real AWS API endpoint: moto_server on 127.0.0.1 (see `test/helpers/moto.ts`), reset and
 * seeded through the SDK before every test (`seed.ts`) with lab stacks, what labs make at run time,
 * leftovers of a deleted stack, and decoys named like labs but not carrying the project tag.
 *
 * Every test checks the decoys survive; dry runs must change nothing at all; `--yes` must remove every
 * tagged leftover. Commands run in-process through `run()` (as `bin/labs.ts` does), with their output
 * captured; one test runs the real `bin/labs.cjs` to check what a user sees.
 *
 * Run with `npm run test:moto` (scripts/test-moto.sh installs moto if it is missing).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, ListStackResourcesCommandOutput } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { ListClustersCommand } from '@aws-sdk/client-emr';
import { ListBucketsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { GetScheduleCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { run } from '../../lib/cli/main';
import { io } from '../../lib/cli/io';
import { PAUSE_TAG_KEYS } from '../../lib/shared/tags';
import { Moto, pointAwsSdkAt, startMoto } from '../helpers/moto';
import { Clients, clients, GONE, HADOOP, MICRO, OTHER, seed, Seeded, seedExpirySchedule, STATIC } from './seed';

jest.setTimeout(120_000);

let moto: Moto;
let c: Clients;
let s: Seeded;

beforeAll(async () => {
  moto = await startMoto();
  pointAwsSdkAt(moto);
  c = clients();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  s = await seed(c);
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** Runs `labs <args>` in-process; returns its exit status and what it printed. */
async function labs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  jest.spyOn(io, 'out').mockImplementation((line) => void out.push(line));
  jest.spyOn(io, 'err').mockImplementation((line) => void err.push(line));
  const code = await run(args, (line) => err.push(line));
  (io.out as jest.Mock).mockRestore();
  (io.err as jest.Mock).mockRestore();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Everything in the account that a command could change, as plain data. */
async function world() {
  const instances: Record<string, string> = {};
  for (const r of (await c.ec2.send(new DescribeInstancesCommand({}))).Reservations ?? []) {
    for (const i of r.Instances ?? []) instances[i.InstanceId!] = i.State!.Name!;
  }
  const buckets: Record<string, number> = {};
  for (const b of (await c.s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    const v = await c.s3.send(new ListObjectVersionsCommand({ Bucket: b.Name }));
    buckets[b.Name!] = (v.Versions?.length ?? 0) + (v.DeleteMarkers?.length ?? 0);
  }
  const emr: Record<string, string> = {};
  for (const cl of (await c.emr.send(new ListClustersCommand({}))).Clusters ?? []) emr[cl.Id!] = cl.Status!.State!;
  const services: Record<string, number> = {};
  const serviceArns = (await c.ecs.send(new ListServicesCommand({ cluster: s.owned.microCluster }))).serviceArns ?? [];
  for (const svc of (await c.ecs.send(new DescribeServicesCommand({ cluster: s.owned.microCluster, services: serviceArns }))).services ?? []) {
    services[svc.serviceArn!] = svc.desiredCount!;
  }
  const groups: Record<string, string> = {};
  for (const g of (await c.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? []) {
    groups[g.AutoScalingGroupName!] = `${g.MinSize}/${g.DesiredCapacity}/${g.MaxSize}`;
  }
  const stacks: Record<string, string> = {};
  for (const st of (await c.cfn.send(new DescribeStacksCommand({}))).Stacks ?? []) stacks[st.StackName!] = st.StackStatus!;
  const schedules: Record<string, string> = {};
  for (const sc of (await c.scheduler.send(new ListSchedulesCommand({}))).Schedules ?? []) {
    const full = await c.scheduler.send(new GetScheduleCommand({ Name: sc.Name, GroupName: sc.GroupName }));
    schedules[`${sc.GroupName}/${sc.Name}`] = `${full.ScheduleExpression} ${full.Description}`;
  }
  return {
    instances,
    volumes: ((await c.ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []).map((v) => v.VolumeId!).sort(),
    snapshots: ((await c.ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []).map((x) => x.SnapshotId!).sort(),
    securityGroups: ((await c.ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []).map((g) => g.GroupId!).sort(),
    buckets,
    logGroups: ((await c.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName!).sort(),
    emr,
    services,
    groups,
    stacks,
    schedules,
  };
}

/** Every decoy is exactly as seeded. */
async function expectDecoysUntouched() {
  const w = await world();
  const d = s.decoys;
  expect(w.instances[d.instance]).toBe('running');
  expect(w.instances[d.wronglyTaggedInstance]).toBe('running');
  expect(w.volumes).toContain(d.volume);
  expect(w.snapshots).toContain(d.snapshot);
  expect(w.securityGroups).toContain(d.securityGroup);
  expect(w.buckets[d.bucket]).toBe(4);
  expect(w.buckets[d.otherStackBucket]).toBe(0);
  expect(w.buckets[d.projectTagOnlyBucket]).toBe(4);
  expect(w.buckets[d.otherRegionBucket]).toBe(4);
  expect(w.instances[d.noStackTagInstance]).toBe('running');
  expect(w.instances[d.emptyStackTagInstance]).toBe('running');
  expect(w.logGroups).toContain(d.logGroup);
  expect(w.emr[d.emrCluster]).toBe('WAITING');
  expect(w.stacks[OTHER]).toBe('CREATE_COMPLETE');
}

const leftoverIds = () => Object.values(s.leftovers);

/**
 * moto's CloudFormation cannot create an AWS::Scheduler::Schedule (or its group), so the stack's resource list
 * is given them as CloudFormation would list them (type, logical id, physical id = the name). Everything
 * else (ListSchedules, GetSchedule, UpdateSchedule) is moto's.
 */
function listScheduleInStack(stackId: string, scheduleName: string | readonly string[], group?: string) {
  const original = CloudFormationClient.prototype.send;
  jest.spyOn(CloudFormationClient.prototype, 'send').mockImplementation(async function (this: CloudFormationClient, command: unknown, ...rest: unknown[]) {
    const result = await (original as (...a: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    if (command instanceof ListStackResourcesCommand && [stackId, STATIC].includes(String(command.input.StackName))) {
      const out = result as ListStackResourcesCommandOutput;
      out.StackResourceSummaries = [
        ...(out.StackResourceSummaries ?? []),
        // LabExpiry's own schedule group, as the stack lists it (physical id = the group's name).
        ...(group
          ? [{ LogicalResourceId: 'LabExpiryScheduleGroup1A2B3C4D', PhysicalResourceId: group, ResourceType: 'AWS::Scheduler::ScheduleGroup', ResourceStatus: 'CREATE_COMPLETE' as const, LastUpdatedTimestamp: new Date() }]
          : []),
        // The expiry and, when given, its retry (LabExpiry's DeleteStackRetrySchedule).
        ...(typeof scheduleName === 'string' ? [scheduleName] : scheduleName).map((name, i) => ({
          LogicalResourceId: i === 0 ? 'LabExpiryDeleteStackSchedule9B1C2D3E' : 'LabExpiryDeleteStackRetrySchedule4F5A6B7C',
          PhysicalResourceId: name,
          ResourceType: 'AWS::Scheduler::Schedule',
          ResourceStatus: 'CREATE_COMPLETE' as const,
          LastUpdatedTimestamp: new Date(),
        })),
      ];
    }
    return result;
  } as never);
}

test('status lists every lab stack, what bills in it and what deleted stacks left, and never a decoy', async () => {
  const { code, out } = await labs('status', '--json');
  expect(code).toBe(0);
  const report = JSON.parse(out);
  expect(report.account).toBe('123456789012');
  expect(report.region).toBe('us-east-1');
  expect(report.stacks.map((x: { name: string }) => x.name)).toEqual([HADOOP, MICRO, STATIC]);
  const ids = (list: { id: string }[]) => list.map((r) => r.id);
  const stack = (name: string) => report.stacks.find((x: { name: string }) => x.name === name);
  // Run-time resources are the stack's by their tags; the EMR cluster bills its three m5.xlarge nodes.
  expect(ids(stack(STATIC).resources)).toEqual(expect.arrayContaining([s.owned.staticInstance, s.owned.staticRuntimeInstance, s.owned.staticBucket]));
  const emr = stack(HADOOP).resources.find((r: { id: string }) => r.id === s.owned.hadoopCluster);
  expect(emr.billing.filter((b: string) => b === 'EMR node m5.xlarge')).toHaveLength(3);
  expect(emr.usdPerHour).toBeGreaterThan(0.5);
  expect(ids(stack(MICRO).resources)).toEqual(expect.arrayContaining([s.owned.microInstance, s.owned.microService]));
  // Leftovers are exactly the tagged resources of the deleted stack.
  expect(ids(report.leftovers).sort()).toEqual(leftoverIds().sort());
  expect(report.leftovers.every((r: { stackTag: string }) => r.stackTag === GONE)).toBe(true);
  const everything = JSON.stringify(report);
  for (const decoy of Object.values(s.decoys)) expect(everything).not.toContain(decoy);
  expect(everything).not.toContain(OTHER);
  expect(report.usdPerHour).toBeGreaterThan(0);
  // Money is rounded to what the table shows (the leftover 8 GiB gp3 volume alone is 0.000876712... $/h).
  const amounts: number[] = [];
  JSON.parse(out, (key, value) => (/^usd/i.test(key) && typeof value === 'number' && amounts.push(value), value));
  expect(amounts.length).toBeGreaterThan(5);
  for (const usd of amounts) expect(String(usd)).toMatch(/^\d+(\.\d{1,4})?$/);

  const text = await labs('status');
  expect(text.code).toBe(0);
  expect(text.out).toMatch(/^Account 123456789012, region us-east-1: 3 lab stacks, about \$\d+\.\d{4}\/h in all\.$/m);
  expect(text.out).toMatch(/^STACK +LAB +STATUS +AGE +EXPIRES +\$\/HOUR +NOTE$/m);
});

test('status flags a stack past its expiry whose self-delete did not happen', async () => {
  const { name } = await seedExpirySchedule(c, s.stackIds[STATIC], 'default', '2026-01-01T09:00:00');
  listScheduleInStack(s.stackIds[STATIC], name);
  const { code, out } = await labs('status', '--json');
  expect(code).toBe(0);
  const st = JSON.parse(out).stacks.find((x: { name: string }) => x.name === STATIC);
  expect(st.expiry).toBe('scheduled');
  expect(st.scheduledAt).toBe('2026-01-01T09:00:00.000Z');
  expect(st.overdue).toBe(true);
  const text = await labs('status');
  expect(text.out).toContain('OVERDUE by');
  expect(text.out).toContain(`labs destroy ${STATIC}`);
});

test("an overdue stack whose expiry was refused: status says when the retry schedule calls DeleteStack again; extend moves both", async () => {
  // LabExpiry's two schedules in the stack's group: the expiry, past (its DeleteStack was refused: the stack
  // is still here), and the retry an hour after it, still ahead.
  const group = `${STATIC}-expiry`;
  const minute = (ms: number) => new Date(Math.ceil(ms / 60_000) * 60_000).toISOString().slice(0, 19);
  const expiredAt = minute(Date.now() - 30 * 60_000);
  const retryAt = minute(Date.now() - 30 * 60_000 + 3_600_000);
  const { name } = await seedExpirySchedule(c, s.stackIds[STATIC], group, expiredAt);
  const retry = (await seedExpirySchedule(c, s.stackIds[STATIC], group, retryAt, 'LabExpiryDeleteStackRetrySchedule-DeF456')).name;
  // Listed retry first: the expiry is the one that fires first, not the one CloudFormation lists first.
  listScheduleInStack(s.stackIds[STATIC], [retry, name], group);

  const status = await labs('status', '--json');
  expect(status.code).toBe(0);
  const st = JSON.parse(status.out).stacks.find((x: { name: string }) => x.name === STATIC);
  expect(st).toMatchObject({ expiry: 'scheduled', scheduledAt: `${expiredAt}.000Z`, overdue: true, retryAt: `${retryAt}.000Z` });
  expect((await labs('status')).out).toMatch(/OVERDUE by \d+m \(retry at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);

  const extended = await labs('extend', STATIC, '--hours', '6');
  expect(extended.code).toBe(0);
  expect(extended.out).toContain(`Schedule ${group}/${name} updated, and its retry ${group}/${retry} moved with it.`);
  const at = async (n: string) => {
    const { ScheduleExpression } = await c.scheduler.send(new GetScheduleCommand({ Name: n, GroupName: group }));
    return new Date(`${/^at\((.*)\)$/.exec(ScheduleExpression!)![1]}Z`).getTime();
  };
  const [expiry, second] = [await at(name), await at(retry)];
  expect(expiry).toBeGreaterThanOrEqual(Date.now() + 6 * 3_600_000 - 60_000);
  expect(second - expiry).toBe(3_600_000);
});

test('sweep without --yes prints the plan and changes nothing', async () => {
  const before = await world();
  const { code, out } = await labs('sweep');
  expect(code).toBe(0);
  for (const id of leftoverIds()) expect(out).toContain(id);
  for (const id of [...Object.values(s.decoys), ...Object.values(s.owned)]) expect(out).not.toContain(id);
  expect(out).toContain('Account 123456789012, region us-east-1.');
  // The project-tagged decoys without a usable stack tag stay, and are not said to belong to a live stack.
  expect(out).toMatch(/belong to live stacks, .*3 are not provably a lab's leftover \(no stack tag names a deleted lab stack\)\)/);
  expect(out).toContain('Dry run: nothing was changed. To do it, run: labs sweep --yes');
  expect(await world()).toEqual(before);
});

test('sweep --yes removes every tagged leftover, all bucket versions included, and nothing a live stack owns', async () => {
  const before = await world();
  const { code, out } = await labs('sweep', '--yes');
  expect(out).not.toContain('FAILED');
  expect(code).toBe(0);
  const after = await world();
  expect(after.instances[s.leftovers.instance]).toBe('terminated');
  expect(after.volumes).not.toContain(s.leftovers.volume);
  expect(after.snapshots).not.toContain(s.leftovers.snapshot);
  expect(after.securityGroups).not.toContain(s.leftovers.securityGroup);
  expect(after.buckets).not.toHaveProperty(s.leftovers.bucket);
  expect(after.logGroups).not.toContain(s.leftovers.logGroup);
  expect(after.emr[s.leftovers.emrCluster]).toBe('TERMINATED');
  // What live stacks own, in their templates or by their tags, is untouched.
  for (const id of [s.owned.staticInstance, s.owned.staticRuntimeInstance, s.owned.microInstance]) expect(after.instances[id]).toBe('running');
  expect(after.buckets[s.owned.staticBucket]).toBe(0);
  expect(after.buckets[s.owned.hadoopBucket]).toBe(3);
  expect(after.emr[s.owned.hadoopCluster]).toBe('WAITING');
  expect(after.services).toEqual(before.services);
  expect(after.groups).toEqual(before.groups);
  expect(after.stacks).toEqual(before.stacks);
  await expectDecoysUntouched();
  // A second sweep finds nothing.
  expect((await labs('sweep')).out).toContain('Nothing to sweep');
});

test('destroy without --yes prints the plan and changes nothing', async () => {
  const before = await world();
  const { code, out } = await labs('destroy', STATIC);
  expect(code).toBe(0);
  expect(out).toContain(`Delete stack ${STATIC} (lab static-site, CREATE_COMPLETE) and its 3 resources:`);
  expect(out).toMatch(/AWS::S3::Bucket +SiteBucket +staticsitelabstack-sitebucket-/);
  expect(out).toContain(s.owned.staticRuntimeInstance); // made at run time, removed after the stack
  expect(out).not.toContain(s.leftovers.instance); // another stack's leftovers are not this destroy's
  expect(out).toContain(`Dry run: nothing was changed. To do it, run: labs destroy ${STATIC} --yes`);
  expect(await world()).toEqual(before);
});

test('destroy --yes deletes the stack and what it made at run time, and nothing else', async () => {
  const before = await world();
  const { code, out, err } = await labs('destroy', STATIC, '--yes');
  expect(code).toBe(0);
  expect(err).toContain(`${STATIC}: DELETE_COMPLETE, 3/3 resources deleted`); // progress, one line per change off a terminal
  expect(out).toContain(`Deleted ${STATIC}.`);
  const after = await world();
  expect(after.stacks).not.toHaveProperty(STATIC);
  expect(after.instances[s.owned.staticInstance]).toBe('terminated');
  expect(after.instances[s.owned.staticRuntimeInstance]).toBe('terminated');
  expect(after.buckets).not.toHaveProperty(s.owned.staticBucket);
  // Other lab stacks, and the leftovers of another stack, are not this destroy's business.
  expect(after.stacks[HADOOP]).toBe('CREATE_COMPLETE');
  expect(after.stacks[MICRO]).toBe('CREATE_COMPLETE');
  expect(after.instances[s.leftovers.instance]).toBe('running');
  expect(after.buckets[s.leftovers.bucket]).toBe(before.buckets[s.leftovers.bucket]);
  await expectDecoysUntouched();
});

test('destroy --all --yes deletes every lab stack and sweeps every leftover; the non-lab stack and decoys stay', async () => {
  const { code, out } = await labs('destroy', '--all', '--yes');
  expect(out).not.toContain('FAILED');
  expect(code).toBe(0);
  const after = await world();
  expect(Object.keys(after.stacks)).toEqual([OTHER]);
  for (const id of [s.owned.hadoopCluster, s.leftovers.emrCluster]) expect(after.emr[id]).toBe('TERMINATED');
  for (const id of [s.owned.microInstance, s.owned.staticRuntimeInstance, s.leftovers.instance]) expect(after.instances[id]).toBe('terminated');
  expect(after.groups).not.toHaveProperty(s.owned.microGroup);
  expect(after.services[s.owned.microService] ?? 0).toBe(0);
  for (const b of [s.owned.hadoopBucket, s.leftovers.bucket]) expect(after.buckets).not.toHaveProperty(b);
  await expectDecoysUntouched();
  expect((await labs('status', '--json')).out).toMatch(/"stacks": \[\],\s+"leftovers": \[\]/);
});

test('destroy refuses a stack that is not a lab, and an unknown stack, with one line each', async () => {
  const before = await world();
  const other = await labs('destroy', OTHER, '--yes');
  expect(other).toEqual({ code: 4, out: '', err: `labs: Stack "${OTHER}" is not a course lab: it has no course-labs:project=course-labs tag, and labs acts only on lab stacks.` });
  const unknown = await labs('destroy', 'NoSuchLabStack', '--yes');
  expect(unknown.code).toBe(4);
  expect(unknown.err).toBe(`labs: No stack named "NoSuchLabStack" in us-east-1. Lab stacks in us-east-1: ${HADOOP}, ${MICRO}, ${STATIC}.`);
  expect(await world()).toEqual(before);
});

test('pause stops instances and scales services and groups to 0, remembering them; resume restores exactly', async () => {
  const before = await world();
  const dry = await labs('pause', MICRO);
  expect(dry.code).toBe(0);
  expect(dry.out).toContain('scale ECS service users from 2 to 0 tasks');
  expect(dry.out).toContain('scale Auto Scaling group microservices-capacity from min=1,max=3,desired=2 to min=0,max=3,desired=0');
  expect(dry.out).toContain(`stop EC2 instance ${s.owned.microInstance}`);
  expect(dry.out).not.toContain(s.owned.microStoppedInstance);
  expect(await world()).toEqual(before);

  const paused = await labs('pause', MICRO, '--yes');
  expect(paused.code).toBe(0);
  let w = await world();
  expect(w.instances[s.owned.microInstance]).toBe('stopped');
  expect(w.services[s.owned.microService]).toBe(0);
  expect(w.groups[s.owned.microGroup]).toBe('0/0/3');
  const tags = (await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [s.owned.microInstance] }))).Reservations![0].Instances![0].Tags!;
  expect(tags).toContainEqual({ Key: PAUSE_TAG_KEYS.instance, Value: 'running' });
  // Other labs are not paused.
  expect(w.instances[s.owned.staticInstance]).toBe('running');

  const resumed = await labs('resume', MICRO, '--yes');
  expect(resumed.code).toBe(0);
  w = await world();
  expect(w.instances[s.owned.microInstance]).toBe('running');
  expect(w.instances[s.owned.microStoppedInstance]).toBe('stopped'); // it was stopped before the pause
  expect(w.services).toEqual(before.services);
  expect(w.groups).toEqual(before.groups);
  expect((await labs('resume', MICRO)).out).toContain(`Nothing in ${MICRO} was paused by labs pause.`);
  await expectDecoysUntouched();
});

test('pause refuses a lab with an EMR cluster, saying why, and changes nothing', async () => {
  const before = await world();
  const { code, out, err } = await labs('pause', HADOOP, '--yes');
  expect(code).toBe(5);
  expect(out).toContain('EMR clusters cannot be stopped, only terminated');
  expect(err).toBe(`labs: ${HADOOP} cannot pause; nothing was changed.`);
  expect(await world()).toEqual(before);
});

test('extend moves the expiry schedule in place, keeping its other fields, and leaves other schedules alone', async () => {
  const group = `${STATIC}-expiry`;
  const { name } = await seedExpirySchedule(c, s.stackIds[STATIC], group, '2026-11-26T06:00:00');
  // A look-alike in the default group, of the same name, that deletes another stack: never touched.
  await seedExpirySchedule(c, s.stackIds[HADOOP], 'default', '2026-11-26T06:00:00');
  listScheduleInStack(s.stackIds[STATIC], name, group);
  const getSchedule = async (GroupName: string) => {
    const { $metadata, ...schedule } = await c.scheduler.send(new GetScheduleCommand({ Name: name, GroupName }));
    return schedule;
  };
  const before = await getSchedule(group);
  const decoyBefore = await getSchedule('default');

  const started = Date.now();
  const { code, out } = await labs('extend', STATIC, '--hours', '6');
  expect(code).toBe(0);
  const after = await getSchedule(group);
  const at = new Date(`${/^at\((.*)\)$/.exec(after.ScheduleExpression!)![1]}Z`).getTime();
  // Six hours from now, rounded up to the minute as the deploy rounds.
  expect(at).toBeGreaterThanOrEqual(started + 6 * 3_600_000);
  expect(at).toBeLessThanOrEqual(Date.now() + 6 * 3_600_000 + 60_000);
  expect(at % 60_000).toBe(0);
  expect(after.Target).toEqual(before.Target);
  expect(after.FlexibleTimeWindow).toEqual(before.FlexibleTimeWindow);
  expect(after.State).toBe('ENABLED');
  expect(after.ScheduleExpressionTimezone).toBe('Etc/UTC');
  expect(after.Description).toMatch(/^Deletes this course lab's CloudFormation stack 4 h after it was deployed\. Moved by labs extend on .* to .*\.$/);
  expect(out).toContain(`${STATIC} now deletes itself at`);
  expect(out).toContain(`Schedule ${group}/${name} updated.`);
  expect(await getSchedule('default')).toEqual(decoyBefore);

  // status shows the new time, marked as extended.
  const st = JSON.parse((await labs('status', '--json')).out).stacks.find((x: { name: string }) => x.name === STATIC);
  expect(new Date(st.scheduledAt).getTime()).toBe(at);
  expect(st.extended).toBe(true);
});

test('extend never moves the expiry earlier without --yes: it prints the plan and points at labs destroy', async () => {
  const group = `${STATIC}-expiry`;
  // 48 hours left, or more: --hours 1 would move the deletion about 47 hours earlier.
  const at = new Date(Math.ceil((Date.now() + 48 * 3_600_000) / 60_000) * 60_000).toISOString().slice(0, 19);
  const { name } = await seedExpirySchedule(c, s.stackIds[STATIC], group, at);
  listScheduleInStack(s.stackIds[STATIC], name, group);
  const expression = async () => (await c.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }))).ScheduleExpression;

  const dry = await labs('extend', STATIC, '--hours', '1');
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(/--hours 1 moves that EARLIER, to .* UTC: 1d 2[23]h sooner\./);
  expect(dry.out).toContain(`to delete it now, run: labs destroy ${STATIC}`);
  expect(dry.out).toContain(`Dry run: nothing was changed. To do it, run: labs extend ${STATIC} --hours 1 --yes`);
  expect(await expression()).toBe(`at(${at})`);

  // Later is not a destructive change: no --yes needed.
  const later = await labs('extend', STATIC, '--hours', '72');
  expect(later.code).toBe(0);
  expect(later.out).toContain(`${STATIC} now deletes itself at`);
  const moved = await expression();
  expect(moved).not.toBe(`at(${at})`);

  const yes = await labs('extend', STATIC, '--hours', '1', '--yes');
  expect(yes.code).toBe(0);
  expect(yes.out).toContain(`${STATIC} now deletes itself at`);
  const when = new Date(`${/^at\((.*)\)$/.exec((await expression())!)![1]}Z`).getTime();
  expect(when).toBeLessThanOrEqual(Date.now() + 3_600_000 + 60_000);
});

test('extend says so, in one line, when the lab never expires', async () => {
  const { code, err } = await labs('extend', HADOOP, '--hours', '2');
  expect(code).toBe(4);
  expect(err).toBe(`labs: ${HADOOP} never expires (it was deployed with ttlHours=0), so there is no expiry to move. Redeploy with -c ttlHours=<hours> to give it one.`);
});

test('results prints the Hadoop lab\'s Hive output, and one line for any other lab', async () => {
  const hadoop = await labs('results', HADOOP);
  expect(hadoop.code).toBe(0);
  expect(hadoop.out).toBe(
    [
      `Requests per operating system, from s3://${s.owned.hadoopBucket}/output/os_requests/ (2 files, 60 B):`,
      'os       requests',
      'Android       855',
      'Linux         813',
      'MacOS         852',
      'OSX           799',
      'Windows       883',
      'iOS           794',
    ].join('\n'),
  );
  const other = await labs('results', STATIC);
  expect(other).toEqual({ code: 0, out: `${STATIC} is the static-site lab, which has no results to fetch: labs results is for the Hadoop lab's Hive output.`, err: '' });
});

test('the installed command: exit codes and one-line errors, no stack trace, no SDK warning', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'labs.cjs');
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => {
    const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
    return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: merged });
  };
  const ok = cli(['status']);
  expect(ok.status).toBe(0);
  expect(ok.stderr).toBe('');
  expect(ok.stdout).toContain('3 lab stacks');
  const denied = cli(['status'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_EC2_METADATA_DISABLED: 'true' });
  expect(denied.status).toBe(2);
  expect(denied.stderr).toMatch(/^labs: AWS credentials problem \(CredentialsProviderError\): configure credentials .*\n$/);
  const unreachable = cli(['status'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
  expect(unreachable.status).toBe(2);
  expect(unreachable.stderr).toMatch(/^labs: Cannot reach AWS at 127\.0\.0\.1:9 \(ECONNREFUSED\).*\n$/);
  // A region moto does not know: whatever error that is, one line and a non-zero exit; --debug shows the trace.
  const badRegion = cli(['status', '--region', 'eu-west-9'], { AWS_MAX_ATTEMPTS: '1' });
  expect(badRegion.status).not.toBe(0);
  expect(badRegion.stderr).toMatch(/^labs: [^\n]*\n$/);
  expect(badRegion.stdout).toBe('');
  const debug = cli(['status', '--region', 'eu-west-9', '--debug'], { AWS_MAX_ATTEMPTS: '1' });
  expect(debug.status).toBe(badRegion.status);
  if (/unexpected error/.test(badRegion.stderr)) expect(debug.stderr).toMatch(/\n +at /);
  const usage = cli(['extend', STATIC, '--hours', '500']);
  expect(usage.status).toBe(1);
  expect(usage.stderr).toContain('"500" is not allowed: a whole number of hours from 1 to 168.');
});
