export { accessGrantMigrations, createAccessGrantStore, isActiveGrant, type AccessGrant, type AccessGrantStore } from './access-grants.js';
export { createAccessGrantResolvers } from './access-resolvers.js';
export { enforceFieldClassification, type ClassifiedContext } from './field-classification.js';
export { mayReadChange } from './change-access.js';
