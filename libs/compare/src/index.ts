export * from './agreement-indices';
export * from './compare-assignments';
export * from './contingency-table';
export * from './errors';
export * from './kpi-delta';
export * from './linear-sum-assignment';
export * from './match-customers';
export * from './match-segments';
export { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './special-functions';
