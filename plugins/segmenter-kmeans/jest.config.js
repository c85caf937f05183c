module.exports = { ...require('../../jest.preset.js'), displayName: 'segmenter-kmeans', rootDir: __dirname };
