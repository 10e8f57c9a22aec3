import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Aws, CfnOutput, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import {
  BOOTSTRAP_TIMEOUTS,
  BOOTSTRAP_TOKEN_TTL,
  FLANNEL_MANIFEST_FILE,
  FLANNEL_RELEASE_MANIFEST_SHA256,
  FLANNEL_VERSION,
  KUBERNETES_MINOR,
  NodeRole as NodeKind,
  Orchestrator,
  POD_NETWORK_CIDR,
  SWARM_ADDRESS_POOL,
} from './cluster-config';
import { ClusterNetwork } from './cluster-network';
import { ClusterNode } from './cluster-node';
import { ClusterReadiness } from './cluster-readiness';
import { JoinSecret } from './join-secret';
import { NodeRole } from './node-role';
import { nodeScriptFile, renderNodeScript, SCRIPTS_DIR } from './node-user-data';
import {
  DEFAULT_CONTROL_PLANE_INSTANCE_TYPE,
  DEFAULT_WORKER_COUNT,
  DEFAULT_WORKER_INSTANCE_TYPE,
} from './settings';

/** The sample workload the control plane receives in /home/ec2-user/workload: see the lab guide. */
export const WORKLOAD_DIR = path.join(__dirname, 'workload');

/** Course lab 1. */
export const CONTAINER_CLUSTER_LAB: LabInfo = { id: 'container-cluster', title: 'Docker and Kubernetes on a cluster of EC2 VMs' };

/** Root volume sizes: the image's 8 GiB leaves about 4 GiB free after Kubernetes and the exercises' images (mysql, node, nginx, redis, ubuntu). */
const ROOT_VOLUME_GIB: Readonly<Record<NodeKind, number>> = { 'control-plane': 8, worker: 8 };

/** Properties of a `ContainerClusterLabStack`. */
export interface ContainerClusterLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * `kubernetes`: a kubeadm cluster with Flannel; `swarm`: a Docker Swarm with the control plane as manager.
   * @default 'kubernetes'
   */
  readonly orchestrator?: Orchestrator;
  /**
   * How many workers join the control plane, 1 to 10 (the setting checks the range).
   * @default 2
   */
  readonly workerCount?: number;
  /**
   * Instance type of the control plane, from `instance-types.ts`, with at least 2 vCPUs and 2 GiB.
   * @default 't4g.small'
   */
  readonly controlPlaneInstanceType?: string;
  /**
   * Instance type of the workers, from `instance-types.ts`, with at least 1 GiB.
   * @default 't4g.micro'
   */
  readonly workerInstanceType?: string;
  /**
   * An IPv4 CIDR that may reach the control plane on SSH (the setting refuses world-open ranges); with it,
   * the outputs also give an SSH command per worker, through Session Manager (workers have no public address).
   * @default - no SSH; students connect with SSM Session Manager
   */
  readonly sshCidr?: string;
}

/**
 * Lab 1, "Docker and Kubernetes on a cluster of EC2 VMs": one control plane and `workerCount` workers with
 * Docker on every node, formed into a Kubernetes cluster (or a Docker Swarm) with no human step, and a
 * deploy that returns only when every node is Ready. The walkthrough is `lib/container-cluster/README.md`.
 *
 * How the bootstrap fits together (the scripts are in `scripts/`):
 * 1. The control plane starts forwarding the workers' outbound traffic (the workers have no public
 *    address: see `ClusterNetwork`), installs Docker and Kubernetes, runs `kubeadm init` (or
 *    `docker swarm init`) and writes the join data to the stack's `JoinSecret`.
 * 2. Each worker waits (with a timeout) until it can reach out through the control plane, installs the
 *    same, waits until the secret holds its control plane's data, and joins.
 * 3. The control plane waits until every node is Ready and signals the `ClusterReadiness` wait condition;
 *    any node that fails signals FAILURE with the step that failed.
 */
export class ContainerClusterLabStack extends LabStack {
  public readonly controlPlane: ClusterNode;
  public readonly workers: readonly ClusterNode[];
  public readonly readiness: ClusterReadiness;

