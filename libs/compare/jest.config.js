module.exports = { ...require('../../jest.preset.js'), displayName: 'compare', rootDir: __dirname };
