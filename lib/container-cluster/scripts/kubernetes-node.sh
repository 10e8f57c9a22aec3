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
}

prepare_kubernetes_node() {
  step 'kernel modules and sysctls for pod networking'
  printf 'overlay\nbr_netfilter\n' >/etc/modules-load.d/kubernetes.conf
  modprobe overlay
  modprobe br_netfilter
  printf '%s\n' 'net.bridge.bridge-nf-call-iptables = 1' 'net.bridge.bridge-nf-call-ip6tables = 1' \
    'net.ipv4.ip_forward = 1' >/etc/sysctl.d/90-kubernetes.conf
  sysctl --system >/dev/null

  # The kubelet and containerd must agree on the cgroup driver: kubeadm configures the kubelet for
  # systemd, containerd's default config uses cgroupfs. CNI plugins go where the kubernetes-cni package
  # and Flannel put them, /opt/cni/bin, whatever default a distribution's containerd was built with
  # (`bin_dir` up to containerd 2.0, `bin_dirs` from 2.1).
  step 'containerd: CRI plugin with systemd cgroups'
  containerd config default >/etc/containerd/config.toml
  sed -i -E -e 's/SystemdCgroup = false/SystemdCgroup = true/' \
    -e 's#^( *bin_dir *= *).*#\1"/opt/cni/bin"#' -e 's#^( *bin_dirs *= *).*#\1["/opt/cni/bin"]#' \
    /etc/containerd/config.toml
  grep -q 'SystemdCgroup = true' /etc/containerd/config.toml ||
    fail "containerd's default configuration has no SystemdCgroup option to turn on"
  systemctl restart containerd
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

# Writes kubeadm configuration `text` (read from standard input) to a file only root can read, because
# it holds the bootstrap token, and prints the file's name.
private_kubeadm_config() {
  local file
  file=$(mktemp --suffix=.yaml)
  cat >"$file"
  printf '%s' "$file"
}
