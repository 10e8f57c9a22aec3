/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The labs command's integration suite needs moto_server: `npm run test:moto` (jest.moto.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
  // Type checking is `tsc --noEmit` in `npm test`; tsconfig's isolatedModules makes ts-jest only transpile.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Turns aws-cdk-lib's template validation off in every test file but the one that runs it (see the file).
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
  // Removes the temporary cloud assemblies each test's App writes.
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
