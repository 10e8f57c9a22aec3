#!/usr/bin/env node
/** The CDK app's entry point; `cdk.json` runs it with `node --import tsx`. See `lib/main.ts`. */
import { main } from '../lib/main';

process.exitCode = main();
