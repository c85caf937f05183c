export * from './conformance';
export * from './run-context';
