// End-to-end: a real Chromium drives the built app against a real orchestrator on a temporary embedded home.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 300_000,
};
