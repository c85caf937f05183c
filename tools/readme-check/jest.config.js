module.exports = { ...require('../../jest.preset.js'), displayName: 'readme-check', rootDir: __dirname };
