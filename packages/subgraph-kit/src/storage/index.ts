export { createStorage, openPgliteStorage, storageFromEnv, StorageConfigError, type SqlExecutor, type StatementOptions, type Storage, type StorageOptions } from './storage.js';
export { runMigrations, type Migration } from './migrations.js';
