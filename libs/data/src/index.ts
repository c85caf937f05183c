export * from './csv';
export * from './customers';
export * from './frame-codec';
export * from './ingest-errors';
export * from './stats';
