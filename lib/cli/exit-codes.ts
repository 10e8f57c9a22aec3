/**
 * The `labs` command's exit statuses. The README's table lists them; scripts may rely on them, so change
 * one only with the README.
 */
export const EXIT = {
  /** Done, or a dry run printed its plan. */
  ok: 0,
  /**
   * Bad usage: an unknown command or option, a bad argument value (commander exits 1 too); also an unexpected
   * error (a bug), printed as one line (`--debug` shows its stack trace).
   */
  usage: 1,
  /** AWS is not set up: no credentials, expired credentials, no region, or the endpoint cannot be reached. */
  awsSetup: 2,
  /** AWS refused: access denied for the operation named in the message. */
  accessDenied: 3,
  /** No such lab: the stack does not exist, is not a course lab, or lacks what the command needs. */
  notFound: 4,
  /** Not done: a stack failed to delete, a resource could not be deleted, paused or resumed, the lab cannot pause, or the Hadoop lab's step completed with no rows. */
  incomplete: 5,
  /** `labs review --fail-on-destroy`: the change destroys or replaces a resource. */
  destructiveChange: 6,
  /** A check failed: `labs check` or `labs trial` found the lab broken (each FAIL line says what to do). */
  checksFailed: 7,
} as const;
