#!/bin/bash
# What every cluster node's bootstrap shares: its settings, logging, the signal to CloudFormation, its
# deadline, and Docker. It only defines things; the role scripts (kubernetes-*.sh, swarm-*.sh) source it,
# then control-plane-steps.sh or worker-steps.sh. In user data, lib/container-cluster/node-user-data.ts inlines
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
    # From here on this watchdog ignores TERM: the bootstrap's EXIT trap stops it, and it must finish.
    trap '' TERM
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
