/**
 * The fixed facts of the container cluster: versions, address ranges, ports and timeouts. Each is used by
 * the stack, rendered into the bootstrap scripts and checked by the tests, so a change is made here once.
 */

/** How the nodes are orchestrated. */
export type Orchestrator = 'kubernetes' | 'swarm';
export const ORCHESTRATORS: readonly Orchestrator[] = ['kubernetes', 'swarm'];

/** The two kinds of node. */
export type NodeRole = 'control-plane' | 'worker';

/**
 * The Kubernetes minor version whose pkgs.k8s.io repository the nodes install from (so they get its newest
 * patch release). v1.35 is the newest minor that supports containerd 1.7 as well as 2.x; see
 * scripts/kubernetes-node.sh.
 */
export const KUBERNETES_MINOR = 'v1.35';

/**
 * The Flannel release the control plane applies. Its manifest is not fetched at boot: it ships in the
 * workload asset (`FLANNEL_MANIFEST_FILE`, with where it came from in its header), and the control plane
 * checks its SHA-256 (`FLANNEL_RELEASE_MANIFEST_SHA256`, rendered into the user data) before `kubectl apply`.
 */
export const FLANNEL_VERSION = 'v0.27.4';
/** Where the release's manifest is published: the shipped copy's source, for its header and the guide. */
export const FLANNEL_RELEASE_MANIFEST_URL = `https://github.com/flannel-io/flannel/releases/download/${FLANNEL_VERSION}/kube-flannel.yml`;
/** The shipped manifest, relative to the workload folder (the control plane's ~/workload). */
export const FLANNEL_MANIFEST_FILE = `kubernetes/flannel/kube-flannel-${FLANNEL_VERSION}.yml`;
/**
 * SHA-256 of the shipped manifest without its header comment: the release asset as rebuilt from
 * flannel's source (the file's header says how). The control plane checks it before applying; a test
 * checks the shipped file against it, so the manifest changes only with this pin.
 */
export const FLANNEL_RELEASE_MANIFEST_SHA256 = 'f17c57f82ffef1d53dbf558ac30755241980563044622778a15df339e4346c57';

/** The VPC's range. The pod network, the service network and Swarm's overlay pool stay clear of it. */
export const VPC_CIDR = '10.0.0.0/16';
/**
 * Prefix length of the VPC's two subnets: the control plane's public one and the workers' private one
 * (see `ClusterNetwork`), 251 usable addresses each.
 */
export const SUBNET_CIDR_MASK = 24;
/** Flannel's default network, which its manifest assumes. */
export const POD_NETWORK_CIDR = '10.244.0.0/16';
/** Where Swarm takes overlay subnets from (its default, 10.0.0.0/8, contains the VPC). */
export const SWARM_ADDRESS_POOL = '10.20.0.0/16';

/** The NodePort of the sample Service (lib/container-cluster/workload/kubernetes/web.yaml). */
export const SAMPLE_NODE_PORT = 30080;

/**
 * How long each part of the bootstrap may take. Every node has one deadline, measured from its boot
 * (`nodeDeadlineSeconds`): each wait and each install below is cut short when the deadline comes first,
 * and a watchdog started with the bootstrap signals FAILURE at the deadline whatever step is running
 * (a hung `kubeadm join` too). So a failure a node can see reaches the stack events with its reason,
 * before CloudFormation's own timeout, which only catches a node that cannot report at all. The test
 * "ready means ready" sums the worst case against the wait condition's timeout.
 */
export const BOOTSTRAP_TIMEOUTS = {
  /**
   * A worker waits this long for outbound access: the control plane forwards the workers' traffic from the
   * first step of its bootstrap, usually within a minute of booting.
   */
  egressWaitSeconds: 240,
  /** A worker waits this long for the control plane's join data. */
  joinWaitSeconds: 900,
  /** The control plane waits this long, after publishing the join data, for every node to be Ready. */
  nodesReadyWaitSeconds: 900,
  /** Then this long for the cluster DNS to run (Kubernetes mode). */
  clusterDnsWaitSeconds: 180,
  /** One package download or install. */
  installSeconds: 600,
  /** Between two checks of a wait. */
  pollSeconds: 10,
  /**
   * Every node's deadline, from its boot: by then it has succeeded or signalled FAILURE. The sum of the
   * limits above is longer (a worker: 240 + 4 installs of 600 + 900), so this is what bounds a node.
   */
  nodeDeadlineSeconds: 1500,
  /**
   * The longest one signal to the wait condition takes: curl's --retry-max-time plus one attempt's
   * --max-time (see `signal_stack` in scripts/node-common.sh).
   */
  signalSeconds: 90,
  /**
   * How much earlier than the wait condition's start a node may boot and still count: the wait starts
   * once every instance is running (it depends on them all), and a node boots right after its own
   * instance is running. Slack for the seconds between the two, on the side of caution.
   */
  bootBeforeWaitSeconds: 120,
  /** The wait condition: from the moment every instance exists, the whole bootstrap. */
  clusterReadySeconds: 1800,
} as const;

