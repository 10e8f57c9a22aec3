#!/bin/bash
# User data of the control plane, Swarm mode (orchestrator=swarm): the Swarm's only manager. It installs
# Docker, forwards the workers' outbound traffic (they have no public address), runs `docker swarm init`,
# publishes the worker join token in the stack's secret, waits until every node is Ready in
# `docker node ls` and only then signals CloudFormation.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/node-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/control-plane-steps.sh"

EXPECTED_NODES='__EXPECTED_NODES__'
NODES_READY_WAIT_SECONDS='__NODES_READY_WAIT_SECONDS__'
# Overlay networks take their subnets from here. Docker's default pool, 10.0.0.0/8, contains the VPC
# (10.0.0.0/16): an overlay subnet that overlaps it would shadow the nodes' own addresses.
SWARM_ADDRESS_POOL='__SWARM_ADDRESS_POOL__'
WORKLOAD_S3_URL='__WORKLOAD_S3_URL__'
WORKER_SUBNET_CIDR='__WORKER_SUBNET_CIDR__'  # the workers' subnet, whose traffic this node forwards

start_bootstrap control-plane
# First: the workers wait for their way out before they can install anything.
forward_worker_egress "$WORKER_SUBNET_CIDR"
install_docker

copy_workload "$WORKLOAD_S3_URL"

# `docker swarm init` prints the join command with the token: its output is not kept.
step 'docker swarm init'
docker swarm init --advertise-addr "$PRIVATE_IP" --default-addr-pool "$SWARM_ADDRESS_POOL" >/dev/null
token=$(docker swarm join-token --quiet worker)
publish_join_data "$PRIVATE_IP:2377" "$token"
unset token

ready_nodes() { docker node ls --format '{{.Status}}' 2>/dev/null | awk '$1 == "Ready" { n++ } END { print n + 0 }'; }
node_states() { docker node ls --format '{{.Hostname}} {{.Status}}' 2>/dev/null | paste -sd, -; }
wait_for_ready_nodes "$NODES_READY_WAIT_SECONDS" "$EXPECTED_NODES" ready_nodes node_states
signal_ready "all $EXPECTED_NODES nodes Ready in the Swarm ($(docker --version))"
