#!/usr/bin/env node
/** The CDK app's entry point; `cdk.json` runs it through `bin/cdk-app.cjs`, which bundles it. See `lib/main.ts`. */
import { main } from '../lib/main';

process.exitCode = main();
