#!/usr/bin/env node
/** The `labs` command line: see, extend, pause, tear down, cost and review the course labs. See `lib/cli/main.ts`. */
import { run } from '../lib/cli/main';

run(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
