#!/usr/bin/env node
/** The `labs` command line: see, extend, pause, tear down, cost and review the course labs. See `lib/cli/main.ts`. */
import { run } from '../lib/cli/main';

// A reader that stops early (`labs status | head`) closes the pipe: the next write fails with EPIPE. That is
// not the command's error, so it stops quietly with the status it has, as command-line tools do on SIGPIPE,
// instead of printing Node's stack trace for an unhandled 'error' event.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

run(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
