export * from './assignments-codec';
export * from './plugin-registry';
export * from './run-kpis';
export * from './run-segmentation';
export * from './sandbox';
export * from './score-frame';
export * from './train-and-evaluate';
