/**
 * `npm run deploy:mysfits -- [cdk deploy options]`: deploys `MythicalMysfitsLabStack` after checking that
 * this machine can build the Mysfits service's container image (`lib/shared/docker-deploy.ts` says why).
 */
import { DockerDeployDeps, deployNeedingDocker } from '../shared/docker-deploy';

/** The stacks the script deploys: `MythicalMysfitsLabStack`, with whatever `-c stackSuffix` the arguments give. */
export const STACK_PATTERN = 'MythicalMysfitsLabStack*';

/** Checks Docker, then runs `cdk deploy` with `args`; returns the exit status. */
export function main(args: readonly string[], deps: DockerDeployDeps = {}): number {
  return deployNeedingDocker('MythicalMysfitsLabStack', STACK_PATTERN, args, deps);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
