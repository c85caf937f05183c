export * from './assignments-codec';
export * from './plugin-registry';
export * from './run-kpis';
export * from './run-segmentation';
