export * from './test-plugins';
