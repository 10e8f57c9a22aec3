/**
 * Every lab's checks for `labs check`, one module per lab beside this file. A lab added to the app adds its
 * module here, as part of that lab. See `./types.ts` for the contract.
 */
import { BEANSTALK_CHECKS } from './beanstalk';
import { s3TriggerChecks } from './s3-trigger';
import { LabChecks } from './types';
import { WEB_SERVER_CHECKS } from './web-server';

export const LAB_CHECKS: readonly LabChecks[] = [s3TriggerChecks, WEB_SERVER_CHECKS, BEANSTALK_CHECKS];

/** The checks for a lab id (the `course-labs:lab` tag), if it has any. */
export function checksFor(lab: string): LabChecks | undefined {
  return LAB_CHECKS.find((c) => c.lab === lab);
}
