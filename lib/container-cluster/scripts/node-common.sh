#!/bin/bash
# What every cluster node's bootstrap shares: its settings, logging, the signal to CloudFormation and the
# hand-over of the join data through the stack's secret. It only defines things; the role scripts
# (kubernetes-*.sh, swarm-*.sh) source it. In user data, lib/container-cluster/node-user-data.ts inlines
# it in place of that `source` line and replaces each __NAME__ placeholder (a test fails if one is left).
#
# Secrets: the join data (a Kubernetes bootstrap token or a Swarm join token) is never printed, never put
# on a command line of the AWS CLI, and never traced (no `set -x` anywhere): the user data's output goes to
# /var/log/cloud-init-output.log and the instance console, which anyone with ec2:GetConsoleOutput reads.

# shellcheck disable=SC2034 # the role scripts read these
{
  # Rendered at synth time, or at deploy time for the values CloudFormation resolves.
  AWS_REGION='__AWS_REGION__'
  READY_SIGNAL_URL='__READY_SIGNAL_URL__' # presigned URL of this cluster's wait condition handle
  JOIN_SECRET_ARN='__JOIN_SECRET_ARN__'   # the stack's secret: the control plane writes it, workers read it
  POLL_SECONDS='__POLL_SECONDS__'         # between two checks of something we wait for
  INSTALL_TIMEOUT_SECONDS='__INSTALL_TIMEOUT_SECONDS__'
  # The node's one deadline, in seconds from its boot: every wait and install is cut short by it, and a
  # watchdog signals FAILURE when it comes (see start_bootstrap). It ends before the wait condition does.
  DEADLINE_SECONDS='__NODE_DEADLINE_SECONDS__'
}

set -Eeuo pipefail

NODE_LABEL='node (instance id not read yet)'
SIGNAL_ID='unknown-node'
BOOTSTRAP_STEP='starting'
INSTANCE_ID=''
PRIVATE_IP=''
JOIN_FIELDS=()
UPTIME_FILE=/proc/uptime # its first field: seconds since the node booted
STEP_FILE=$(mktemp)      # the step that runs now, for the watchdog
WATCHDOG_PID=''
TIME_LEFT=0

log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$NODE_LABEL" "$*"; }

# Names the step that runs now: a failure report says which one failed.
step() {
  BOOTSTRAP_STEP=$*
  printf '%s' "$*" >"$STEP_FILE"
  log "== $*"
}

# Tells CloudFormation how this node's bootstrap ended, by a PUT of a JSON document to the wait
# condition handle's presigned URL. A FAILURE fails the wait condition, and so the deploy, at once, with
# the reason in the stack events. The reason is reduced to printable characters without quotes or
# backslashes so the document stays valid JSON.
signal_stack() { # SUCCESS|FAILURE reason
  local status=$1 reason
  reason=$(printf '%s' "$2" | tr '\n\t' '  ' | tr -d '\042\134' | tr -cd '[:print:]' | cut -c1-600)
  # At most --retry-max-time (60 s) of retries plus one attempt's --max-time (30 s): BOOTSTRAP_TIMEOUTS.signalSeconds.
  curl --silent --show-error --fail --retry 10 --retry-connrefused --retry-delay 3 --retry-max-time 60 --max-time 30 \
    -X PUT -H 'Content-Type:' \
    --data-binary "{\"Status\":\"$status\",\"Reason\":\"$reason\",\"UniqueId\":\"$SIGNAL_ID\",\"Data\":\"$status\"}" \
    "$READY_SIGNAL_URL"
}

# Reports the failure to CloudFormation and stops the bootstrap.
fail() {
  trap - ERR
  stop_deadline_watchdog
  log "FAILED: $*"
  signal_stack FAILURE "$NODE_LABEL: $*" || log 'could not signal CloudFormation; the deploy fails at its timeout'
  exit 1
}

# Any command that fails outside a check: report the step it belongs to (never the command line, which
# may hold a token).
on_error() {
  local status=$?
  fail "step '$BOOTSTRAP_STEP' failed (exit $status); the node's /var/log/cloud-init-output.log has the details"
}

