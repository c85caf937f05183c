module.exports = { ...require('../../jest.preset.js'), displayName: 'retrain', rootDir: __dirname };
