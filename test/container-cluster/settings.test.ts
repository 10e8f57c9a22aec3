/** Every bad value of the lab's settings stops synthesis with one line naming the key, the value and what is allowed. */
import { SETTINGS_GROUPS } from '../../lib/app';
import { instanceTypeSpec, KNOWN_FAMILIES } from '../../lib/container-cluster/instance-types';
import { CONTAINER_CLUSTER_SETTINGS } from '../../lib/container-cluster/settings';
import { ConfigError, loadSettings } from '../../lib/shared/settings';

const groupIndex = SETTINGS_GROUPS.findIndex((g) => g.usedBy === 'ContainerClusterLabStack');

function values(context: Record<string, unknown>) {
  return loadSettings(context, SETTINGS_GROUPS)[groupIndex];
}

function errorOf(context: Record<string, unknown>): string {
  try {
    values(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be refused`);
}

const FAMILIES = KNOWN_FAMILIES.join(', ');
const ALLOWED = {
  workerCount: 'a whole number from 1 to 10',
  orchestrator: 'kubernetes or swarm',
  sshCidr:
    'an IPv4 CIDR with a prefix length from 8 to 32 and no host bits set, such as 203.0.113.7/32 (one address) or 203.0.113.0/24; 0.0.0.0/0, ::/0 and other world-open ranges are refused',
  controlPlaneInstanceType: `an instance type with at least 2 vCPUs and 2 GiB of memory (kubeadm's minimum for a control plane) from the families ${FAMILIES}`,
  workerInstanceType: `an instance type with at least 1 vCPU and 1 GiB of memory (room for the kubelet, Docker and a few pods) from the families ${FAMILIES}`,
};

test('the lab is registered with its settings', () => {
  expect(SETTINGS_GROUPS[groupIndex].settings).toBe(CONTAINER_CLUSTER_SETTINGS);
});

test('defaults: Kubernetes, two workers, t4g.small control plane, t4g.micro workers, no SSH', () => {
  expect(values({})).toEqual({
    values: {
      orchestrator: 'kubernetes',
      workerCount: 2,
      controlPlaneInstanceType: 't4g.small',
      workerInstanceType: 't4g.micro',
      sshCidr: undefined,
    },
    given: {},
  });
});

test('good values are read, and only those off the default count as given', () => {
  expect(
    values({ orchestrator: 'swarm', workerCount: '10', controlPlaneInstanceType: 't3.medium', workerInstanceType: 't2.micro', sshCidr: '203.0.113.7/32' }),
  ).toEqual({
    values: { orchestrator: 'swarm', workerCount: 10, controlPlaneInstanceType: 't3.medium', workerInstanceType: 't2.micro', sshCidr: '203.0.113.7/32' },
    given: { orchestrator: 'swarm', workerCount: '10', controlPlaneInstanceType: 't3.medium', workerInstanceType: 't2.micro', sshCidr: '203.0.113.7/32' },
  });
  expect(values({ workerCount: 1 }).values.workerCount).toBe(1);
});

test.each([
  ['workerCount', '0'],
  ['workerCount', '11'],
  ['workerCount', '2.5'],
  ['workerCount', ''],
  ['workerCount', '-1'],
  ['workerCount', 'two'],
  ['orchestrator', 'nomad'],
  ['orchestrator', 'Kubernetes'],
  ['orchestrator', ''],
  ['sshCidr', '0.0.0.0/0'],
  ['sshCidr', '::/0'],
  ['sshCidr', '10.0.0.300/8'],
  ['sshCidr', '203.0.113.7'],
  ['sshCidr', ''],
  ['controlPlaneInstanceType', 't4g.micro'], // 1 GiB: below kubeadm's minimum
  ['controlPlaneInstanceType', 't2.small'], // 1 vCPU
  ['controlPlaneInstanceType', 'c7g.medium'], // 1 vCPU
  ['controlPlaneInstanceType', 't4g.smal'], // unknown
  ['controlPlaneInstanceType', ''],
  ['workerInstanceType', 't4g.nano'], // 0.5 GiB
  ['workerInstanceType', 'p5.48xlarge'], // not a lab family
  ['workerInstanceType', ''],
] as Array<[keyof typeof ALLOWED, string]>)('%s=%p is refused with the key, the value and what is allowed', (key, value) => {
  expect(errorOf({ [key]: value })).toBe(`Invalid value ${JSON.stringify(value)} for context key "${key}". Allowed: ${ALLOWED[key]}.`);
});

describe('the instance type table', () => {
  test('the defaults and the course tutorial type are in it, with their sizes and architectures', () => {
    expect(instanceTypeSpec('t4g.small')).toEqual({ vcpus: 2, memoryGiB: 2, architecture: 'arm64' });
    expect(instanceTypeSpec('t4g.micro')).toEqual({ vcpus: 2, memoryGiB: 1, architecture: 'arm64' });
    expect(instanceTypeSpec('t2.micro')).toEqual({ vcpus: 1, memoryGiB: 1, architecture: 'x86_64' });
    expect(instanceTypeSpec('t3.small')).toEqual({ vcpus: 2, memoryGiB: 2, architecture: 'x86_64' });
  });

  test('names that are not exactly family.size are unknown', () => {
    for (const name of ['t4g', 't4g.', '.small', 't4g.small.x', 'T4G.SMALL', 'm7g.nano', 'toString.small', 't4g.constructor']) {
      expect(instanceTypeSpec(name)).toBeUndefined();
    }
  });
});
