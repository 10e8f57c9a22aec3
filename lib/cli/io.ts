/**
 * Where the `labs` commands write: results and plans to stdout, progress and notes to stderr. One object, so
 * tests can capture what a command printed.
 */
export const io = {
  out: (line: string): void => {
    process.stdout.write(`${line}\n`);
  },
  err: (line: string): void => {
    process.stderr.write(`${line}\n`);
  },
  /** Whether progress bars can be drawn (stderr is a terminal). */
  interactive: (): boolean => process.stderr.isTTY === true,
};
