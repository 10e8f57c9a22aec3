const os = require('os');

/** @type {import('jest').Config} */
module.exports = {
  // Jest's default, one worker fewer than cores, is a single process on the 2-core machines this project
  // runs on, so the template-validation file's seconds of single-threaded engine start waited for every
  // other file. Two workers overlap them (`npx jest --maxWorkers=1` then `=2`, four labs: 47-51 s against
  // 30-33 s of jest time on a quiet machine, 60-62 s against 56-57 s with other work running on it).
  maxWorkers: Math.max(2, (os.availableParallelism?.() ?? os.cpus().length) - 1),
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The labs command's integration suite needs moto_server: `npm run test:moto` (jest.moto.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
  // Type checking is `tsc --noEmit` in `npm test`; tests only need each file transpiled (tsconfig's
  // isolatedModules), which esbuild does in native code: see the file for why not ts-jest.
  transform: { '^.+\\.ts$': '<rootDir>/test/helpers/esbuild-jest.cjs' },
  // Turns aws-cdk-lib's template validation off in every test file but the one that runs it (see the file).
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
  // Removes the temporary cloud assemblies each test's App writes.
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
