#!/usr/bin/env node
/**
 * The CDK app's entry point (`cdk.json` runs it with tsx). Settings problems and failed synthesis checks
 * are the user's to fix, so they are printed as plain messages with a non-zero exit, not as stack traces.
 */
import { ConfigError } from '../lib/config';
import { createLabsApp } from '../lib/app';

try {
  createLabsApp().app.synth();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`course-labs: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
