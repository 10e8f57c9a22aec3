/**
 * Checks for the container-cluster lab (lab 1, `ContainerClusterLabStack`), run on the control plane through SSM Run Command: every
 * node is Ready, cluster DNS runs (Kubernetes), and a test workload spreads over the workers and is removed.
 *
 * From the outputs: the control plane's instance id (`ControlPlaneSession`'s `--target`), the number of
 * workers (one `Worker<n>Session` output each) and the orchestrator (`FirstCommands` starts with
 * `kubectl` for Kubernetes, with `docker node ls` for Swarm).
 */
import { randomBytes } from 'crypto';
import { GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { errorMessage, isError, toCliError } from '../aws/errors';
import { LabStack } from '../inventory/stacks';
import { CheckContext, CheckResult, LabChecks } from './types';
import { attempt, excerpt, fail, missingOutput, pass, skip } from './util';

export const CONTAINER_CLUSTER_LAB = 'container-cluster';

/** What the outputs say about the cluster. */
export interface ClusterShape {
  readonly controlPlane: string;
  readonly workers: number;
  readonly orchestrator: 'kubernetes' | 'swarm';
}

/** The cluster's shape from the stack's outputs, or the name of the output that is missing or unreadable. */
export function clusterShape(outputs: Readonly<Record<string, string>>): ClusterShape | { missing: string } {
  const controlPlane = /--target (i-[0-9a-f]+)/.exec(outputs.ControlPlaneSession ?? '')?.[1];
  if (!controlPlane) return { missing: 'ControlPlaneSession' };
  const first = outputs.FirstCommands ?? '';
  const orchestrator = first.startsWith('kubectl') ? 'kubernetes' : first.startsWith('docker node ls') ? 'swarm' : undefined;
  if (!orchestrator) return { missing: 'FirstCommands' };
  const workers = Object.keys(outputs).filter((k) => /^Worker\d+Session$/.test(k)).length;
  return { controlPlane, workers, orchestrator };
}

/** What one shell script run on the control plane gave. */
export interface ScriptRun {
  /** SSM's final status: `Success`, `Failed`, `TimedOut`, ... */
  readonly status: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** How long a script may run on the instance (the test workload waits up to 3 minutes for its pods). */
const SCRIPT_TIMEOUT_SECONDS = 300;
/** The first wait before reading the command's status, doubled after each read up to `MAX_POLL_MS`. */
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5_000;

/**
 * Runs a shell script as root on the instance with SSM Run Command (`AWS-RunShellScript`) and waits for it:
 * SendCommand, then GetCommandInvocation until the status is final
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html). Right
 * after SendCommand the invocation may not exist yet (`InvocationDoesNotExist`): that is polled again.
 * GetCommandInvocation returns the first 24,000 characters of output, plenty for these scripts.
 */
export async function runScript(context: CheckContext, instanceId: string, script: string, comment: string): Promise<ScriptRun> {
  const { ssm } = context.session;
  const sent = await ssm.send(
    new SendCommandCommand({
      InstanceIds: [instanceId],
      DocumentName: 'AWS-RunShellScript',
      Comment: comment.slice(0, 100),
      TimeoutSeconds: SCRIPT_TIMEOUT_SECONDS,
      Parameters: { commands: [script], executionTimeout: [String(SCRIPT_TIMEOUT_SECONDS)] },
    }),
  );
  const commandId = sent.Command?.CommandId;
  if (!commandId) throw new Error('SSM SendCommand returned no command id');
  // Waits until SSM's own timeout has passed, plus a minute for the status to reach the API.
  let waited = 0;
  for (let delay = FIRST_POLL_MS; waited < (SCRIPT_TIMEOUT_SECONDS + 60) * 1000; delay = Math.min(2 * delay, MAX_POLL_MS)) {
    await context.sleep(delay);
    waited += delay;
    try {
      const inv = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
      const status = inv.Status ?? 'Pending';
      if (!['Pending', 'InProgress', 'Delayed'].includes(status)) {
        return { status, stdout: inv.StandardOutputContent ?? '', stderr: inv.StandardErrorContent ?? '' };
      }
    } catch (err) {
      if (!isError(err, ['InvocationDoesNotExist'])) throw err;
    }
  }
  return { status: 'TimedOut', stdout: '', stderr: `no final status after ${Math.round(waited / 1000)} s` };
}

const NODES = 'every node is Ready';
const DNS = 'cluster DNS (CoreDNS) runs';
const SPREAD = 'a test workload spreads over the workers';

/** A node line: name and status (`Ready`, `NotReady`, `Down`, ...). */
interface NodeState {
  readonly name: string;
  readonly status: string;
}

/** `kubectl get nodes --no-headers`: NAME STATUS ROLES AGE VERSION. `docker node ls --format '{{.Hostname}} {{.Status}}'`. */
export function parseNodes(stdout: string): NodeState[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2 && f[0])
    .map(([name, status]) => ({ name, status }));
}

function nodesResult(run: ScriptRun, shape: ClusterShape): CheckResult {
  if (run.status !== 'Success') return scriptFailed(NODES, run, shape);
  const nodes = parseNodes(run.stdout);
  const expected = shape.workers + 1;
  const notReady = nodes.filter((n) => n.status !== 'Ready');
  const list = nodes.map((n) => `${n.name} ${n.status}`).join(', ');
  if (nodes.length === expected && !notReady.length) return pass(NODES, `${expected} of ${expected} nodes Ready (control plane + ${shape.workers} workers).`);
  const what = notReady.length ? `${notReady.map((n) => `${n.name} is ${n.status}`).join(', ')}` : `${nodes.length} nodes listed, ${expected} expected`;
  return fail(
    NODES,
    `${what} (${list || 'no nodes'}). Open a shell on the control plane (ControlPlaneSession output) and see ` +
      `${shape.orchestrator === 'kubernetes' ? 'kubectl describe node <name>' : 'docker node inspect <name>'}; a worker that never joined shows in /var/log/cloud-init-output.log on it.`,
  );
}

function scriptFailed(name: string, run: ScriptRun, shape: ClusterShape): CheckResult {
  return fail(name, `the command on ${shape.controlPlane} ended ${run.status}: ${excerpt(run.stderr || run.stdout || 'no output', 160)}. Check that the instance is running and online in SSM (aws ssm describe-instance-information).`);
}

/** `kubectl get pods --no-headers`: NAME READY STATUS RESTARTS AGE [IP NODE ...]. */
export function parsePods(stdout: string): { name: string; ready: string; status: string; node?: string }[] {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && f[0])
    .map((f) => ({ name: f[0], ready: f[1], status: f[2], node: f[6] }));
}

