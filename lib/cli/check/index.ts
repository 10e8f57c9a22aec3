/**
 * Every lab's checks for `labs check`, one module per lab beside this file. A lab added to the app adds its
 * module here, as part of that lab. See `./types.ts` for the contract.
 */
import { BEANSTALK_CHECKS } from './beanstalk';
import { containerClusterChecks } from './container-cluster';
import { hadoopChecks } from './hadoop';
import { microservicesChecks } from './microservices';
import { MYTHICAL_MYSFITS_CHECKS } from './mythical-mysfits';
import { s3TriggerChecks } from './s3-trigger';
import { serverlessChecks } from './serverless';
import { staticSiteChecks } from './static-site';
import { LabChecks } from './types';
import { WEB_SERVER_CHECKS } from './web-server';

export const LAB_CHECKS: readonly LabChecks[] = [
  staticSiteChecks,
  containerClusterChecks,
  serverlessChecks,
  microservicesChecks,
  hadoopChecks,
  s3TriggerChecks,
  WEB_SERVER_CHECKS,
  BEANSTALK_CHECKS,
  MYTHICAL_MYSFITS_CHECKS,
];

/** The checks for a lab id (the `course-labs:lab` tag), if it has any. */
export function checksFor(lab: string): LabChecks | undefined {
  return LAB_CHECKS.find((c) => c.lab === lab);
}
