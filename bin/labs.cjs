#!/usr/bin/env node
'use strict';
// `npx labs ...` in a checkout runs this: the `labs` command (`bin/labs.ts`) as one JavaScript file that
// esbuild bundles from the TypeScript sources on demand and caches, exactly as cdk.json runs the app (see
// bin/cdk-app.cjs for why, and why the bundle is never stale).
const path = require('path');
const { runBundled } = require('./cdk-app.cjs');

const root = path.resolve(__dirname, '..');
runBundled({ root, entry: 'bin/labs.ts', cacheDir: path.join(root, 'node_modules', '.cache', 'course-labs') }).catch((err) => {
  process.exitCode = 1;
  console.error(err);
});