  constructor(scope: Construct, id: string, props: ContainerClusterLabStackProps = {}) {
    super(scope, id, { ...props, lab: CONTAINER_CLUSTER_LAB });
    const orchestrator = props.orchestrator ?? 'kubernetes';
    const workerCount = props.workerCount ?? DEFAULT_WORKER_COUNT;
    const controlPlaneType = props.controlPlaneInstanceType ?? DEFAULT_CONTROL_PLANE_INSTANCE_TYPE;
    const workerType = props.workerInstanceType ?? DEFAULT_WORKER_INSTANCE_TYPE;
    if (!Number.isInteger(workerCount) || workerCount < 1) throw new Error(`${id}: workerCount must be a whole number of at least 1, got ${workerCount}`);

    const network = new ClusterNetwork(this, 'Network', { orchestrator, sshCidr: props.sshCidr });
    const workload = new s3assets.Asset(this, 'Workload', { path: WORKLOAD_DIR });
    const joinSecret = new JoinSecret(this, 'JoinSecret', {
      description: `Join data the control plane of ${this.stackName} publishes for its workers (${orchestrator}).`,
    });
    this.readiness = new ClusterReadiness(this, 'ClusterReady', {
      generation: clusterGeneration({ orchestrator, workerCount, controlPlaneType, workerType, workloadHash: workload.assetHash }),
      timeout: Duration.seconds(BOOTSTRAP_TIMEOUTS.clusterReadySeconds),
    });

    const controlPlaneRole = new NodeRole(this, 'ControlPlaneRole', {
      description: `Control plane of ${this.stackName}: SSM sessions, publish the join secret, read the sample workload.`,
    }).role;
    joinSecret.grantPublish(controlPlaneRole);
    // The one object of the workload asset, not the whole CDK asset bucket.
    controlPlaneRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [workload.bucket.arnForObjects(workload.s3ObjectKey)] }),
    );
    const workerRole = new NodeRole(this, 'WorkerRole', {
      description: `Workers of ${this.stackName}: SSM sessions, read the join secret.`,
    }).role;
    joinSecret.grantRead(workerRole);

    const common = {
      AWS_REGION: Aws.REGION,
      READY_SIGNAL_URL: this.readiness.signalUrl,
      JOIN_SECRET_ARN: joinSecret.secret.secretArn,
      POLL_SECONDS: BOOTSTRAP_TIMEOUTS.pollSeconds,
      INSTALL_TIMEOUT_SECONDS: BOOTSTRAP_TIMEOUTS.installSeconds,
      NODE_DEADLINE_SECONDS: BOOTSTRAP_TIMEOUTS.nodeDeadlineSeconds,
    };
    const kubernetes: Record<string, string> = orchestrator === 'kubernetes' ? { KUBERNETES_MINOR } : {};

    this.controlPlane = new ClusterNode(this, 'ControlPlane', {
      vpc: network.vpc,
      subnet: network.controlPlaneSubnet,
      forwardsTraffic: true,
      securityGroup: network.securityGroups['control-plane'],
      role: controlPlaneRole,
      instanceType: controlPlaneType,
      rootVolumeGiB: ROOT_VOLUME_GIB['control-plane'],
      script: renderNodeScript(nodeScriptFile(orchestrator, 'control-plane'), {
        ...common,
        ...kubernetes,
        EXPECTED_NODES: workerCount + 1,
        NODES_READY_WAIT_SECONDS: BOOTSTRAP_TIMEOUTS.nodesReadyWaitSeconds,
        WORKLOAD_S3_URL: workload.s3ObjectUrl,
        WORKER_SUBNET_CIDR: network.workerSubnet.ipv4CidrBlock,
        ...(orchestrator === 'kubernetes'
          ? {
              POD_NETWORK_CIDR,
              FLANNEL_VERSION,
              FLANNEL_MANIFEST_FILE,
              FLANNEL_MANIFEST_SHA256: FLANNEL_RELEASE_MANIFEST_SHA256,
              BOOTSTRAP_TOKEN_TTL,
              CLUSTER_DNS_WAIT_SECONDS: BOOTSTRAP_TIMEOUTS.clusterDnsWaitSeconds,
            }
          : { SWARM_ADDRESS_POOL }),
      }),
    });

    // Its bootstrap downloads at once: boot it only when its subnet's route to the internet gateway exists.
    this.controlPlane.node.addDependency(network.controlPlaneSubnet.internetConnectivityEstablished);

    const workerScript = renderNodeScript(nodeScriptFile(orchestrator, 'worker'), {
      ...common,
      ...kubernetes,
      CONTROL_PLANE_ID: this.controlPlane.instance.instanceId,
      EGRESS_WAIT_SECONDS: BOOTSTRAP_TIMEOUTS.egressWaitSeconds,
      JOIN_WAIT_SECONDS: BOOTSTRAP_TIMEOUTS.joinWaitSeconds,
    });
    const workerEgress = network.routeWorkerEgressThrough(this.controlPlane.instance);
    this.workers = Array.from(
      { length: workerCount },
      (_, i) => {
        const worker = new ClusterNode(this, `Worker${i + 1}`, {
          vpc: network.vpc,
          subnet: network.workerSubnet,
          securityGroup: network.securityGroups.worker,
          role: workerRole,
          instanceType: workerType,
          rootVolumeGiB: ROOT_VOLUME_GIB.worker,
          script: workerScript,
        });
        // Booted only once its way out exists (its bootstrap then waits until the control plane forwards).
        worker.node.addDependency(workerEgress);
        return worker;
      },
    );
    this.readiness.waitFor(this.controlPlane, ...this.workers);

    this.addOutputs(orchestrator, Boolean(props.sshCidr));
  }

  private addOutputs(orchestrator: Orchestrator, ssh: boolean): void {
    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const region = `--region ${Aws.REGION}`;
    const nodes: Array<[string, ClusterNode, string]> = [
      ['ControlPlane', this.controlPlane, orchestrator === 'kubernetes' ? 'the control plane' : 'the control plane (Swarm manager)'],
      ...this.workers.map((w, i): [string, ClusterNode, string] => [`Worker${i + 1}`, w, `worker ${i + 1}`]),
    ];
    for (const [name, node, what] of nodes) {
      out(`${name}Session`, `Opens a shell on ${what} (SSM Session Manager); then run: sudo -iu ec2-user`, `aws ssm start-session --target ${node.instance.instanceId} ${region}`);
      if (ssh && node === this.controlPlane) {
        out(
          `${name}Ssh`,
          `SSH to ${what} from the sshCidr range (EC2 Instance Connect pushes a one-time key).`,
          `aws ec2-instance-connect ssh --instance-id ${node.instance.instanceId} --os-user ec2-user --connection-type direct ${region}`,
        );
      } else if (ssh) {
        // A worker has no public address: SSH goes through Session Manager (AWS-StartSSHSession), which
        // needs no open port, with a key EC2 Instance Connect pushes for 60 seconds.
        const id = node.instance.instanceId;
        out(
          `${name}Ssh`,
          `SSH to ${what}, which has no public address: pushes your ~/.ssh/id_ed25519.pub for 60 s (EC2 Instance Connect), then connects through Session Manager. Run it with eval.`,
          `aws ec2-instance-connect send-ssh-public-key --instance-id ${id} --instance-os-user ec2-user --ssh-public-key file://$HOME/.ssh/id_ed25519.pub ${region} >/dev/null && ssh -o ProxyCommand='aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p ${region}' ec2-user@${id}`,
        );
      }
    }
    out(
      'FirstCommands',
      'On the control plane, after sudo -iu ec2-user (the lab guide is lib/container-cluster/README.md).',
      orchestrator === 'kubernetes'
        ? 'kubectl get nodes -o wide && kubectl apply -f ~/workload/kubernetes/web.yaml && kubectl get pods -o wide'
        : 'docker node ls && docker stack deploy -c ~/workload/swarm/vote-stack.yml vote && docker service ls',
    );
    out(
      'SiteTunnel',
      'Forwards localhost:8000 on your machine to port 8000 of the control plane (the nginx site of the Docker exercise): open http://localhost:8000.',
      `aws ssm start-session --target ${this.controlPlane.instance.instanceId} --document-name AWS-StartPortForwardingSession --parameters portNumber=8000,localPortNumber=8000 ${region}`,
    );
  }
}

/**
 * A short hash of everything that makes up the cluster at synth time: a change means a new cluster (every
 * node is replaced, because user data changes), and so a new wait condition (see `ClusterReadiness`).
 */
function clusterGeneration(inputs: Record<string, string | number>): string {
  const scripts = fs
    .readdirSync(SCRIPTS_DIR)
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(SCRIPTS_DIR, f), 'utf8')]);
  const fixed = { KUBERNETES_MINOR, FLANNEL_RELEASE_MANIFEST_SHA256, POD_NETWORK_CIDR, SWARM_ADDRESS_POOL, BOOTSTRAP_TIMEOUTS, BOOTSTRAP_TOKEN_TTL };
  return createHash('sha256').update(JSON.stringify({ inputs, scripts, fixed })).digest('hex').slice(0, 8);
}
