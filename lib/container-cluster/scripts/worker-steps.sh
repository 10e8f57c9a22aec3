#!/bin/bash
# The steps only a worker takes, in either orchestrator: wait for its way out through the control plane,
# wait for its control plane's join data and check it, and end its bootstrap once it has joined. Sourced
# by kubernetes-worker.sh and swarm-worker.sh after node-common.sh, whose settings and functions it uses;
# inlined into user data like it (the control plane's user data leaves it out: EC2 caps user data at
# 16 KB).

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

# Worker, last: it has joined; the control plane reports the cluster's readiness.
finish_bootstrap() { # what
  stop_deadline_watchdog
  log "$1"
}
