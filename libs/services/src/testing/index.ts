export * from './test-plugins';
export * from './free-port';
export * from './run-rows';
