/**
 * The integration suite: the `labs` command, and the S3 trigger lab's function and checks, against moto_server
 * (test/integration). Not part of `npm test`;
 * run it with `npm run test:moto`, which installs moto when it is missing.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.moto.test.ts'],
  // The same transformer as npm test's (jest.config.js): esbuild, transpile only.
  transform: { '^.+\\.ts$': '<rootDir>/test/helpers/esbuild-jest.cjs' },
  // One moto_server per test file; files run one after another (2 cores).
  maxWorkers: 1,
};
