// Most suites start an embedded workbench (SQLite, in-process queue, real plugins) or talk to PostgreSQL
// and Redis: seconds each on a busy 2-core machine, so Jest's 5 s default is too tight to mean anything.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'services',
  rootDir: __dirname,
  testTimeout: 60_000,
};
