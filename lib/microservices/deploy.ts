/**
 * `npm run deploy:microservices -- [cdk deploy options]`: deploys `MicroservicesLabStack` after checking
 * that this machine can build its four container images (`lib/shared/docker-deploy.ts` says why).
 */
import { DockerDeployDeps, deployNeedingDocker } from '../shared/docker-deploy';

export { dockerProblem } from '../shared/docker-deploy';

/** The stacks the script deploys: `MicroservicesLabStack`, with whatever `-c stackSuffix` the arguments give. */
export const STACK_PATTERN = 'MicroservicesLabStack*';

/** Checks Docker, then runs `cdk deploy` with `args`; returns the exit status. */
export function main(args: readonly string[], deps: DockerDeployDeps = {}): number {
  return deployNeedingDocker('MicroservicesLabStack', STACK_PATTERN, args, deps);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
