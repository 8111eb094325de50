export { appendChange, latestSeq, outboxMigrations, readChanges, type Change, type ChangeKind, type StoredChange } from './change-outbox.js';
