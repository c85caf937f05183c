module.exports = { ...require('../../jest.preset.js'), displayName: 'builtin-plugins', rootDir: __dirname };
