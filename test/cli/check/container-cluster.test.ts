/**
 * The container-cluster checks run shell commands on the control plane through SSM Run Command. No AWS
 * emulator runs commands (moto accepts SendCommand but executes nothing), so SSM is a fake here: it answers
 * each script with the output kubectl or docker prints on a cluster in the state the test describes, in
 * their documented formats (`kubectl get nodes --no-headers`, `kubectl get pods -o wide --no-headers`,
 * `docker node ls --format`, `docker service ps --format`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { clusterShape, containerClusterChecks, kubernetesSpreadScript, parseNodes, placement, swarmSpreadScript } from '../../../lib/cli/check/container-cluster';
import { awsError, context, fakeFetch, fakeSession, labStack, statuses } from './fakes';

const CP = 'i-0123456789abcdef0';
const outputs = (orchestrator: 'kubernetes' | 'swarm', workers = 2): Record<string, string> => ({
  ControlPlaneSession: `aws ssm start-session --target ${CP} --region us-east-1`,
  ...Object.fromEntries(Array.from({ length: workers }, (_, i) => [`Worker${i + 1}Session`, `aws ssm start-session --target i-0000000000000000${i + 1} --region us-east-1`])),
  FirstCommands:
    orchestrator === 'kubernetes'
      ? 'kubectl get nodes -o wide && kubectl apply -f ~/workload/kubernetes/web.yaml && kubectl get pods -o wide'
      : 'docker node ls && docker stack deploy -c ~/workload/swarm/vote-stack.yml vote && docker service ls',
});

const NODES_OK = [
  'ip-10-0-0-10.ec2.internal   Ready    control-plane   12m   v1.33.1',
  'ip-10-0-1-20.ec2.internal   Ready    <none>          11m   v1.33.1',
  'ip-10-0-1-21.ec2.internal   Ready    <none>          11m   v1.33.1',
].join('\n');
const DNS_OK = ['coredns-674b8bbfcf-4x7q2   1/1   Running   0   12m', 'coredns-674b8bbfcf-9mz5c   1/1   Running   0   12m'].join('\n');
const pods = (name: string, nodes: string[]) =>
  nodes.map((n, i) => `${name}-7d9f8b-${i}x   1/1   Running   0   20s   10.244.${i}.5   ${n}   <none>   <none>`).join('\n');

/** An SSM fake: `answer(script)` gives stdout (or a status) for each script; the first poll finds no invocation yet. */
function ssm(answer: (script: string) => { stdout?: string; status?: string }) {
  const scripts = new Map<string, string>();
  const polled = new Set<string>();
  let n = 0;
  const fake = fakeSession({
    SendCommandCommand: (input) => {
      expect(input).toMatchObject({ InstanceIds: [CP], DocumentName: 'AWS-RunShellScript' });
      const id = `cmd-${++n}`;
      scripts.set(id, input.Parameters.commands[0]);
      return { Command: { CommandId: id } };
    },
    GetCommandInvocationCommand: (input) => {
      if (!polled.has(input.CommandId)) {
        polled.add(input.CommandId);
        throw awsError('InvocationDoesNotExist');
      }
      const a = answer(scripts.get(input.CommandId)!);
      return { Status: a.status ?? 'Success', StandardOutputContent: a.stdout ?? '', StandardErrorContent: '' };
    },
  });
  return { ...fake, scripts: () => [...scripts.values()] };
}

function kubernetes(opts: { nodes?: string; dns?: string; placeOn?: string[] } = {}) {
  return ssm((script) => {
    if (script.includes('get nodes')) return { stdout: opts.nodes ?? NODES_OK };
    if (script.includes('k8s-app=kube-dns')) return { stdout: opts.dns ?? DNS_OK };
    const name = /deployment\/(labs-check-[0-9a-f]+)/.exec(script)![1];
    return { stdout: pods(name, opts.placeOn ?? ['ip-10-0-1-20.ec2.internal', 'ip-10-0-1-21.ec2.internal', 'ip-10-0-1-20.ec2.internal', 'ip-10-0-1-21.ec2.internal']) };
  });
}

const run = (fake: { session: any }, orchestrator: 'kubernetes' | 'swarm' = 'kubernetes', workers = 2) =>
  containerClusterChecks.run(context(labStack('container-cluster', 'ContainerClusterLabStack', outputs(orchestrator, workers)), fake.session, fakeFetch({}).fetch));