function dnsResult(run: ScriptRun, shape: ClusterShape): CheckResult {
  if (run.status !== 'Success') return scriptFailed(DNS, run, shape);
  const pods = parsePods(run.stdout);
  const running = pods.filter((p) => p.status === 'Running' && /^(\d+)\/\1$/.test(p.ready));
  if (pods.length && running.length === pods.length) return pass(DNS, `${running.length} CoreDNS pods Running and ready.`);
  return fail(
    DNS,
    `${pods.length ? pods.map((p) => `${p.name} ${p.status} ${p.ready}`).join(', ') : 'no CoreDNS pod'}. CoreDNS waits for the pod network: ` +
      'see kubectl -n kube-system get pods and kubectl -n kube-system describe pod -l k8s-app=kube-dns.',
  );
}

/**
 * The image of the test workload: the pause container, a few hundred KB, multi-arch, from the registry
 * kubeadm itself pulls from (https://kubernetes.io/docs/concepts/containers/images/); it only sleeps.
 */
export const TEST_IMAGE = 'registry.k8s.io/pause:3.10';

/**
 * The Kubernetes test: a Deployment with two replicas per worker that must spread evenly over the nodes
 * (a topology spread constraint on the hostname, https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/,
 * counting only the nodes whose taints the pods tolerate: kubeadm's control plane is tainted, so the pods land on workers). The trap deletes it however the script ends.
 */
export function kubernetesSpreadScript(name: string, replicas: number): string {
  const manifest = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: name } },
              // Without Honor (the default is Ignore) the tainted control plane counts as a node with no pod,
              // which caps every worker at one replica and leaves the rest Pending.
              nodeTaintsPolicy: 'Honor',
            },
          ],
          containers: [{ name: 'pause', image: TEST_IMAGE, resources: { requests: { cpu: '1m', memory: '8Mi' } } }],
        },
      },
    },
  });
  return [
    'export KUBECONFIG=/etc/kubernetes/admin.conf',
    `trap 'kubectl delete deployment ${name} --ignore-not-found --wait=true >/dev/null 2>&1' EXIT`,
    `echo '${manifest}' | kubectl apply -f - >&2`,
    `kubectl rollout status deployment/${name} --timeout=180s >&2 || true`,
    `kubectl get pods -l app=${name} -o wide --no-headers`,
  ].join('\n');
}

/**
 * The Swarm test: a service with two replicas per worker, placed on workers only, created in the
 * foreground (`--detach=false` waits until its tasks run) and removed by the trap
 * (https://docs.docker.com/reference/cli/docker/service/create/).
 */
export function swarmSpreadScript(name: string, replicas: number): string {
  return [
    `trap 'docker service rm ${name} >/dev/null 2>&1' EXIT`,
    `timeout 180 docker service create --detach=false --quiet --name ${name} --replicas ${replicas} --constraint node.role==worker ${TEST_IMAGE} >&2 || true`,
    `docker service ps ${name} --filter desired-state=running --format '{{.Name}} {{.Node}} {{.CurrentState}}'`,
  ].join('\n');
}

