/**
 * Two jest projects over test/ (which mirrors the source folders):
 * - `unit`: `*.test.ts`, pure logic, no ZooKeeper, no broker processes;
 * - `integration`: `*.it.test.ts`, against a real ZooKeeper ensemble and real processes. Its
 *   global setup starts one ensemble for the whole run (or uses SAMSA_ZK_CONNECT) and every suite
 *   takes its own chroot from it (test/harness). Jest runs a project's global setup only when at
 *   least one of its tests is selected.
 * TypeScript is transpiled only (isolatedModules); `npm test` type-checks the tree with tsc first.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] };

module.exports = {
  maxWorkers: 2,
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.it\\.test\\.ts$'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.it.test.ts'],
      transform,
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
    },
  ],
};
