/**
 * What each node of the container cluster needs of its instance type. The table of instance types and the
 * checks are shared with the other EC2 labs (`lib/shared/instance-types.ts`).
 */
import { NodeMinimum } from '../shared/instance-types';

export { checkInstanceType, describeMinimum, instanceTypeSpec, KNOWN_FAMILIES } from '../shared/instance-types';
export type { CpuArchitecture, InstanceTypeSpec, NodeMinimum } from '../shared/instance-types';

/**
 * The control plane: kubeadm's minimum ("2 CPUs or more", "2 GB or more of RAM"; `kubeadm init` refuses
 * fewer CPUs or less than 1700 MB in its preflight checks). The same in Swarm mode, so that switching the
 * orchestrator never needs another type.
 */
export const CONTROL_PLANE_MINIMUM: NodeMinimum = { vcpus: 2, memoryGiB: 2, why: "kubeadm's minimum for a control plane" };

/**
 * A worker: `kubeadm join` checks neither CPUs nor memory, but the kubelet, containerd, Docker, kube-proxy
 * and Flannel need about half a GiB, so 1 GiB leaves room for the exercises' pods.
 */
export const WORKER_MINIMUM: NodeMinimum = { vcpus: 1, memoryGiB: 1, why: 'room for the kubelet, Docker and a few pods' };
