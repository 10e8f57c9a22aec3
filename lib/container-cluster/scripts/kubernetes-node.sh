#!/bin/bash
# What every node of the Kubernetes cluster needs before `kubeadm init` or `kubeadm join`, following the
# kubeadm installation guide for Red Hat-based systems (kernel settings, containerd with systemd cgroups,
# kubelet/kubeadm/kubectl from pkgs.k8s.io). Sourced by kubernetes-control-plane.sh and
# kubernetes-worker.sh; inlined into user data like node-common.sh.

# shellcheck disable=SC2034 # the role scripts read these
{
  # The Kubernetes minor version: the pkgs.k8s.io repository serves only its patch releases, so a node
  # gets the newest patch of this minor and never the next minor. v1.35 is the newest minor that still
  # runs on containerd 1.7 as well as 2.x (from v1.36 on, containerd 2 is required), so it works whichever
  # containerd Amazon Linux 2023 ships.
  KUBERNETES_MINOR='__KUBERNETES_MINOR__'
  CONTAINERD_SOCKET='unix:///run/containerd/containerd.sock'
  CONTAINERD_CONFIG=/etc/containerd/config.toml
}

prepare_kubernetes_node() {
  step 'kernel modules and sysctls for pod networking'
  printf 'overlay\nbr_netfilter\n' >/etc/modules-load.d/kubernetes.conf
  modprobe overlay
  modprobe br_netfilter
  printf '%s\n' 'net.bridge.bridge-nf-call-iptables = 1' 'net.bridge.bridge-nf-call-ip6tables = 1' \
    'net.ipv4.ip_forward = 1' >/etc/sysctl.d/90-kubernetes.conf
  sysctl --system >/dev/null

  step 'containerd: CRI plugin with systemd cgroups'
  write_containerd_config "$(containerd --version)" "$CONTAINERD_CONFIG"
  systemctl restart containerd
  containerd_uses_systemd_cgroup
  systemctl restart docker

  step "kubelet, kubeadm and kubectl $KUBERNETES_MINOR from pkgs.k8s.io"
  cat >/etc/yum.repos.d/kubernetes.repo <<REPO
[kubernetes]
name=Kubernetes $KUBERNETES_MINOR
baseurl=https://pkgs.k8s.io/core:/stable:/$KUBERNETES_MINOR/rpm/
enabled=1
gpgcheck=1
gpgkey=https://pkgs.k8s.io/core:/stable:/$KUBERNETES_MINOR/rpm/repodata/repomd.xml.key
exclude=kubelet kubeadm kubectl cri-tools kubernetes-cni
REPO
  # The exclude line keeps a later `dnf upgrade` from moving them; this install lifts it once.
  with_timeout dnf install -y -q --disableexcludes=kubernetes kubelet kubeadm kubectl iproute-tc
  systemctl enable --now kubelet
  log "$(kubeadm version -o short) installed"
}

# Writes containerd's configuration for the version `containerd --version` printed (its third field:
# "containerd github.com/containerd/containerd/v2 v2.2.5 <commit>" or, Amazon Linux's build, "... 1.7.27 ...")
# to `file`, in full rather than by editing `containerd config default`, whose text differs between
# releases (containerd 2.x's omits SystemdCgroup). It holds only what the cluster needs:
# - runc with systemd cgroups: the kubelet and containerd must use the same cgroup driver, and kubeadm
#   configures the kubelet for systemd;
# - the CNI plugins in /opt/cni/bin, where Flannel and the kubernetes-cni package put them, whatever
#   default a distribution's build has (Debian's is /usr/lib/cni).
# Schema and table names per major version, from containerd's CRI configuration guide
# (https://github.com/containerd/containerd/blob/main/docs/cri/config.md): containerd 1.x reads config
# version 2 with the CRI plugin at "io.containerd.grpc.v1.cri"; 2.x reads version 3, where the runtime and
# CNI settings moved to 'io.containerd.cri.v1.runtime', and from 2.1 the CNI directory is the list
# bin_dirs (bin_dir before). Amazon Linux 2023 ships containerd 2.2 (the ECS-optimized AL2023 AMI built on
# al2023-ami-minimal-2023.12.20260803 lists containerd 2.2.5: https://github.com/aws/amazon-ecs-ami/releases/tag/20260805)
# and shipped 1.7 before; both are handled, anything else stops the bootstrap with the version it found.
write_containerd_config() { # version-line file
  local version major minor
  version=$(awk '{ print $3 }' <<<"$1")
  version=${version#v}
  if [[ ! $version =~ ^([0-9]+)\.([0-9]+)\. ]]; then
    fail "cannot read containerd's version from: $1"
  fi
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  install -d -m 755 "$(dirname "$2")"
  case $major in
    1)
      cat >"$2" <<'TOML'
version = 2

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/opt/cni/bin"
  conf_dir = "/etc/cni/net.d"
TOML
      ;;
    2)
      local cni_dirs="bin_dirs = ['/opt/cni/bin']"
      ((minor >= 1)) || cni_dirs="bin_dir = '/opt/cni/bin'"
      cat >"$2" <<TOML
