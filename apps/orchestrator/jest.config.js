// Integration and end-to-end suites: real Redis, PostgreSQL and child processes on a busy 2-core machine.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'orchestrator',
  rootDir: __dirname,
  testTimeout: 120_000,
};
