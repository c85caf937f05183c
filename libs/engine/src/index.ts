export * from './assignments-codec';
export * from './plugin-registry';
export * from './run-segmentation';
