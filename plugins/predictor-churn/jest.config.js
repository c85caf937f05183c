module.exports = { ...require('../../jest.preset.js'), displayName: 'predictor-churn', rootDir: __dirname };
