/**
 * The bootstrap scripts' waits, signals and secret handling, run for real in bash with the commands they
 * call (aws, curl, kubectl, docker) replaced by stubs that record their arguments and play back scripted
 * answers. What needs a real EC2 instance (dnf, kubeadm, systemd) is outside these tests.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeScriptFile, renderNodeScript, SCRIPTS_DIR } from '../../lib/container-cluster/node-user-data';

const SIGNAL_URL = 'https://signal.test/handle?X-Amz-Signature=abc';
const INSTANCE_ID = 'i-0123456789abcdef0';
const CONTROL_PLANE = 'i-0c0ffee0c0ffee000';
const TOKEN = 'x7k2pq.9f3b2c7d1e0a4f6b';
const CA_HASH = `sha256:${'3'.repeat(64)}`;
const GOOD_JOIN = `v1 ${CONTROL_PLANE} 10.0.0.5:6443 ${TOKEN} ${CA_HASH}`;

const COMMON = renderNodeScript(path.join(SCRIPTS_DIR, 'node-common.sh'), {
  AWS_REGION: 'eu-west-1',
  READY_SIGNAL_URL: SIGNAL_URL,
  JOIN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:join-AbCdEf',
  POLL_SECONDS: '0.05',
  INSTALL_TIMEOUT_SECONDS: '5',
});

/** `name() { ... }` one-line function definitions of a role script, to test them with stubbed commands. */
function functionsOf(file: string, names: string[]): string {
  const text = fs.readFileSync(file, 'utf8');
  return names
    .map((name) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}() {`));
      if (!line) throw new Error(`${path.basename(file)} has no one-line function ${name}`);
      return line;
    })
    .join('\n');
}

/** Sets $state to the next state of the cluster in $STUBS/nodes; a state "REFUSED" fails the call, as
 * kubectl and docker do while the API server or the Swarm manager does not answer. */
const NEXT_STATE = `read=$(cat "$STUBS/reads" 2>/dev/null || echo 0)
state=$(awk -v n="$read" '/^--$/ { s++; next } s == n' "$STUBS/nodes")
(( read < $(grep -c '^--$' "$STUBS/nodes") )) && echo $((read + 1)) >"$STUBS/reads"
if [[ $state == REFUSED ]]; then echo 'The connection to the server 10.0.0.7:6443 was refused' >&2; exit 1; fi`;

const STUBS: Record<string, string> = {
  // Metadata answers; the PUT to the wait condition URL is recorded, one signal per line.
  curl: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/curl.calls"
for arg in "$@"; do
  case $arg in
    */api/token) echo token; exit 0 ;;
    */meta-data/instance-id) echo ${INSTANCE_ID}; exit 0 ;;
    */meta-data/local-ipv4) echo 10.0.0.7; exit 0 ;;
    # The egress check: fails (as curl does with no route out) while $STUBS/egress-failures counts down.
    https://secretsmanager.*)
      left=$(cat "$STUBS/egress-failures" 2>/dev/null || echo 0)
      if [[ $left == never ]] || ((left > 0)); then
        [[ $left == never ]] || echo $((left - 1)) >"$STUBS/egress-failures"
        exit 7
      fi
      exit 0 ;;
  esac
done
while (($#)); do
  if [[ $1 == --data-binary ]]; then body=$2; fi
  shift
done
printf '%s\\n' "$body" >>"$STUBS/signals"
`,
  // get-secret-value plays back secret-values one line per call (the last line repeats); a line
  // "ERROR: ..." fails the call with that message. put-secret-value records what it was given.
  aws: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/aws.calls"
case "$1 $2" in
  'secretsmanager get-secret-value')
    value=$(head -n 1 "$STUBS/secret-values")
    if (($(grep -c '' "$STUBS/secret-values") > 1)); then sed -i 1d "$STUBS/secret-values"; fi
    if [[ $value == ERROR:* ]]; then echo "\${value#ERROR: }" >&2; exit 254; fi
    printf '%s\\n' "$value" ;;
  'secretsmanager put-secret-value')
    while (($#)); do [[ $1 == --secret-string ]] && cat "\${2#file://}" >"$STUBS/published"; shift; done
    echo '{"VersionId": "1"}' ;;
  *) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`,
  // Keeps the rules in $STUBS/iptables.rules, one "table chain rule..." line each, newest at the top:
  // -D removes the first equal line or fails as iptables does when the rule is absent; -I CHAIN 1 inserts.
  iptables: `#!/bin/bash
rules="$STUBS/iptables.rules"
touch "$rules"
table=filter
if [[ $1 == -t ]]; then table=$2; shift 2; fi
op=$1 chain=$2
shift 2
case $op in
  -D)
    n=$(grep -nxF -- "$table $chain $*" "$rules" | head -n 1 | cut -d: -f1)
    [[ -n $n ]] || { echo 'iptables: Bad rule (does a matching rule exist in that chain?).' >&2; exit 1; }
    sed -i "\${n}d" "$rules" ;;
  -I)
    [[ $1 == 1 ]] || exit 2
    shift
    { echo "$table $chain $*"; cat "$rules"; } >"$rules.new" && mv "$rules.new" "$rules" ;;
  *) echo "unexpected iptables call: $op" >&2; exit 2 ;;
