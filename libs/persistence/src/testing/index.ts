export { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from './test-database';
export { PostgresServer } from './postgres-server';
