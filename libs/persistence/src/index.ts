export * from './entities';
export {
  buildOrmConfig,
  createOrm,
  databaseKind,
  DEFAULT_SQLITE_PATH,
  isPostgresUrl,
  migrateUp,
  waitForMigrations,
  type CreateOrmOptions,
  type DatabaseKind,
  type SqlEntityManager,
} from './orm';
export {
  artifactKeyOf,
  LocalArtifactStore,
  type ArtifactReader,
  type ArtifactStore,
  type LocalArtifactStoreOptions,
  type StoredArtifact,
} from './artifacts/artifact-store';
export { referencedArtifactKeys } from './artifacts/artifact-references';
export { customerIdOrder, writeAssignmentRows } from './sql/assignment-rows';
export { allocateRunVersion } from './sql/run-versions';
