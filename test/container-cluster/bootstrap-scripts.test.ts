/**
 * The bootstrap scripts' waits, signals and secret handling, run for real in bash with the commands they
 * call (aws, curl, kubectl, docker) replaced by stubs that record their arguments and play back scripted
 * answers. What needs a real EC2 instance (dnf, kubeadm, systemd) is outside these tests.
 */

import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import {
  BOOTSTRAP_TOKEN_TTL,
  FLANNEL_MANIFEST_FILE,
  FLANNEL_RELEASE_MANIFEST_SHA256,
  POD_NETWORK_CIDR,
} from '../../lib/container-cluster/cluster-config';
import { WORKLOAD_DIR } from '../../lib/container-cluster/container-cluster-lab-stack';
import { nodeScriptFile, SCRIPTS_DIR } from '../../lib/container-cluster/node-user-data';
import { CA_HASH, CONTROL_PLANE, functionsOf, GOOD_JOIN, INSTANCE_ID, run, TOKEN } from './bootstrap-harness';

describe('a worker waiting for the join data', () => {
  test("waits past the secret's random first value and another control plane's data, then takes its own", () => {
    const r = run(
      `start_bootstrap worker
wait_for_join_data ${CONTROL_PLANE} 5
printf 'fields=%s\\n' "\${#JOIN_FIELDS[@]}"
[[ "\${JOIN_FIELDS[*]}" == "10.0.0.5:6443 ${TOKEN} ${CA_HASH}" ]] && echo fields-match
require_join_fields '[0-9.]+:6443' '[a-z0-9]{6}\\.[a-z0-9]{16}' 'sha256:[0-9a-f]{64}' && echo fields-valid
grep -c get-secret-value "$STUBS/aws.calls"`,
      { 'secret-values': ['Zq8%kPp;r2', 'Zq8%kPp;r2', `v1 i-0ther0ther0ther0 10.0.0.9:6443 ${TOKEN} ${CA_HASH}`, GOOD_JOIN].join('\n') },
    );
    expect(r.status).toBe(0);
    expect(r.output).toContain('fields=3');
    expect(r.output).toContain('fields-match');
    expect(r.output).toContain('fields-valid');
    expect(r.output).toMatch(/^4$/m); // polled until the fourth value
    expect(r.signals).toEqual([]); // a worker that joins leaves the signal to the control plane
    expect(r.output).not.toContain(TOKEN.split('.')[1]); // the token is never printed
  });

  test('gives up after its timeout with a FAILURE signal naming the control plane and the last error', () => {
    const started = Date.now();
    const r = run(`start_bootstrap worker\nwait_for_join_data ${CONTROL_PLANE} 1\necho not-reached`, {
      'secret-values': 'ERROR: An error occurred (AccessDeniedException) when calling the GetSecretValue operation',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).toBe(1);
    expect(r.output).not.toContain('not-reached');
    expect(r.signals).toHaveLength(1);
    expect(r.signals[0]).toMatchObject({ Status: 'FAILURE', UniqueId: `worker-${INSTANCE_ID}`, Data: 'FAILURE' });
    expect(r.signals[0].Reason).toContain(`worker ${INSTANCE_ID}: control plane ${CONTROL_PLANE} published no join data within 1 s`);
    expect(r.signals[0].Reason).toContain('AccessDeniedException');
  });

  test('refuses malformed join data without printing it', () => {
    const r = run(
      `start_bootstrap worker
wait_for_join_data ${CONTROL_PLANE} 5
require_join_fields '[0-9.]+:6443' '[a-z0-9]{6}\\.[a-z0-9]{16}' 'sha256:[0-9a-f]{64}'
echo not-reached`,
      { 'secret-values': `v1 ${CONTROL_PLANE} 10.0.0.5:6443 $(touch${'${IFS}'}/tmp/x) ${CA_HASH}` },
    );
    expect(r.status).toBe(1);
    expect(r.output).not.toContain('not-reached');
    expect(r.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: field 2 of the join data is malformed`]);
    expect(r.output).not.toContain('touch');
  });
});

describe("the workers' way out through the control plane", () => {
  const WORKERS = '10.0.1.0/24';
  // Where the bootstrap writes the rules script and its unit, moved into the test's directory.
  const paths = 'WORKER_EGRESS_SCRIPT="$STUBS/worker-egress"; WORKER_EGRESS_UNIT="$STUBS/course-labs-worker-egress.service"';
  const kickPaths = 'SSM_AGENT_KICK_SCRIPT="$STUBS/ssm-agent-kick"; SSM_AGENT_KICK_UNIT="$STUBS/course-labs-ssm-agent-kick.service"';
  const ours = [
    `nat POSTROUTING -s ${WORKERS} -o ens5 -j MASQUERADE`,
    `filter FORWARD -i ens5 -o ens5 -d ${WORKERS} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
    `filter FORWARD -i ens5 -o ens5 -s ${WORKERS} -j ACCEPT`,
  ];

  test('the control plane forwards and masquerades the workers traffic, through a unit that re-applies it at boot and after Docker restarts', () => {
    const r = run(
      `start_bootstrap control-plane
${paths}
forward_worker_egress ${WORKERS}
bash "$WORKER_EGRESS_SCRIPT" && bash "$WORKER_EGRESS_SCRIPT"
echo '--- unit'; cat "$WORKER_EGRESS_UNIT"
echo '--- systemctl'; cat "$STUBS/systemctl.calls"
echo '--- sysctl'; sort -u "$STUBS/sysctl.calls"
echo '--- rules'; cat "$STUBS/iptables.rules"`,
      // Docker's jump was there first: the workers' rules go above it, and it stays.
      { 'iptables.rules': 'filter FORWARD -j DOCKER-USER\n' },
    );
    expect(r.status).toBe(0);
    const section = (name: string) => r.output.split(`--- ${name}\n`)[1].split('\n---')[0].trim().split('\n');
    // Applied three times (enable --now, then as at a boot and a Docker restart): each rule once, on top.
    expect(section('rules')).toEqual([...ours, 'filter FORWARD -j DOCKER-USER']);
    expect(section('sysctl')).toEqual(['-q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.ens5.send_redirects=0']);
    expect(section('systemctl')).toEqual(['daemon-reload', 'enable --now course-labs-worker-egress.service']);
    const unit = section('unit');
    expect(unit).toEqual(
      expect.arrayContaining(['After=network-online.target docker.service', 'PartOf=docker.service', 'Type=oneshot', 'RemainAfterExit=yes', 'Restart=on-failure', 'WantedBy=multi-user.target']),
    );
    expect(unit.find((l) => l.startsWith('ExecStart='))).toMatch(/^ExecStart=\/\S+\/worker-egress$/);
    expect(r.output).toContain("forwarding the workers' traffic through ens5");
    expect(r.signals).toEqual([]);
  });

  test('without a default route the unit fails, and so does the bootstrap step, with its name', () => {
    const r = run(`start_bootstrap control-plane\n${paths}\nforward_worker_egress ${WORKERS}\necho not-reached`, { 'no-route': '' });
    expect(r.status).toBe(1);
    expect(r.output).not.toContain('not-reached');
    expect(r.output).toContain('no default route: cannot forward the workers traffic');
    expect(r.signals.map((s) => s.Reason)).toEqual([
      `control-plane ${INSTANCE_ID}: step 'forward the outbound traffic of the workers (${WORKERS}) to the internet' failed (exit 1); the node's /var/log/cloud-init-output.log has the details`,
    ]);
  });

  test('a worker waits until its traffic gets out, then restarts the SSM agent so Session Manager reaches it at once', () => {
    const r = run(
      `start_bootstrap worker
${kickPaths}
wait_for_egress 5
echo reached
cat "$STUBS/systemctl.calls"
grep -c secretsmanager "$STUBS/curl.calls"`,
      { 'egress-failures': '3' },
    );
    expect(r.status).toBe(0);
    expect(r.output).toContain('reached');
    expect(r.output).toMatch(/^4$/m); // three refusals, then through
    expect(r.output.split('\n').filter((l) => /^(try-restart|enable|daemon-reload)/.test(l))).toEqual([
      'try-restart amazon-ssm-agent',
      'daemon-reload',
      'enable course-labs-ssm-agent-kick.service',
    ]);
    expect(r.signals).toEqual([]);
  });

  test('at every later boot (a resumed lab), a unit waits for the way out and restarts the SSM agent', () => {
    const r = run(
      `start_bootstrap worker
${kickPaths}
install_ssm_agent_kick 5
grep -E '^(After|ExecStart|WantedBy|Type)=' "$SSM_AGENT_KICK_UNIT"
: >"$STUBS/systemctl.calls"; : >"$STUBS/curl.calls"
echo 2 >"$STUBS/egress-failures"
if env -i PATH="$PATH" STUBS="$STUBS" bash "$SSM_AGENT_KICK_SCRIPT"; then echo "kick exit 0"; else echo "kick exit $?"; fi
cat "$STUBS/systemctl.calls"; grep -c secretsmanager.eu-west-1 "$STUBS/curl.calls"
install_ssm_agent_kick 1; echo never >"$STUBS/egress-failures"; : >"$STUBS/systemctl.calls"
if env -i PATH="$PATH" STUBS="$STUBS" bash "$SSM_AGENT_KICK_SCRIPT"; then echo "kick exit 0"; else echo "kick exit $?"; fi; wc -l <"$STUBS/systemctl.calls"`,
    );
    expect(r.status).toBe(0);
    const lines = r.output.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['After=network-online.target', 'Type=oneshot', 'WantedBy=multi-user.target']));
    expect(lines.find((l) => l.startsWith('ExecStart='))).toMatch(/\/ssm-agent-kick$/);
    // Out after two refusals (in a clean environment: the script carries its region and poll interval).
    const [first, second] = r.output.split('kick exit ').slice(1);
    expect(first.split('\n').slice(0, 3)).toEqual(['0', 'try-restart amazon-ssm-agent', '3']);
    // Never out: gives up after its limit without touching the agent.
    expect(second.split('\n').slice(0, 2)).toEqual(['1', '0']);
  });

  test('a worker that never gets out gives up after its timeout with a FAILURE naming the wait', () => {
    const r = run(`start_bootstrap worker\n${kickPaths}\nwait_for_egress 1\necho not-reached`, { 'egress-failures': 'never' });
    expect(r.status).toBe(1);
    expect(r.output).not.toContain('not-reached');
    expect(r.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: no outbound access through the control plane within 1 s`]);
  });
});

describe('the control plane', () => {
  test('publishes the join data through a file, never on the command line, prefixed with its own id', () => {
    const r = run(`start_bootstrap control-plane
publish_join_data 10.0.0.7:6443 ${TOKEN} ${CA_HASH}
cat "$STUBS/published"; echo
cat "$STUBS/aws.calls"`);
    expect(r.status).toBe(0);
    const [published, calls] = [r.output.split('\n').find((l) => l.startsWith('v1 ')), r.output.split('\n').find((l) => l.includes('put-secret-value'))];
    expect(published).toBe(`v1 ${INSTANCE_ID} 10.0.0.7:6443 ${TOKEN} ${CA_HASH}`);
    expect(calls).toMatch(/^secretsmanager put-secret-value --region eu-west-1 --secret-id arn:aws:secretsmanager:\S+ --secret-string file:\/\/\S+$/);
    expect(r.output.split('\n').filter((l) => l.includes(TOKEN))).toEqual([published]); // only in the secret
  });

  const k8sFunctions = functionsOf(nodeScriptFile('kubernetes', 'control-plane'), ['ready_nodes', 'node_states']);
  const swarmFunctions = functionsOf(nodeScriptFile('swarm', 'control-plane'), ['ready_nodes', 'node_states']);
  const kubectlStates = [
    'ip-10-0-0-7.ec2.internal   Ready      control-plane   2m   v1.35.2',
    '--',
    'ip-10-0-0-7.ec2.internal   Ready      control-plane   3m   v1.35.2\nip-10-0-0-8.ec2.internal   NotReady   <none>   10s   v1.35.2\nip-10-0-0-9.ec2.internal   Ready   <none>   12s   v1.35.2',
    '--',
    'ip-10-0-0-7.ec2.internal   Ready      control-plane   4m   v1.35.2\nip-10-0-0-8.ec2.internal   Ready   <none>   40s   v1.35.2\nip-10-0-0-9.ec2.internal   Ready   <none>   42s   v1.35.2',
  ].join('\n');

  test('Kubernetes: signals SUCCESS once every node is Ready in kubectl get nodes, not before, through refused connections', () => {
    const r = run(`start_bootstrap control-plane\n${k8sFunctions}\nwait_for_ready_nodes 5 3 ready_nodes node_states\nsignal_ready 'all 3 nodes Ready'\ncat "$STUBS/reads"`, {
      nodes: `REFUSED\n--\n${kubectlStates}`,
    });
    expect(r.status).toBe(0);
    expect(r.signals).toEqual([
      { Status: 'SUCCESS', Reason: `control-plane ${INSTANCE_ID}: all 3 nodes Ready`, UniqueId: `control-plane-${INSTANCE_ID}`, Data: 'SUCCESS' },
    ]);
    expect(r.output).toMatch(/^3$/m); // it polled on past the refused connection to the cluster's last state
  });

  test('Kubernetes: signals FAILURE with every node and its state when they are not all Ready in time', () => {
    const stuck = kubectlStates.split('\n--\n')[1];
    const r = run(`start_bootstrap control-plane\n${k8sFunctions}\nwait_for_ready_nodes 1 4 ready_nodes node_states\nsignal_ready 'all 4 nodes Ready'`, { nodes: stuck });
    expect(r.status).toBe(1);
    expect(r.signals).toHaveLength(1);
    expect(r.signals[0].Status).toBe('FAILURE');
    expect(r.signals[0].Reason).toBe(
      `control-plane ${INSTANCE_ID}: only 2 of 4 nodes Ready after 1 s: ip-10-0-0-7.ec2.internal Ready, ip-10-0-0-8.ec2.internal NotReady, ip-10-0-0-9.ec2.internal Ready. A worker that failed has its own event before this one.`,
    );
  });

  test('Swarm: counts the nodes docker node ls shows Ready', () => {
    const states = ['manager Ready', 'worker-a Down', 'worker-b Ready', '--', 'REFUSED', '--', 'manager Ready', 'worker-a Ready', 'worker-b Ready'].join('\n');
    const ok = run(`start_bootstrap control-plane\n${swarmFunctions}\nwait_for_ready_nodes 5 3 ready_nodes node_states\nsignal_ready 'swarm ready'`, { nodes: states });
    expect(ok.status).toBe(0);
    expect(ok.signals.map((s) => s.Status)).toEqual(['SUCCESS']);
    const stuck = run(`start_bootstrap control-plane\n${swarmFunctions}\nwait_for_ready_nodes 1 3 ready_nodes node_states\nsignal_ready 'swarm ready'`, {
      nodes: states.split('\n--\n')[0],
    });
    expect(stuck.signals.map((s) => s.Reason)).toEqual([
      `control-plane ${INSTANCE_ID}: only 2 of 3 nodes Ready after 1 s: manager Ready,worker-a Down,worker-b Ready. A worker that failed has its own event before this one.`,
    ]);
  });
});

describe('any failure', () => {
  test('signals FAILURE with the step, not the command line, and stops', () => {
    const r = run(`start_bootstrap worker
step 'kubeadm join'
bash -c 'exit 3' --token ${TOKEN}
echo not-reached`);
    expect(r.status).toBe(1);
    expect(r.output).not.toContain('not-reached');
    expect(r.signals.map((s) => s.Reason)).toEqual([
      `worker ${INSTANCE_ID}: step 'kubeadm join' failed (exit 3); the node's /var/log/cloud-init-output.log has the details`,
    ]);
    expect(JSON.stringify(r.signals)).not.toContain(TOKEN);
  });

  test('keeps the signal valid JSON whatever the reason contains', () => {
    const r = run(`start_bootstrap worker\nfail $'a "quoted" back\\\\slash\\nnew line\\ttab'`);
    expect(r.status).toBe(1);
    expect(r.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: a quoted backslash new line tab`]);
  });
});

test('a command substitution inside (( )) would run the ERR trap in a check: the reason the scripts avoid it', () => {
  const r = run(`trap 'echo ERR-TRAP >&2' ERR\ncounter() { false | awk 'END { print 0 }'; }\ncheck() { (($(counter) >= 1)); }\nuntil check; do break; done; echo done`);
  expect(r.output).toContain('ERR-TRAP');
  const common = fs.readFileSync(path.join(SCRIPTS_DIR, 'control-plane-steps.sh'), 'utf8');
  for (const file of fs.readdirSync(SCRIPTS_DIR)) {
    expect({ file, inArithmetic: /\(\([^)]*\$\(/.test(fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8')) }).toEqual({ file, inArithmetic: false });
  }
  expect(common).toContain('ready=$("$READY_COUNTER") || return 1');
});

describe("containerd's configuration, written whole for the version installed", () => {
  /** Writes the configuration for `version` (what `containerd --version` prints) and parses it as TOML (Python's tomllib). */
  function configFor(version: string): { status: number | null; output: string; toml?: any } {
    const r = run(`write_containerd_config '${version}' "$STUBS/etc/containerd/config.toml"\ncat "$STUBS/etc/containerd/config.toml"`, {}, { kubernetes: true });
    if (r.status !== 0) return { status: r.status, output: r.output };
    const parsed = spawnSync('python3', ['-c', 'import json, sys, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))'], {
      input: r.output,
      encoding: 'utf8',
    });
    expect(parsed.stderr).toBe('');
    return { status: r.status, output: r.output, toml: JSON.parse(parsed.stdout) };
  }

  test('containerd 2.1 and later (Amazon Linux 2023 ships 2.2): config version 3, the CRI runtime plugin, bin_dirs', () => {
    for (const version of [
      'containerd github.com/containerd/containerd/v2 v2.2.5 1ba0ae8a48e1d3b6b13b5a6a3e1a4a0b0fbd2d3b',
      'containerd github.com/containerd/containerd/v2 2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376',
    ]) {
      const { toml } = configFor(version);
      expect(toml).toEqual({
        version: 3,
        plugins: {
          'io.containerd.cri.v1.runtime': {
            containerd: { runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } } },
            cni: { bin_dirs: ['/opt/cni/bin'], conf_dir: '/etc/cni/net.d' },
          },
        },
      });
    }
  });

  test('containerd 2.0: the single bin_dir it still reads', () => {
    const { toml } = configFor('containerd github.com/containerd/containerd/v2 v2.0.5 fb4c30d4ede3531652d86197bf3fc9515e5276d9');
    expect(toml.version).toBe(3);
    expect(toml.plugins['io.containerd.cri.v1.runtime'].cni).toEqual({ bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d' });
  });

  test('containerd 1.7 (Amazon Linux 2023 before 2.x): config version 2, the grpc CRI plugin', () => {
    const { toml } = configFor('containerd github.com/containerd/containerd 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da');
    expect(toml).toEqual({
      version: 2,
      plugins: {
        'io.containerd.grpc.v1.cri': {
          containerd: { runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: true } } } },
          cni: { bin_dir: '/opt/cni/bin', conf_dir: '/etc/cni/net.d' },
        },
      },
    });
  });

  test('a version it does not know, or cannot read, stops the bootstrap with what it found', () => {
    const three = run(`start_bootstrap worker\nwrite_containerd_config 'containerd github.com/containerd/containerd/v3 v3.0.0 abc' "$STUBS/c.toml"\necho not-reached`, {}, { kubernetes: true });
    expect(three.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: containerd 3.0.0: this bootstrap writes configuration for containerd 1.x and 2.x only`]);
    const garbled = run(`start_bootstrap worker\nwrite_containerd_config 'bash: containerd: command not found' "$STUBS/c.toml"\necho not-reached`, {}, { kubernetes: true });
    expect(garbled.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: cannot read containerd's version from: bash: containerd: command not found`]);
  });
});

