export * from './queue-conformance';
export * from './redis';