# Instance metadata, IMDSv2 only (the stack requires session tokens).
imds() {
  local token
  token=$(curl --silent --fail --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    http://169.254.169.254/latest/api/token)
  curl --silent --fail --max-time 5 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# Starts the bootstrap of a node: from here on, any failure is reported to CloudFormation, and so is the
# deadline's passing, whatever step runs then.
start_bootstrap() { # control-plane|worker
  trap on_error ERR
  INSTANCE_ID=$(imds instance-id)
  PRIVATE_IP=$(imds local-ipv4)
  NODE_LABEL="$1 $INSTANCE_ID"
  SIGNAL_ID="$1-$INSTANCE_ID"
  log "bootstrap starts ($PRIVATE_IP)"
  start_deadline_watchdog
  trap stop_deadline_watchdog EXIT
}

# Sets TIME_LEFT to the seconds left before this node's deadline, or fails the bootstrap if none are.
# (A variable, not a command substitution: a function run in $( ) could not stop the bootstrap.)
time_left() {
  local uptime
  read -r uptime _ <"$UPTIME_FILE"
  TIME_LEFT=$((DEADLINE_SECONDS - ${uptime%%.*}))
  ((TIME_LEFT > 0)) || fail "its deadline ($DEADLINE_SECONDS s from boot) passed before step '$BOOTSTRAP_STEP'"
}

# Sets LIMIT to the smaller of `seconds` and the time left before the deadline.
LIMIT=0
limit_to_deadline() { # seconds
  time_left
  LIMIT=$1
  if ((TIME_LEFT < LIMIT)); then LIMIT=$TIME_LEFT; fi
}

# A background process that, when the deadline comes, signals FAILURE naming the step that runs and stops
# the bootstrap: a step that hangs (a `kubeadm join` that never ends, a stalled download) cannot outlast
# the deadline. The bootstrap stops it when it ends either way.
start_deadline_watchdog() {
  time_left
  (
    trap - ERR
    set +e
    sleeper=''
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$TIME_LEFT" >/dev/null 2>&1 &
    sleeper=$!
    wait "$sleeper"
    reason="its deadline ($DEADLINE_SECONDS s from boot) passed during step '$(cat "$STEP_FILE")'; the node's /var/log/cloud-init-output.log has the details"
    log "FAILED: $reason"
    signal_stack FAILURE "$NODE_LABEL: $reason" || log 'could not signal CloudFormation; the deploy fails at its timeout'
    # The bootstrap, and the command it runs now (by process id: this watchdog is a child of it too).
    children=$(pgrep -P "$$" | grep -vx "$BASHPID")
    kill -TERM "$$"
    # shellcheck disable=SC2086 # one process id a word
    kill -TERM $children 2>/dev/null
  ) &
  WATCHDOG_PID=$!
}

stop_deadline_watchdog() {
  if [[ -n $WATCHDOG_PID ]]; then
    kill -TERM "$WATCHDOG_PID" 2>/dev/null || true
    wait "$WATCHDOG_PID" 2>/dev/null || true
    WATCHDOG_PID=''
  fi
}

# Runs the check `$@` every POLL_SECONDS until it succeeds (status 0) or `seconds` have passed (status 1).
# Every wait in the bootstrap goes through here: there is no fixed sleep, and no wait without an end.
wait_until() { # seconds check...
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep "$POLL_SECONDS"
  done
}

# Bounds a step that downloads, by INSTALL_TIMEOUT_SECONDS or the deadline if it comes first: a hung mirror
# fails the step with its name instead of stalling the deploy.
with_timeout() {
  limit_to_deadline "$INSTALL_TIMEOUT_SECONDS"
  timeout "$LIMIT" "$@"
}

# Docker on every node: the course's Docker exercises run on any of them. Amazon Linux's docker package
# brings containerd and runc, which Kubernetes uses too.
install_docker() {
  step 'install Docker (and containerd) from the Amazon Linux repositories'
  with_timeout dnf install -y -q docker
  systemctl enable --now containerd docker
  usermod -aG docker ec2-user
  log "$(docker --version); $(containerd --version)"
}

# Control plane (either orchestrator): the workers' way out. The workers have no public address and their
# subnet no route to the internet of its own: its default route is this node (the stack turns EC2's
# source/destination check off on it), which forwards and masquerades what they send out, as a NAT
# instance does. The rules are applied by a systemd unit: now, at every boot (a paused lab that resumes)
# and after every Docker restart. Docker may set the FORWARD policy to DROP when it starts (if it turns
# forwarding on itself) but leaves other rules in place, so rules applied before Docker keep working.
WORKER_EGRESS_SCRIPT=/usr/local/sbin/course-labs-worker-egress
WORKER_EGRESS_UNIT=/etc/systemd/system/course-labs-worker-egress.service
forward_worker_egress() { # workers-cidr
  step "forward the outbound traffic of the workers ($1) to the internet"
  command -v iptables >/dev/null || with_timeout dnf install -y -q iptables-nft
  {
    printf '#!/bin/bash\n# Written by the course-labs bootstrap (forward_worker_egress).\nset -euo pipefail\n'
    declare -f insert_rule_once apply_worker_egress_rules
    printf "apply_worker_egress_rules '%s'\n" "$1"
  } >"$WORKER_EGRESS_SCRIPT"
  chmod 755 "$WORKER_EGRESS_SCRIPT"
  # After= and PartOf= docker: at boot the rules follow Docker's, and a Docker restart re-applies them.
  cat >"$WORKER_EGRESS_UNIT" <<UNIT
[Unit]
Description=course-labs: forward the outbound traffic of the workers ($1) to the internet
Wants=network-online.target
After=network-online.target docker.service
PartOf=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$WORKER_EGRESS_SCRIPT
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --now "$(basename "$WORKER_EGRESS_UNIT")"
  log "forwarding the workers' traffic through $(ip -4 -o route show to default | awk '{ print $5; exit }')"
}

# Inserts iptables rule `rule...` in `chain` of `table` exactly once, at the top: ahead of the rules Docker,
# kube-proxy and Flannel add, and without a second copy when the unit runs again.
insert_rule_once() { # table chain rule...
  local table=$1 chain=$2
  shift 2
  while iptables -t "$table" -D "$chain" "$@" 2>/dev/null; do :; done
  iptables -t "$table" -I "$chain" 1 "$@"
}

# The workers' way out, on the interface of this node's default route: forwarding on, no ICMP redirects
# (the workers' route to this node is deliberate), their new connections out and the answers back, with
# their source address replaced by this node's (which the internet gateway maps to its public address).
apply_worker_egress_rules() { # workers-cidr
  local workers=$1 iface
  iface=$(ip -4 -o route show to default | awk '{ print $5; exit }')
  if [[ -z $iface ]]; then
    echo 'no default route: cannot forward the workers traffic' >&2
    return 1
  fi
  sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 "net.ipv4.conf.$iface.send_redirects=0"
  insert_rule_once filter FORWARD -i "$iface" -o "$iface" -s "$workers" -j ACCEPT
  insert_rule_once filter FORWARD -i "$iface" -o "$iface" -d "$workers" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  insert_rule_once nat POSTROUTING -s "$workers" -o "$iface" -j MASQUERADE
}

# Worker check: can this node reach the internet? Any HTTP answer from the AWS API it calls next counts.
egress_open() { curl --silent --output /dev/null --max-time 5 "https://secretsmanager.$AWS_REGION.amazonaws.com/"; }

# Worker, first: waits, at most `seconds`, until its traffic gets out through the control plane, which
# forwards it once its own bootstrap has got that far (a minute or two). Until then nothing installs, and
# the SSM agent cannot register: it is restarted then, so Session Manager reaches the node at once rather
# than after the agent's back-off. A failure here may not reach CloudFormation either (the signal needs the
# same way out): the deploy then fails at the wait condition's timeout, the control plane's event naming
# the nodes that never became Ready.
wait_for_egress() { # seconds
  step "wait up to $1 s for outbound access through the control plane"
  limit_to_deadline "$1"
  wait_until "$LIMIT" egress_open || fail "no outbound access through the control plane within $LIMIT s"
  systemctl try-restart amazon-ssm-agent || log 'could not restart the SSM agent: it registers after its own retry delay'
  log 'outbound access through the control plane works'
  install_ssm_agent_kick "$1"
}

# Worker: the same for every later boot (a lab paused and resumed starts all its nodes at once, so a
# worker may boot before the control plane forwards again): a unit that waits, at most `seconds`, for
# the way out and then restarts the SSM agent.
SSM_AGENT_KICK_SCRIPT=/usr/local/sbin/course-labs-ssm-agent-kick
SSM_AGENT_KICK_UNIT=/etc/systemd/system/course-labs-ssm-agent-kick.service
install_ssm_agent_kick() { # seconds
  {
    printf '#!/bin/bash\n# Written by the course-labs bootstrap (install_ssm_agent_kick).\nset -uo pipefail\n'
    printf "AWS_REGION='%s'\nPOLL_SECONDS='%s'\n" "$AWS_REGION" "$POLL_SECONDS"
    declare -f wait_until egress_open
    printf 'wait_until %s egress_open && exec systemctl try-restart amazon-ssm-agent\n' "$1"
  } >"$SSM_AGENT_KICK_SCRIPT"
  chmod 755 "$SSM_AGENT_KICK_SCRIPT"
  cat >"$SSM_AGENT_KICK_UNIT" <<UNIT
[Unit]
Description=course-labs: restart the SSM agent once this worker's traffic gets out through the control plane
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=$SSM_AGENT_KICK_SCRIPT

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable "$(basename "$SSM_AGENT_KICK_UNIT")"
}

# Control plane (either orchestrator): the sample workload, a zipped asset of the stack, into ec2-user's home.
COPY_ERRORS=$(mktemp)
copy_workload() { # s3-url
  step 'copy the sample workload to /home/ec2-user/workload'
  with_timeout dnf install -y -q unzip
  # A CDK asset bucket encrypted with a KMS key of the account's own (cdk bootstrap --bootstrap-kms-key-id)
  # refuses this unless the key's policy lets this node's role decrypt: the lab guide says how.
  aws s3 cp --region "$AWS_REGION" --only-show-errors "$1" /tmp/workload.zip 2>"$COPY_ERRORS" ||
    fail "could not read the workload asset $1 ($(tail -c 300 "$COPY_ERRORS" || true)); if your CDK bootstrap bucket uses your own KMS key, see the lab guide"
  install -d -o ec2-user -g ec2-user /home/ec2-user/workload
  unzip -q -o /tmp/workload.zip -d /home/ec2-user/workload
  chown -R ec2-user:ec2-user /home/ec2-user/workload
}

# Control plane: publishes the join data in the stack's secret, as one line
# "v1 <control-plane instance id> <fields...>". The value goes through a private file, not the command
# line, so it shows in no process list.
publish_join_data() { # fields...
  local file
  file=$(mktemp)
  printf 'v1 %s %s' "$INSTANCE_ID" "$*" >"$file"
  aws secretsmanager put-secret-value --region "$AWS_REGION" --secret-id "$JOIN_SECRET_ARN" \
    --secret-string "file://$file" >/dev/null
  rm -f "$file"
  log 'join data published in the stack secret'
}

JOIN_ERRORS=$(mktemp)

# Worker check: has control plane `$1` published its join data? Until it has, the secret holds the random
# value CloudFormation created it with, or the data of a control plane this stack has since replaced.
join_data_published() { # control-plane-instance-id
  local value
  value=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$JOIN_SECRET_ARN" \
    --query SecretString --output text 2>"$JOIN_ERRORS") || return 1
  read -r -a JOIN_FIELDS <<<"$value"
  [[ ${JOIN_FIELDS[0]:-} == v1 && ${JOIN_FIELDS[1]:-} == "$1" ]]
}

# Worker: waits, at most `seconds`, for control plane `id` to publish its join data, and leaves the
# fields after the instance id in JOIN_FIELDS. The workers' "signal" is that secret's new value.
wait_for_join_data() { # control-plane-instance-id seconds
  step "wait up to $2 s for control plane $1 to publish the join data"
  limit_to_deadline "$2"
  if ! wait_until "$LIMIT" join_data_published "$1"; then
    fail "control plane $1 published no join data within $LIMIT s (if it failed, its own reason is the event before this one). Last error reading the secret: $(tail -c 300 "$JOIN_ERRORS" || true)"
  fi
  JOIN_FIELDS=("${JOIN_FIELDS[@]:2}")
  log 'join data received'
}

# Worker: checks that JOIN_FIELDS are `patterns...` (extended regular expressions, one per field) before
# they are used in a command, and fails without printing them if not.
require_join_fields() { # patterns...
  local i=0 pattern
  (($# == ${#JOIN_FIELDS[@]})) || fail "the join data has ${#JOIN_FIELDS[@]} fields, expected $#"
  for pattern in "$@"; do
    [[ ${JOIN_FIELDS[i]} =~ ^${pattern}$ ]] || fail "field $((i + 1)) of the join data is malformed"
    i=$((i + 1))
  done
}

READY_EXPECTED=0
READY_COUNTER=''
# Check for wait_for_ready_nodes: does READY_COUNTER print at least READY_EXPECTED? (The count goes
# through a variable: a command substitution inside (( )) would run the ERR trap when it fails, even in a
# check, and fail the bootstrap on the first refused connection.)
enough_nodes_ready() {
  local ready
  ready=$("$READY_COUNTER") || return 1
  ((ready >= READY_EXPECTED))
}

# Control plane: waits, at most `seconds`, until the command `count_ready` prints at least `expected`;
# fails with what the command `describe` prints if it does not.
wait_for_ready_nodes() { # seconds expected count_ready describe
  local describe=$4
  READY_EXPECTED=$2
  READY_COUNTER=$3
  step "wait up to $1 s for $READY_EXPECTED nodes to be Ready"
  limit_to_deadline "$1"
  if ! wait_until "$LIMIT" enough_nodes_ready; then
    fail "only $("$READY_COUNTER" || true) of $READY_EXPECTED nodes Ready after $LIMIT s: $("$describe" || true). A worker that failed has its own event before this one."
  fi
}

# Control plane, last: tells CloudFormation the cluster is ready, which completes the deploy.
signal_ready() { # what
  stop_deadline_watchdog
  signal_stack SUCCESS "$NODE_LABEL: $1"
  log "signalled SUCCESS: $1"
}

# Worker, last: it has joined; the control plane reports the cluster's readiness.
finish_bootstrap() { # what
  stop_deadline_watchdog
  log "$1"
}