describe("kubeadm's configuration, rendered as the nodes render it", () => {
  // https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/ (kubeadm 1.31 and later, so 1.35):
  // the fields of each kind this project sets, against the documented ones.
  const V1BETA4_FIELDS: Record<string, string[]> = {
    InitConfiguration: ['apiVersion', 'kind', 'bootstrapTokens', 'dryRun', 'nodeRegistration', 'localAPIEndpoint', 'certificateKey', 'skipPhases', 'patches', 'timeouts'],
    ClusterConfiguration: ['apiVersion', 'kind', 'etcd', 'networking', 'kubernetesVersion', 'controlPlaneEndpoint', 'apiServer', 'controllerManager', 'scheduler', 'dns', 'proxy', 'certificatesDir', 'imageRepository', 'featureGates', 'clusterName', 'encryptionAlgorithm', 'certificateValidityPeriod', 'caCertificateValidityPeriod'],
    JoinConfiguration: ['apiVersion', 'kind', 'dryRun', 'nodeRegistration', 'caCertPath', 'discovery', 'controlPlane', 'skipPhases', 'patches', 'timeouts'],
  };
  const render = (call: string) => {
    const r = run(call, {}, { kubernetes: true });
    expect(r.status).toBe(0);
    return yaml.loadAll(r.output) as any[];
  };

  test('kubeadm init: an InitConfiguration and a ClusterConfiguration, kubeadm.k8s.io/v1beta4, every value where kubeadm reads it', () => {
    const docs = render(`kubeadm_init_config '${TOKEN}' 10.0.0.7 v1.35.2 '${POD_NETWORK_CIDR}' '${BOOTSTRAP_TOKEN_TTL}'`);
    expect(docs.map((d) => [d.apiVersion, d.kind])).toEqual([
      ['kubeadm.k8s.io/v1beta4', 'InitConfiguration'],
      ['kubeadm.k8s.io/v1beta4', 'ClusterConfiguration'],
    ]);
    const [init, cluster] = docs;
    expect(init.bootstrapTokens).toEqual([{ token: TOKEN, ttl: BOOTSTRAP_TOKEN_TTL, description: expect.stringContaining('course-labs') }]);
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: '10.0.0.7' });
    expect(init.nodeRegistration).toEqual({ criSocket: 'unix:///run/containerd/containerd.sock' });
    expect(cluster.kubernetesVersion).toBe('v1.35.2');
    expect(cluster.networking).toEqual({ podSubnet: POD_NETWORK_CIDR });
    for (const doc of docs) expect(Object.keys(doc).filter((k) => !V1BETA4_FIELDS[doc.kind].includes(k))).toEqual([]);
  });

  test('kubeadm join: a JoinConfiguration, kubeadm.k8s.io/v1beta4, from the three join fields', () => {
    const docs = render(`JOIN_FIELDS=(10.0.0.5:6443 '${TOKEN}' '${CA_HASH}')\nkubeadm_join_config "\${JOIN_FIELDS[@]}"`);
    expect(docs).toEqual([
      {
        apiVersion: 'kubeadm.k8s.io/v1beta4',
        kind: 'JoinConfiguration',
        discovery: { bootstrapToken: { apiServerEndpoint: '10.0.0.5:6443', token: TOKEN, caCertHashes: [CA_HASH] } },
        nodeRegistration: { criSocket: 'unix:///run/containerd/containerd.sock' },
      },
    ]);
    expect(Object.keys(docs[0]).filter((k) => !V1BETA4_FIELDS.JoinConfiguration.includes(k))).toEqual([]);
  });

  test('the role scripts pass the configuration through a root-only file, never a command line', () => {
    const controlPlane = fs.readFileSync(nodeScriptFile('kubernetes', 'control-plane'), 'utf8');
    const worker = fs.readFileSync(nodeScriptFile('kubernetes', 'worker'), 'utf8');
    expect(controlPlane).toContain('config=$(kubeadm_init_config "$token" "$PRIVATE_IP" "$kubernetes_version" "$POD_NETWORK_CIDR" "$BOOTSTRAP_TOKEN_TTL" | private_kubeadm_config)');
    expect(controlPlane).toContain('kubeadm init --config "$config" --skip-token-print');
    expect(worker).toContain('config=$(kubeadm_join_config "${JOIN_FIELDS[@]}" | private_kubeadm_config)');
    expect(worker).toContain('kubeadm join --config "$config"\n');
  });
});

