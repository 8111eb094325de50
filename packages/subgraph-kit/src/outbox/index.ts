export { appendChange, CHANGE_KINDS, latestSeq, outboxMigrations, readChanges, type Change, type ChangeKind, type StoredChange } from './change-outbox.js';
export { changeCursor, createChangeSubscriptionResolvers, type ChangeEvent, type ChangeSubscriptionOptions } from './change-subscription.js';
export { createAgencyFeed, firstChangedSeq, isSameChange, readOutboxHeads, type AgencyFeed, type ChangeBatch, type StreamChange } from './agency-feed.js';
export { createChangeSignal, OUTBOX_CHANNEL, waitForChange, type ChangeSignal } from './change-signal.js';