test('Kubernetes: every node Ready, CoreDNS running and a Deployment spread over both workers pass', async () => {
  const fake = kubernetes();
  const results = await run(fake);
  expect(statuses(results)).toEqual(['PASS every node is Ready', 'PASS cluster DNS (CoreDNS) runs', 'PASS a test workload spreads over the workers']);
  expect(results[0].detail).toBe('3 of 3 nodes Ready (control plane + 2 workers).');
  // The test Deployment is deleted by the script itself, whatever happens.
  const test = fake.scripts()[2];
  expect(test).toMatch(/trap 'kubectl delete deployment labs-check-[0-9a-f]{6} /);
  expect(test).toMatch(/"replicas":4/);
});

test('a node NotReady fails naming it, and the test workload is not started', async () => {
  const fake = kubernetes({ nodes: NODES_OK.replace('ip-10-0-1-21.ec2.internal   Ready', 'ip-10-0-1-21.ec2.internal   NotReady') });
  const results = await run(fake);
  expect(statuses(results)).toEqual(['FAIL every node is Ready', 'PASS cluster DNS (CoreDNS) runs', 'SKIP a test workload spreads over the workers']);
  expect(results[0].detail).toMatch(/^ip-10-0-1-21.ec2.internal is NotReady .*kubectl describe node/);
  expect(fake.scripts()).toHaveLength(2);
});

test('a worker that never joined fails (fewer nodes than control plane + workerCount)', async () => {
  const results = await run(kubernetes({ nodes: NODES_OK.split('\n').slice(0, 2).join('\n') }));
  expect(results[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/^2 nodes listed, 3 expected/) });
});

test('CoreDNS pods not ready fail', async () => {
  const results = await run(kubernetes({ dns: 'coredns-674b8bbfcf-4x7q2   0/1   Pending   0   12m' }));
  expect(results[1]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/Pending 0\/1/) });
});

test('replicas all on one worker, or some not running, fail', async () => {
  const oneWorker = await run(kubernetes({ placeOn: Array(4).fill('ip-10-0-1-20.ec2.internal') }));
  expect(oneWorker[2]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/4 of 4 replicas Running, on ip-10-0-1-20.ec2.internal: 4/) });
  const fewer = await run(kubernetes({ placeOn: ['ip-10-0-1-20.ec2.internal', 'ip-10-0-1-21.ec2.internal'] }));
  expect(fewer[2].detail).toMatch(/2 of 4 replicas Running/);
});

test('a command that fails on the instance is a FAIL with its status', async () => {
  const results = await run(ssm(() => ({ status: 'Failed', stdout: 'The connection to the server localhost:6443 was refused' })));
  expect(results[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/ended Failed: The connection to the server/) });
});

test('a test workload that SSM stopped (it may not have reached its trap) fails with how to remove it by hand', async () => {
  const stopped = ssm((script) => {
    if (script.includes('get nodes')) return { stdout: NODES_OK };
    if (script.includes('k8s-app=kube-dns')) return { stdout: DNS_OK };
    return { status: 'TimedOut', stdout: '' };
  });
  const results = await run(stopped);
  const name = /deployment\/(labs-check-[0-9a-f]+)/.exec(stopped.scripts()[2])![1];
  expect(results[2]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(new RegExp(`ended TimedOut: .* If ${name} is left, remove it on the control plane: kubectl delete deployment ${name}$`)) });
});

test('Swarm: docker node ls and a service on the workers; no CoreDNS', async () => {
  const fake = ssm((script) => {
    if (script.includes('docker node ls')) return { stdout: 'cp-host Ready Leader\nworker-a Ready\nworker-b Ready\n' };
    const name = /--name (labs-check-[0-9a-f]+)/.exec(script)![1];
    return { stdout: [1, 2, 3, 4].map((i) => `${name}.${i} ${i % 2 ? 'worker-a' : 'worker-b'} Running 5 seconds ago`).join('\n') };
  });
  const results = await run(fake, 'swarm');
  expect(statuses(results)).toEqual(['PASS every node is Ready', 'SKIP cluster DNS (CoreDNS) runs', 'PASS a test workload spreads over the workers']);
  expect(fake.scripts()[1]).toMatch(/trap 'docker service rm labs-check-[0-9a-f]+/);

  const down = await run(ssm(() => ({ stdout: 'cp-host Ready Leader\nworker-a Down\nworker-b Ready\n' })), 'swarm');
  expect(down[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/worker-a is Down/) });
});

