/**
 * The instance types the EC2 labs may use (the container cluster's nodes, the web server), with what their
 * settings check them against. A table rather than a
 * lookup: synthesis makes no AWS calls, and a typo (`t4g.smal`) or a type too small for its role should
 * stop `cdk synth` with a clear message, not fail a deploy twenty minutes in.
 *
 * Sizes are from the EC2 instance-type pages (https://aws.amazon.com/ec2/instance-types/). Only families
 * that Amazon Linux 2023 runs on and that suit a small lab are listed: burstable t4g (Graviton), t3, t3a,
 * t2 (the course's tutorial used t2.micro) and the general-purpose and compute families of the last two
 * generations.
 */

/** CPU architecture of an instance type: it selects the Amazon Linux 2023 image (arm64 or x86_64). */
export type CpuArchitecture = 'arm64' | 'x86_64';

/** What a lab needs to know of an instance type. */
export interface InstanceTypeSpec {
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly architecture: CpuArchitecture;
}

type Sizes = Record<string, [vcpus: number, memoryGiB: number]>;

const BURSTABLE: Sizes = {
  nano: [2, 0.5],
  micro: [2, 1],
  small: [2, 2],
  medium: [2, 4],
  large: [2, 8],
  xlarge: [4, 16],
  '2xlarge': [8, 32],
};
const T2: Sizes = { nano: [1, 0.5], micro: [1, 1], small: [1, 2], medium: [2, 4], large: [2, 8], xlarge: [4, 16], '2xlarge': [8, 32] };
const GENERAL_GRAVITON: Sizes = { medium: [1, 4], large: [2, 8], xlarge: [4, 16] };
const COMPUTE_GRAVITON: Sizes = { medium: [1, 2], large: [2, 4], xlarge: [4, 8] };
const GENERAL_INTEL: Sizes = { large: [2, 8], xlarge: [4, 16] };
const COMPUTE_INTEL: Sizes = { large: [2, 4], xlarge: [4, 8] };

const FAMILIES: Record<string, [CpuArchitecture, Sizes]> = {
  t4g: ['arm64', BURSTABLE],
  t3: ['x86_64', BURSTABLE],
  t3a: ['x86_64', BURSTABLE],
  t2: ['x86_64', T2],
  m6g: ['arm64', GENERAL_GRAVITON],
  m7g: ['arm64', GENERAL_GRAVITON],
  c6g: ['arm64', COMPUTE_GRAVITON],
  c7g: ['arm64', COMPUTE_GRAVITON],
  m6i: ['x86_64', GENERAL_INTEL],
  m7i: ['x86_64', GENERAL_INTEL],
  c6i: ['x86_64', COMPUTE_INTEL],
  c7i: ['x86_64', COMPUTE_INTEL],
};

/** The families in the table, for messages. */
export const KNOWN_FAMILIES: readonly string[] = Object.keys(FAMILIES);

/** The spec of a known instance type (`t4g.small`), or `undefined`. */
export function instanceTypeSpec(name: string): InstanceTypeSpec | undefined {
  const [family, size, ...rest] = name.split('.');
  if (rest.length > 0 || !Object.hasOwn(FAMILIES, family)) return undefined;
  const [architecture, sizes] = FAMILIES[family];
  if (!Object.hasOwn(sizes, size)) return undefined;
  return { vcpus: sizes[size][0], memoryGiB: sizes[size][1], architecture };
}

/** The least an instance of some role needs (each lab defines its own). */
export interface NodeMinimum {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Why, for the setting's documentation. */
  readonly why: string;
}

/** `name` if it is a known type that meets `minimum`, else `undefined`. */
export function checkInstanceType(name: string, minimum: NodeMinimum): string | undefined {
  const spec = instanceTypeSpec(name);
  return spec && spec.vcpus >= minimum.vcpus && spec.memoryGiB >= minimum.memoryGiB ? name : undefined;
}

/** "an instance type with at least ..." for the settings' `allowed` text. */
export function describeMinimum(minimum: NodeMinimum): string {
  const cpus = `${minimum.vcpus} vCPU${minimum.vcpus > 1 ? 's' : ''}`;
  return (
    `an instance type with at least ${cpus} and ${minimum.memoryGiB} GiB of memory (${minimum.why}) ` +
    `from the families ${KNOWN_FAMILIES.join(', ')}`
  );
}
