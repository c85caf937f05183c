module.exports = { ...require('../../jest.preset.js'), displayName: 'segmenter-rules', rootDir: __dirname };
