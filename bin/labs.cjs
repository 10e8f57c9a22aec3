#!/usr/bin/env node
// `npx labs ...` in a checkout runs this: it loads the TypeScript entry point through tsx, as cdk.json does for the app.
require('tsx/cjs');
require('./labs.ts');