test('the cluster shape comes from the outputs', () => {
  expect(clusterShape(outputs('kubernetes', 3))).toEqual({ controlPlane: CP, workers: 3, orchestrator: 'kubernetes' });
  expect(clusterShape(outputs('swarm', 1))).toEqual({ controlPlane: CP, workers: 1, orchestrator: 'swarm' });
  expect(clusterShape({})).toEqual({ missing: 'ControlPlaneSession' });
  expect(parseNodes(NODES_OK).map((n) => n.status)).toEqual(['Ready', 'Ready', 'Ready']);
  expect(placement(pods('x', ['a', 'b', 'a']), 'kubernetes').byNode).toEqual(new Map([['a', 2], ['b', 1]]));
  expect(kubernetesSpreadScript('labs-check-abc', 2)).toContain('"topologyKey":"kubernetes.io/hostname"');
  // The tainted control plane must not count as a domain with no pod, or each worker could hold only one.
  expect(kubernetesSpreadScript('labs-check-abc', 2)).toContain('"nodeTaintsPolicy":"Honor"');
  expect(swarmSpreadScript('labs-check-abc', 2)).toContain('--constraint node.role==worker');
});

test('the plan says the test workload is written and removed', () => {
  expect(containerClusterChecks.plan(labStack('container-cluster', 'C', {})).join(' ')).toMatch(/removes it again, pass or fail/);
});

test('a command that never finishes is a FAIL once SSM has had its timeout and a minute more', async () => {
  let waited = 0;
  const fake = fakeSession({
    SendCommandCommand: () => ({ Command: { CommandId: 'cmd-1' } }),
    GetCommandInvocationCommand: () => ({ Status: 'InProgress' }),
  });
  const ctx = context(labStack('container-cluster', 'ContainerClusterLabStack', outputs('kubernetes')), fake.session, fakeFetch({}).fetch);
  const results = await containerClusterChecks.run({ ...ctx, sleep: async (ms) => void (waited += ms) });
  expect(results[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/ended TimedOut: no final status after 36\d s/) });
  expect(waited).toBeGreaterThanOrEqual(360_000);
});

describe('the test-workload scripts, run by sh against stand-ins for kubectl and docker', () => {
  // AWS-RunShellScript runs the commands as a shell script with sh (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-runShellScript).

  /** Runs `script` with `tool` on PATH as a stand-in that logs its arguments (and stdin for apply) and prints `answer`. */
  function runWith(tool: string, script: string, failOn?: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labs-check-sh-'));
    try {
      fs.writeFileSync(
        path.join(dir, tool),
        `#!/bin/sh\necho "$*" >> "${dir}/log"\ncase "$*" in *"apply -f -"*) cat > "${dir}/stdin";; esac\n` +
          (failOn ? `case "$*" in *"${failOn}"*) echo "stand-in failure" >&2; exit 1;; esac\n` : '') +
          `case "$*" in *"get pods"*|*"service ps"*) echo "x Running on w1";; esac\nexit 0\n`,
        { mode: 0o755 },
      );
      const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
      return { status: result.status, stdout: result.stdout, log: fs.readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n'), stdin: fs.existsSync(path.join(dir, 'stdin')) ? fs.readFileSync(path.join(dir, 'stdin'), 'utf8') : '' };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('Kubernetes: apply a valid manifest, wait, list the pods, and always delete the Deployment', () => {
    const ok = runWith('kubectl', kubernetesSpreadScript('labs-check-abc123', 4));
    expect(ok.log).toEqual([
      'apply -f -',
      'rollout status deployment/labs-check-abc123 --timeout=180s',
      'get pods -l app=labs-check-abc123 -o wide --no-headers',
      'delete deployment labs-check-abc123 --ignore-not-found --wait=true',
    ]);
    expect(JSON.parse(ok.stdin)).toMatchObject({ kind: 'Deployment', metadata: { name: 'labs-check-abc123' }, spec: { replicas: 4 } });
    expect(ok.stdout).toBe('x Running on w1\n');
    // A rollout that never completes still lists the pods (to say where they are) and deletes the Deployment.
    const stuck = runWith('kubectl', kubernetesSpreadScript('labs-check-abc123', 4), 'rollout status');
    expect(stuck.log.slice(-2)).toEqual(['get pods -l app=labs-check-abc123 -o wide --no-headers', 'delete deployment labs-check-abc123 --ignore-not-found --wait=true']);
  });

  test('Swarm: create the service on workers, list its tasks, and always remove it', () => {
    const failed = runWith('docker', swarmSpreadScript('labs-check-abc123', 4), 'service create');
    expect(failed.log).toEqual([
      'service create --detach=false --quiet --name labs-check-abc123 --replicas 4 --constraint node.role==worker registry.k8s.io/pause:3.10',
      'service ps labs-check-abc123 --filter desired-state=running --format {{.Name}} {{.Node}} {{.CurrentState}}',
      'service rm labs-check-abc123',
    ]);
  });
});