/** Where the test's running replicas are: the worker names and how many replicas run on each. */
export function placement(stdout: string, orchestrator: ClusterShape['orchestrator']): { running: number; byNode: Map<string, number> } {
  const byNode = new Map<string, number>();
  let running = 0;
  for (const line of stdout.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const f = line.split(/\s+/);
    // Kubernetes: NAME READY STATUS RESTARTS AGE IP NODE ... ; Swarm: NAME NODE "Running <n> seconds ago".
    const [node, isRunning] = orchestrator === 'kubernetes' ? [f[6], f[2] === 'Running'] : [f[1], f[2] === 'Running'];
    if (!isRunning || !node) continue;
    running++;
    byNode.set(node, (byNode.get(node) ?? 0) + 1);
  }
  return { running, byNode };
}

/** How to remove the test workload by hand, for a run that may have ended before its trap did. */
export function removalHint(name: string, orchestrator: ClusterShape['orchestrator']): string {
  return `If ${name} is left, remove it on the control plane: ${orchestrator === 'kubernetes' ? `kubectl delete deployment ${name}` : `docker service rm ${name}`}`;
}

function spreadResult(run: ScriptRun, shape: ClusterShape, workerNames: ReadonlySet<string>, replicas: number, what: string, name: string): CheckResult {
  // A script SSM stopped (TimedOut, Cancelled) may not have reached its trap: say how to remove the workload.
  if (run.status !== 'Success') {
    const failed = scriptFailed(SPREAD, run, shape);
    return fail(SPREAD, `${failed.detail} ${removalHint(name, shape.orchestrator)}`);
  }
  const { running, byNode } = placement(run.stdout, shape.orchestrator);
  const where = [...byNode].map(([n, c]) => `${n}: ${c}`).join(', ') || 'nowhere';
  const onWorkers = [...byNode.keys()].filter((n) => workerNames.has(n));
  if (running === replicas && onWorkers.length === shape.workers && onWorkers.length === byNode.size) {
    return pass(SPREAD, `${what}: ${replicas} replicas Running over all ${shape.workers} workers (${where}), then removed.`);
  }
  return fail(
    SPREAD,
    `${what}: ${running} of ${replicas} replicas Running, on ${where}; expected every worker to run some and the control plane none. ` +
      `It was removed. ${excerpt(run.stderr, 120)}`.trim(),
  );
}

export const containerClusterChecks: LabChecks = {
  lab: CONTAINER_CLUSTER_LAB,
  plan: (stack: LabStack) => [
    `Runs commands as root on ${stack.name}'s control plane with SSM Run Command (AWS-RunShellScript): lists the nodes and the cluster DNS pods.`,
    `Writes a test workload (a Deployment, or a Swarm service, named labs-check-<random>, two pause containers per worker) and removes it again, pass or fail.`,
  ],
  async run(context) {
    const { stack } = context;
    const shape = clusterShape(stack.outputs);
    if ('missing' in shape) return [missingOutput(NODES, stack.name, shape.missing)];
    const run = (script: string, comment: string) => runScript(context, shape.controlPlane, script, `labs check: ${comment}`);
    const k8s = shape.orchestrator === 'kubernetes';
    context.progress(`${stack.name}: ${shape.orchestrator}, control plane ${shape.controlPlane}, ${shape.workers} workers`);

    let workerNames = new Set<string>();
    const nodes = await attempt(NODES, async () => {
      const listed = await run(
        k8s
          ? 'export KUBECONFIG=/etc/kubernetes/admin.conf\nkubectl get nodes --no-headers'
          : "docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'",
        'nodes',
      );
      // The control plane is the node kubectl labels control-plane, or the Swarm node with a manager status.
      workerNames = new Set(
        listed.stdout
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter((f) => f[0] && (k8s ? !/control-plane/.test(f[2] ?? '') : !f[2]))
          .map((f) => f[0]),
      );
      return nodesResult(listed, shape);
    });
    const dns = k8s
      ? await attempt(DNS, async () => dnsResult(await run('export KUBECONFIG=/etc/kubernetes/admin.conf\nkubectl -n kube-system get pods -l k8s-app=kube-dns --no-headers', 'dns'), shape))
      : skip(DNS, 'Swarm mode has no CoreDNS (Docker runs its own DNS for services).');
    if (nodes.status !== 'PASS') return [nodes, dns, skip(SPREAD, 'not every node is Ready.')];

    const name = `labs-check-${randomBytes(3).toString('hex')}`;
    const replicas = 2 * shape.workers;
    const spread = await attempt(SPREAD, async () => {
      try {
        const script = k8s ? kubernetesSpreadScript(name, replicas) : swarmSpreadScript(name, replicas);
        return spreadResult(await run(script, 'test workload'), shape, workerNames, replicas, `${k8s ? 'Deployment' : 'service'} ${name}`, name);
      } catch (err) {
        const setup = toCliError(err);
        if (setup) throw setup;
        return fail(SPREAD, `${errorMessage(err)}. ${removalHint(name, shape.orchestrator)}`);
      }
    });
    return [nodes, dns, spread];
  },
};