describe("Flannel's manifest, shipped in the workload and checked before it is applied", () => {
  const shipped = path.join(WORKLOAD_DIR, FLANNEL_MANIFEST_FILE);

  test('the shipped manifest passes the check, and what is applied is the manifest without its header', () => {
    const r = run(`verified_flannel_manifest '${shipped}' ${FLANNEL_RELEASE_MANIFEST_SHA256} "$STUBS/applied.yml" && sha256sum "$STUBS/applied.yml"`, {}, { kubernetes: true });
    expect(r.status).toBe(0);
    const body = fs.readFileSync(shipped, 'utf8').replace(/^(#.*\n)+/, '');
    expect(r.output.split(' ')[0]).toBe(createHash('sha256').update(body).digest('hex'));
  });

  test('a manifest that differs by one byte is refused with the pinned SHA-256, and nothing is applied', () => {
    const tampered = fs.readFileSync(shipped, 'utf8').replace('--ip-masq', '--ip-masq ');
    const r = run(`start_bootstrap control-plane\nverified_flannel_manifest "$STUBS/kube-flannel.yml" ${FLANNEL_RELEASE_MANIFEST_SHA256} "$STUBS/applied.yml"\necho not-reached`, {
      'kube-flannel.yml': tampered,
    }, { kubernetes: true });
    expect(r.output).not.toContain('not-reached');
    expect(r.signals.map((s) => s.Reason)).toEqual([
      expect.stringMatching(new RegExp(`^control-plane ${INSTANCE_ID}: the Flannel manifest \\S+/kube-flannel.yml does not have the pinned SHA-256 ${FLANNEL_RELEASE_MANIFEST_SHA256}$`)),
    ]);
    const missing = run(`start_bootstrap control-plane\nverified_flannel_manifest "$STUBS/none.yml" ${FLANNEL_RELEASE_MANIFEST_SHA256} "$STUBS/applied.yml"`, {}, { kubernetes: true });
    expect(missing.signals.map((s) => s.Reason)).toEqual([expect.stringMatching(/the workload has no Flannel manifest at \S+\/none.yml$/)]);
  });
});

describe("containerd's effective configuration is checked after the restart", () => {
  test('the bootstrap fails when containerd does not report SystemdCgroup = true', () => {
    const fn = 'containerd_uses_systemd_cgroup';
    const stub = 'containerd() { [[ $1 == config && $2 == dump ]] && cat "$STUBS/dump"; }';
    const ok = run(`start_bootstrap worker\n${stub}\n${fn}\necho ok`, { dump: "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  SystemdCgroup = true\n" }, { kubernetes: true });
    expect(ok.output).toContain('ok');
    expect(ok.signals).toEqual([]);
    // containerd 2.x's own defaults: no SystemdCgroup key at all.
    const ignored = run(`start_bootstrap worker\n${stub}\n${fn}\necho not-reached`, { dump: "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n  BinaryName = ''\n" }, { kubernetes: true });
    expect(ignored.output).not.toContain('not-reached');
    expect(ignored.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: containerd ignored the SystemdCgroup setting of /etc/containerd/config.toml`]);
  });
});
