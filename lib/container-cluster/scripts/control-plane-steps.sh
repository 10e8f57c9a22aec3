#!/bin/bash
# The steps only a control plane takes, in either orchestrator: forward the workers' traffic, copy the
# sample workload, publish the join data, wait for every node and signal the deploy's success. Sourced
# by kubernetes-control-plane.sh and swarm-manager.sh after node-common.sh, whose settings and functions
# it uses; inlined into user data like it (the workers' user data leaves it out: EC2 caps user data at
# 16 KB).

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
