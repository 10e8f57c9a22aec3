import { choiceSetting, ipv4CidrSetting, SettingsDefinition, textSetting, wholeNumberSetting } from '../shared/settings';
import { Orchestrator, ORCHESTRATORS } from './cluster-config';
import { checkInstanceType, CONTROL_PLANE_MINIMUM, describeMinimum, WORKER_MINIMUM } from './instance-types';

/** The defaults: the cheapest types that meet each role's minimum (Graviton, so the nodes are arm64). */
export const DEFAULT_CONTROL_PLANE_INSTANCE_TYPE = 't4g.small';
export const DEFAULT_WORKER_INSTANCE_TYPE = 't4g.micro';
export const DEFAULT_WORKER_COUNT = 2;
export const MAX_WORKER_COUNT = 10;

/** The settings only `ContainerClusterLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const CONTAINER_CLUSTER_SETTINGS = {
  orchestrator: choiceSetting<Orchestrator>({
    description:
      '`kubernetes`: the nodes form a Kubernetes cluster (kubeadm, containerd, Flannel). `swarm`: the same nodes form a Docker Swarm, the control plane its manager. Docker is on every node either way.',
    defaultValue: 'kubernetes',
    choices: ORCHESTRATORS,
  }),
  workerCount: wholeNumberSetting({
    description: 'How many worker nodes join the control plane.',
    defaultValue: DEFAULT_WORKER_COUNT,
    min: 1,
    max: MAX_WORKER_COUNT,
  }),
  controlPlaneInstanceType: textSetting({
    description: 'EC2 instance type of the control plane (Graviton types run arm64 images, the others x86_64).',
    defaultValue: DEFAULT_CONTROL_PLANE_INSTANCE_TYPE,
    allowed: describeMinimum(CONTROL_PLANE_MINIMUM),
    check: (value) => checkInstanceType(value, CONTROL_PLANE_MINIMUM),
  }),
  workerInstanceType: textSetting({
    description: 'EC2 instance type of every worker; it may differ in architecture from the control plane.',
    defaultValue: DEFAULT_WORKER_INSTANCE_TYPE,
    allowed: describeMinimum(WORKER_MINIMUM),
    check: (value) => checkInstanceType(value, WORKER_MINIMUM),
  }),
  sshCidr: ipv4CidrSetting({
    description:
      'Opens SSH (TCP 22) on the control plane to this range, for EC2 Instance Connect, and adds an SSH command per worker through Session Manager (workers have no public address). Without it no port is open from outside: connect with SSM Session Manager.',
  }),
} satisfies SettingsDefinition;
