module.exports = { ...require('../../jest.preset.js'), displayName: 'kpi-standard', rootDir: __dirname };
