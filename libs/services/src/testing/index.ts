export * from './test-plugins';
export * from './free-port';
