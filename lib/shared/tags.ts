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
