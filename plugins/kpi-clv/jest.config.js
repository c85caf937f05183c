module.exports = { ...require('../../jest.preset.js'), displayName: 'kpi-clv', rootDir: __dirname };