/**
 * Lifetime of the Kubernetes bootstrap token workers join with. A worker needs it only until it has
 * joined, which is before its deadline (`nodeDeadlineSeconds` from its boot, 25 minutes); no worker joins
 * later, because a change of `workerCount` (or of anything else in a node's user data) replaces every
 * node, the control plane included, and so mints a new token. An hour leaves room and no more: a leaked
 * token is useless an hour after the deploy. (`kubeadm init` gives its own token 24 hours:
 * https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-token/; the ttl field is
 * InitConfiguration's bootstrapTokens[].ttl: https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/)
 */
export const BOOTSTRAP_TOKEN_TTL = '1h0m0s';

/** A port between nodes: which nodes open it to which, and what for. */
export interface NodePortRule {
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** The nodes that connect. */
  readonly from: readonly NodeRole[];
  /** The nodes that listen. */
  readonly to: readonly NodeRole[];
  /** Why the port is open, written into the security group rule's description. */
  readonly purpose: string;
}

const BOTH: readonly NodeRole[] = ['control-plane', 'worker'];

/**
 * The workers have no public IPv4 address: their subnet's default route is the control plane, which
 * forwards and masquerades their traffic to the internet (see `forward_worker_egress` in
 * scripts/node-common.sh). A security group checks forwarded packets too, so the control plane's lets in
 * exactly the outbound ports the workers need: HTTPS for packages, container images and AWS APIs, HTTP
 * for the package mirrors some images use (apt inside an ubuntu container). DNS and time go to the VPC's
 * own resolver and the link-local time service, which the workers reach directly.
 */
export const WORKER_EGRESS_PORTS: readonly NodePortRule[] = [
  { protocol: 'tcp', port: 443, from: ['worker'], to: ['control-plane'], purpose: 'outbound HTTPS of the workers, which the control plane forwards to the internet' },
  { protocol: 'tcp', port: 80, from: ['worker'], to: ['control-plane'], purpose: 'outbound HTTP of the workers, which the control plane forwards to the internet' },
];

/**
 * Every port one node opens to another, per orchestrator: exactly what the cluster, the lab's exercises and
 * the workers' forwarded outbound traffic use, and nothing else. Nothing outside the VPC reaches any of them.
 * A purpose becomes a security group rule's description, so it keeps to the characters EC2 accepts there
 * (no apostrophe or quote).
 */
export const NODE_PORTS: Readonly<Record<Orchestrator, readonly NodePortRule[]>> = {
  kubernetes: [
    { protocol: 'tcp', port: 6443, from: ['worker'], to: ['control-plane'], purpose: 'Kubernetes API server, for the kubelet and kube-proxy on the workers' },
    { protocol: 'tcp', port: 10250, from: ['control-plane'], to: ['worker'], purpose: 'kubelet API, for the API server (kubectl logs, exec, port-forward)' },
    { protocol: 'udp', port: 8472, from: BOTH, to: BOTH, purpose: 'Flannel VXLAN: pod-to-pod traffic between nodes' },
    { protocol: 'tcp', port: SAMPLE_NODE_PORT, from: ['control-plane'], to: ['worker'], purpose: 'NodePort of the sample Service, curled from the control plane' },
    ...WORKER_EGRESS_PORTS,
  ],
  swarm: [
    { protocol: 'tcp', port: 2377, from: ['worker'], to: ['control-plane'], purpose: 'Swarm cluster management, on the manager' },
    { protocol: 'tcp', port: 7946, from: BOTH, to: BOTH, purpose: 'Swarm node communication (gossip)' },
    { protocol: 'udp', port: 7946, from: BOTH, to: BOTH, purpose: 'Swarm node communication (gossip)' },
    { protocol: 'udp', port: 4789, from: BOTH, to: BOTH, purpose: 'Swarm overlay networks (VXLAN data path)' },
    ...WORKER_EGRESS_PORTS,
  ],
};
