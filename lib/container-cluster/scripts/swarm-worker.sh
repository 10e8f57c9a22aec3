#!/bin/bash
# User data of a worker, Swarm mode. It waits (with a timeout) until its traffic gets out through the
# control plane (a worker has no public address), installs Docker, waits (with a timeout) for the manager to publish
# the worker join token in the stack's secret, and joins the Swarm. It signals CloudFormation only on
# failure: the manager signals success once every node is Ready.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/node-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/worker-steps.sh"

CONTROL_PLANE_ID='__CONTROL_PLANE_ID__'
EGRESS_WAIT_SECONDS='__EGRESS_WAIT_SECONDS__'
JOIN_WAIT_SECONDS='__JOIN_WAIT_SECONDS__'

start_bootstrap worker
wait_for_egress "$EGRESS_WAIT_SECONDS"
install_docker
wait_for_join_data "$CONTROL_PLANE_ID" "$JOIN_WAIT_SECONDS"
# Manager address, worker join token.
require_join_fields '[0-9.]+:2377' 'SWMTKN-1-[0-9a-z]+-[0-9a-z]+'

# The token is on docker's command line for the moment the join takes: the CLI has no other way to take
# it. Only root-level users of this node could see it, and they can read the node's credentials anyway.
step 'docker swarm join'
docker swarm join --token "${JOIN_FIELDS[1]}" "${JOIN_FIELDS[0]}" >/dev/null
finish_bootstrap 'joined the Swarm; the manager reports when every node is Ready'
