/**
 * A failure the user can fix (a bad argument, missing credentials, an unknown stack): printed as one line
 * prefixed with `labs:`, never as a stack trace, and the process exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** The process exit status; see the README's table of exit codes. */
    public readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
