#!/bin/bash
# User data of the control plane, Kubernetes mode (orchestrator=kubernetes). It installs Docker, forwards
# the workers' outbound traffic (they have no public address), installs Kubernetes, runs `kubeadm init`,
# installs the Flannel CNI, publishes the join data for the workers in the stack's secret, waits until
# every node is Ready and only then signals CloudFormation: the deploy returns when the cluster can be
# used. Every failure signals FAILURE with the step that failed.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/node-common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/control-plane-steps.sh"
source "$(dirname "${BASH_SOURCE[0]}")/kubernetes-node.sh"

EXPECTED_NODES='__EXPECTED_NODES__'                     # the control plane and every worker
NODES_READY_WAIT_SECONDS='__NODES_READY_WAIT_SECONDS__'
CLUSTER_DNS_WAIT_SECONDS='__CLUSTER_DNS_WAIT_SECONDS__'
POD_NETWORK_CIDR='__POD_NETWORK_CIDR__'                 # Flannel's default network
FLANNEL_VERSION='__FLANNEL_VERSION__'
FLANNEL_MANIFEST_FILE='__FLANNEL_MANIFEST_FILE__'       # in the workload: Flannel's release manifest, shipped
FLANNEL_MANIFEST_SHA256='__FLANNEL_MANIFEST_SHA256__'   # ...and pinned
WORKLOAD_S3_URL='__WORKLOAD_S3_URL__'                   # the sample workload (an asset of the stack)
WORKER_SUBNET_CIDR='__WORKER_SUBNET_CIDR__'             # the workers' subnet, whose traffic this node forwards
BOOTSTRAP_TOKEN_TTL='__BOOTSTRAP_TOKEN_TTL__'

start_bootstrap control-plane
# First: the workers wait for their way out before they can install anything.
forward_worker_egress "$WORKER_SUBNET_CIDR"
install_docker
prepare_kubernetes_node

copy_workload "$WORKLOAD_S3_URL"

# The token is generated here and written only to a root-only file and the stack's secret; with
# --skip-token-print, kubeadm's own output withholds it too.
step 'kubeadm init'
token=$(kubeadm token generate)
kubernetes_version=$(kubeadm version -o short)
config=$(kubeadm_init_config "$token" "$PRIVATE_IP" "$kubernetes_version" "$POD_NETWORK_CIDR" "$BOOTSTRAP_TOKEN_TTL" | private_kubeadm_config)
kubeadm init --config "$config" --skip-token-print
rm -f "$config"
export KUBECONFIG=/etc/kubernetes/admin.conf
install -d -o ec2-user -g ec2-user -m 700 /home/ec2-user/.kube
install -o ec2-user -g ec2-user -m 600 /etc/kubernetes/admin.conf /home/ec2-user/.kube/config
printf '%s\n' 'source <(kubectl completion bash)' >>/home/ec2-user/.bashrc

step "install the Flannel CNI $FLANNEL_VERSION (the manifest shipped in the workload, SHA-256 checked)"
verified_flannel_manifest "/home/ec2-user/workload/$FLANNEL_MANIFEST_FILE" "$FLANNEL_MANIFEST_SHA256" /root/kube-flannel.yml
kubectl apply -f /root/kube-flannel.yml

step 'publish the join data for the workers'
ca_hash=$(openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null |
  openssl dgst -sha256 -hex | sed 's/^.* //')
publish_join_data "$PRIVATE_IP:6443" "$token" "sha256:$ca_hash"
unset token

ready_nodes() { kubectl get nodes --no-headers 2>/dev/null | awk '$2 == "Ready" { n++ } END { print n + 0 }'; }
node_states() { kubectl get nodes --no-headers 2>/dev/null | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }'; }
wait_for_ready_nodes "$NODES_READY_WAIT_SECONDS" "$EXPECTED_NODES" ready_nodes node_states

# Nodes are Ready once the CNI's configuration is in place; the cluster DNS running shows that pods
# actually start and get addresses.
step "wait up to $CLUSTER_DNS_WAIT_SECONDS s for the cluster DNS (CoreDNS) to run"
limit_to_deadline "$CLUSTER_DNS_WAIT_SECONDS"
kubectl -n kube-system rollout status deployment/coredns --timeout="${LIMIT}s"
signal_ready "all $EXPECTED_NODES nodes Ready and CoreDNS running ($(kubeadm version -o short), Flannel)"
