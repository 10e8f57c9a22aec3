/**
 * The harness of the bootstrap tests: the shared functions rendered as user data renders them, and bash
 * run with the commands they call (aws, curl, kubectl, docker, ...) replaced by stubs that record their
 * arguments and play back scripted answers. Used by bootstrap-scripts.test.ts and bootstrap-deadline.test.ts.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KUBERNETES_MINOR } from '../../lib/container-cluster/cluster-config';
import { renderNodeScript, SCRIPTS_DIR } from '../../lib/container-cluster/node-user-data';

export const SIGNAL_URL = 'https://signal.test/handle?X-Amz-Signature=abc';
export const INSTANCE_ID = 'i-0123456789abcdef0';
export const CONTROL_PLANE = 'i-0c0ffee0c0ffee000';
export const TOKEN = 'x7k2pq.9f3b2c7d1e0a4f6b';
export const CA_HASH = `sha256:${'3'.repeat(64)}`;
export const GOOD_JOIN = `v1 ${CONTROL_PLANE} 10.0.0.5:6443 ${TOKEN} ${CA_HASH}`;

/** The shared functions, then the control plane's and the worker's own steps (each role's user data has one of the two). */
export const COMMON = [
  renderNodeScript(path.join(SCRIPTS_DIR, 'node-common.sh'), {
    AWS_REGION: 'eu-west-1',
    READY_SIGNAL_URL: SIGNAL_URL,
    JOIN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:join-AbCdEf',
    POLL_SECONDS: '0.05',
    INSTALL_TIMEOUT_SECONDS: '5',
    NODE_DEADLINE_SECONDS: '1500',
  }),
  ...['control-plane-steps.sh', 'worker-steps.sh'].map((f) => renderNodeScript(path.join(SCRIPTS_DIR, f), {}).replace(/^#!.*\n/, '')),
].join('\n');
/** The Kubernetes nodes' shared functions (containerd, kubeadm, Flannel), sourced after COMMON where a test needs them. */
export const KUBERNETES = renderNodeScript(path.join(SCRIPTS_DIR, 'kubernetes-node.sh'), { KUBERNETES_MINOR }).replace(/^#!.*\n/, '');

/** `name() { ... }` one-line function definitions of a role script, to test them with stubbed commands. */
export function functionsOf(file: string, names: string[]): string {
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
export const NEXT_STATE = `read=$(cat "$STUBS/reads" 2>/dev/null || echo 0)
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
# A slow wait condition endpoint, when the test asks for one.
[[ -e $STUBS/signal-delay ]] && sleep "$(cat "$STUBS/signal-delay")"
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


export interface Run {
  status: number | null;
  /** Everything the script printed, standard output and error. */
  output: string;
  /** The documents PUT to the wait condition URL, in order. */
  signals: Array<{ Status: string; Reason: string; UniqueId: string; Data: string }>;
}

export type RunOptions = { kubernetes?: boolean };

/** A directory of stubs and files for one run; `collect` reads the signals and removes it. */
function prepare(body: string, files: Record<string, string>, options: RunOptions) {
  const stubs = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-bootstrap-'));
  const bin = path.join(stubs, 'bin');
  fs.mkdirSync(bin);
  for (const [name, text] of Object.entries(STUBS)) fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  fs.writeFileSync(path.join(stubs, 'uptime'), '100.25 180.50\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(stubs, name), text);
  return {
    args: ['-c', [COMMON, options.kubernetes ? KUBERNETES : '', 'UPTIME_FILE="$STUBS/uptime"', body].join('\n')],
    env: { PATH: `${bin}:${process.env.PATH}`, STUBS: stubs, HOME: stubs, TMPDIR: stubs },
    collect(status: number | null, output: string): Run {
      try {
        const signalsFile = path.join(stubs, 'signals');
        const signals = fs.existsSync(signalsFile)
          ? fs.readFileSync(signalsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line))
          : [];
        return { status, output, signals };
      } finally {
        fs.rmSync(stubs, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Runs `body` in bash after the rendered shared functions, with the stubs first on the PATH. The node
 * booted 100 s ago (its uptime file says so, unless `files` gives another), so its deadline is far off.
 */
export function run(body: string, files: Record<string, string> = {}, options: RunOptions = {}): Run {
  const { args, env, collect } = prepare(body, files, options);
  const result = spawnSync('bash', args, { env, encoding: 'utf8', timeout: 20_000 });
  return collect(result.status, result.stdout + result.stderr);
}

/** `run`, without blocking: for the tests that wait on the clock, run side by side (test.concurrent). */
export function runAsync(body: string, files: Record<string, string> = {}, options: RunOptions = {}): Promise<Run> {
  const { args, env, collect } = prepare(body, files, options);
  return new Promise((resolve) => {
    const child = spawn('bash', args, { env, timeout: 20_000 });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve(collect(status, output)));
  });
}
