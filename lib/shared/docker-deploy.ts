/**
 * What the labs whose deploy builds container images share (`npm run deploy:microservices`,
 * `npm run deploy:mysfits`): check that this machine can build images, then `cdk deploy` the lab's stack.
 *
 * Why a script: CDK builds a lab's images with Docker while it publishes assets, at the start of `cdk
 * deploy`. Without a Docker engine that step fails with a long error in the middle of the deploy output.
 * The CDK app cannot check for Docker itself: it runs the same way for `cdk synth`, `cdk diff` and `cdk
 * deploy` (and in tests and CI, which have no Docker engine) and is not told which command runs it. The
 * script is only ever a deploy, so it checks first and, without Docker, prints one line and exits 1 before
 * anything is built or deployed.
 *
 * Like the CDK CLI, it runs `$CDK_DOCKER` when set (finch, podman), else `docker`.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as path from 'path';

/** How long the Docker engine has to answer (Docker Desktop can be slow while it starts). */
const DOCKER_TIMEOUT_MS = 30_000;

export type Run = (command: string, args: string[], options: { encoding: 'utf8'; timeout: number }) => SpawnSyncReturns<string>;

/**
 * Why this machine cannot build images, as the end of a sentence, or `undefined` when the Docker engine
 * answers `docker info`.
 */
export function dockerProblem(docker: string, run: Run = spawnSync): string | undefined {
  const result = run(docker, ['info'], { encoding: 'utf8', timeout: DOCKER_TIMEOUT_MS });
  const error = result.error as NodeJS.ErrnoException | undefined;
  if (error?.code === 'ENOENT') return `there is no "${docker}" command on this machine`;
  if (error?.code === 'ETIMEDOUT') return `"${docker} info" did not answer within ${DOCKER_TIMEOUT_MS / 1000} s`;
  if (error) return `"${docker} info" could not run (${error.message})`;
  if (result.status !== 0) {
    const reason = `${result.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
    return `"${docker} info" cannot reach a Docker engine${reason ? ` (${reason})` : ''}`;
  }
  return undefined;
}

/** What `deployNeedingDocker` reaches outside the process; tests replace it. */
export interface DockerDeployDeps {
  env?: NodeJS.ProcessEnv;
  run?: Run;
  log?: (line: string) => void;
  /** Runs the CDK CLI with these arguments; returns its exit status. */
  cdk?: (cdkArgs: string[], env: NodeJS.ProcessEnv) => number;
}

/**
 * Checks Docker, then runs `cdk deploy <stackPattern> <args>`; returns the exit status.
 *
 * @param stackName the lab's stack, for the message (`MicroservicesLabStack`)
 * @param stackPattern what `cdk deploy` selects: the stack with any `-c stackSuffix` (`MicroservicesLabStack*`)
 */
export function deployNeedingDocker(stackName: string, stackPattern: string, args: readonly string[], deps: DockerDeployDeps = {}): number {
  const env = deps.env ?? process.env;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const docker = env.CDK_DOCKER || 'docker';
  const problem = dockerProblem(docker, deps.run);
  if (problem) {
    log(
      `course-labs: ${stackName} needs a running Docker engine on this machine to build its container images, but ${problem}. ` +
        'Install or start Docker (https://docs.docker.com/get-docker/) and run this again; nothing was built or deployed.',
    );
    return 1;
  }
  return (deps.cdk ?? runCdk)(['deploy', stackPattern, ...args], env);
}

/** The project's pinned CDK CLI. No shell: the stack pattern reaches it unexpanded, arguments exactly as given. */
function runCdk(cdkArgs: string[], env: NodeJS.ProcessEnv): number {
  const cdk = path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk', 'bin', 'cdk');
  return spawnSync(process.execPath, [cdk, ...cdkArgs], { stdio: 'inherit', env }).status ?? 1;
}
