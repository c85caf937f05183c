export * from './api-keys.service';
export * from './config';
export * from './datasets.service';
export * from './errors';
export * from './runs.service';
export * from './segmentations.service';
export * from './workbench';
