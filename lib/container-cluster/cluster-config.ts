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

/** The Flannel release whose manifest the control plane applies. */
export const FLANNEL_VERSION = 'v0.27.4';
export const FLANNEL_MANIFEST_URL = `https://github.com/flannel-io/flannel/releases/download/${FLANNEL_VERSION}/kube-flannel.yml`;

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
 * How long each part of the bootstrap may take. The nodes' own limits end before CloudFormation's, so a
 * failure a node can see reaches the stack events with its reason; CloudFormation's timeout only catches a
 * node that cannot report at all.
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
  /** The wait condition: from the moment every instance exists, the whole bootstrap. */
  clusterReadySeconds: 1800,
} as const;

/**
 * Lifetime of the Kubernetes bootstrap token workers join with: the longest a lab lives (ttlHours max), so
 * a worker added by a later redeploy can still join, and no longer.
 */
export const BOOTSTRAP_TOKEN_TTL = '168h0m0s';

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
