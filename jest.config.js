/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is `tsc --noEmit` in `npm test`; here each file is only transpiled, which keeps jest fast.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Removes the temporary cloud assemblies each test's App writes.
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
