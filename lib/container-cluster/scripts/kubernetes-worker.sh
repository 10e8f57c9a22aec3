#!/bin/bash
# User data of a worker, Kubernetes mode. It waits (with a timeout) until its traffic gets out through the
# control plane (a worker has no public address), installs Docker and Kubernetes, waits (with a timeout) for
# its control plane to publish the join data in the stack's secret, and joins with `kubeadm join`. It
# signals CloudFormation only on failure: the control plane signals success once every node is Ready.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/node-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/worker-steps.sh"
source "$(dirname "${BASH_SOURCE[0]}")/kubernetes-node.sh"

CONTROL_PLANE_ID='__CONTROL_PLANE_ID__'  # the control plane this worker joins (its data, not a stale one)
EGRESS_WAIT_SECONDS='__EGRESS_WAIT_SECONDS__'
JOIN_WAIT_SECONDS='__JOIN_WAIT_SECONDS__'

start_bootstrap worker
wait_for_egress "$EGRESS_WAIT_SECONDS"
install_docker
prepare_kubernetes_node
wait_for_join_data "$CONTROL_PLANE_ID" "$JOIN_WAIT_SECONDS"
# API server endpoint, bootstrap token, hash of the cluster CA's public key.
require_join_fields '[0-9.]+:6443' '[a-z0-9]{6}\.[a-z0-9]{16}' 'sha256:[0-9a-f]{64}'

step 'kubeadm join'
config=$(kubeadm_join_config "${JOIN_FIELDS[@]}" | private_kubeadm_config)
kubeadm join --config "$config"
rm -f "$config"
finish_bootstrap 'joined the cluster; the control plane reports when every node is Ready'
