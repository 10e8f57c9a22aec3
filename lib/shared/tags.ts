/**
 * The tags that mark everything a lab creates. The `labs` command line and cost reports find a lab's
 * resources by these keys, so they are part of the project's interface: change them only with a migration.
 */

/** Every tag key starts with this prefix, so one tag filter finds all of the project's resources. */
export const TAG_PREFIX = 'course-labs:';

export const TAG_KEYS = {
  /** Always `course-labs`: this resource belongs to the course labs. */
  project: `${TAG_PREFIX}project`,
  /** The lab's id, e.g. `static-site`. */
  lab: `${TAG_PREFIX}lab`,
  /** The CloudFormation stack that owns the resource, e.g. `StaticSiteLabStack-alice`. */
  stack: `${TAG_PREFIX}stack`,
} as const;

export const PROJECT_TAG_VALUE = 'course-labs';

/**
 * Tags that `labs pause` sets on what it stopped, so that `labs resume` restores exactly what was running.
 * LabStack never sets them; they are named here so every tag the project uses is in one module.
 */
export const PAUSE_TAG_KEYS = {
  /** On an EC2 instance that `labs pause` stopped: `running`, its state before the pause. */
  instance: `${TAG_PREFIX}paused`,
  /** On an ECS service that `labs pause` scaled to 0: its desired task count before, e.g. `2`. */
  serviceDesiredCount: `${TAG_PREFIX}paused-desired-count`,
  /** On an Auto Scaling group that `labs pause` scaled to 0: its capacity before, e.g. `min=1,max=3,desired=2`. */
  groupCapacity: `${TAG_PREFIX}paused-capacity`,
} as const;