esac
`,
  // The route table of a node in a public subnet, or none when $STUBS/no-route exists.
  ip: `#!/bin/bash
[[ -e $STUBS/no-route ]] || echo 'default via 10.0.0.1 dev ens5 proto dhcp src 10.0.0.7 metric 512'
`,
  sysctl: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/sysctl.calls"
`,
  // Records its calls; \`enable --now\` of a unit written into $STUBS runs the unit's ExecStart, as systemd would.
  systemctl: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/systemctl.calls"
if [[ $1 == enable && $2 == --now && -f $STUBS/$3 ]]; then exec bash "$(sed -n 's/^ExecStart=//p' "$STUBS/$3")"; fi
`,
  // Plays back `nodes`: one state of the cluster per call, states separated by "--" lines, the last repeating.
  kubectl: `#!/bin/bash
${NEXT_STATE}
printf '%s\\n' "$state"
`,
  // The same states as "hostname status" lines, printed in the --format asked for.
  docker: `#!/bin/bash
${NEXT_STATE}
format=$(printf '%s\\n' "$@" | grep -A1 -- '^--format$' | tail -n 1)
if [[ $format == *Hostname* ]]; then printf '%s\\n' "$state"; else printf '%s\\n' "$state" | awk '{ print $2 }'; fi
`,
};


interface Run {
  status: number | null;
  /** Everything the script printed, standard output and error. */
  output: string;
  /** The documents PUT to the wait condition URL, in order. */
  signals: Array<{ Status: string; Reason: string; UniqueId: string; Data: string }>;
}

/** Runs `body` in bash after the rendered shared functions, with the stubs first on the PATH. */
function run(body: string, files: Record<string, string> = {}): Run {
  const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-bootstrap-'));
  try {
    const bin = path.join(stubs, 'bin');
    fs.mkdirSync(bin);
    for (const [name, text] of Object.entries(STUBS)) fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(stubs, name), text);
    const result = spawnSync('bash', ['-c', `${COMMON}\n${body}`], {
      env: { PATH: `${bin}:${process.env.PATH}`, STUBS: stubs, HOME: stubs, TMPDIR: stubs },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const signalsFile = path.join(stubs, 'signals');
    const signals = fs.existsSync(signalsFile)
      ? fs.readFileSync(signalsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
      : [];
    return { status: result.status, output: result.stdout + result.stderr, signals };
  } finally {
    fs.rmSync(stubs, { recursive: true, force: true });
  }
}

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
  const common = fs.readFileSync(path.join(SCRIPTS_DIR, 'node-common.sh'), 'utf8');
  for (const file of fs.readdirSync(SCRIPTS_DIR)) {
    expect({ file, inArithmetic: /\(\([^)]*\$\(/.test(fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8')) }).toEqual({ file, inArithmetic: false });
  }
  expect(common).toContain('ready=$("$READY_COUNTER") || return 1');
});