version = 3

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins.'io.containerd.cri.v1.runtime'.cni]
  $cni_dirs
  conf_dir = '/etc/cni/net.d'
TOML
      ;;
    *) fail "containerd $version: this bootstrap writes configuration for containerd 1.x and 2.x only" ;;
  esac
}

# Checks that the setting took: containerd's effective configuration (its own defaults merged with the
# file) has it, so a table name containerd does not know cannot pass unnoticed. (Through a variable:
# grep -q would close the pipe early, and pipefail fail the step.)
containerd_uses_systemd_cgroup() {
  local effective
  effective=$(containerd config dump)
  grep -Eq '^ *SystemdCgroup = true$' <<<"$effective" ||
    fail "containerd ignored the SystemdCgroup setting of $CONTAINERD_CONFIG"
}

# Writes kubeadm configuration `text` (read from standard input) to a file only root can read, because
# it holds the bootstrap token, and prints the file's name.
private_kubeadm_config() {
  local file
  file=$(mktemp --suffix=.yaml)
  cat >"$file"
  printf '%s' "$file"
}

# kubeadm's configuration, API kubeadm.k8s.io/v1beta4, the version kubeadm 1.31 and later read
# (https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/). Every value is quoted:
# tokens, addresses and versions stay strings.

# The control plane's `kubeadm init` configuration: the bootstrap token the workers join with (its ttl
# is BOOTSTRAP_TOKEN_TTL), the address the API server advertises, containerd, and Flannel's pod network.
kubeadm_init_config() { # token advertise-address kubernetes-version pod-subnet token-ttl
  cat <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - token: "$1"
    ttl: "$5"
    description: "course-labs: the workers join with this token, published in the stack's secret"
localAPIEndpoint:
  advertiseAddress: "$2"
nodeRegistration:
  criSocket: "$CONTAINERD_SOCKET"
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: "$3"
networking:
  podSubnet: "$4"
YAML
}

# A worker's `kubeadm join` configuration: the API server, the token, and the hash of the cluster CA's
# public key that pins the CA the worker trusts.
kubeadm_join_config() { # api-server-endpoint token ca-cert-hash
  cat <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: "$1"
    token: "$2"
    caCertHashes: ["$3"]
nodeRegistration:
  criSocket: "$CONTAINERD_SOCKET"
YAML
}

# Control plane: writes Flannel's manifest, shipped in the workload as `file` (a header comment, then the
# release's manifest), without its comment lines to `output`, and fails unless that is the manifest
# pinned by `sha256`: no pod network is applied that is not the one this project reviewed.
verified_flannel_manifest() { # file sha256 output
  [[ -f $1 ]] || fail "the workload has no Flannel manifest at $1"
  sed '/^#/d' "$1" >"$3"
  printf '%s  %s\n' "$2" "$3" | sha256sum --check --status ||
    fail "the Flannel manifest $1 does not have the pinned SHA-256 $2"
}
