export * from './adjusted-rand-index';
export * from './kpi-conformance';
export * from './model-conformance';
export * from './fixtures';
export * from './gaussian-blobs';
export * from './run-context';
