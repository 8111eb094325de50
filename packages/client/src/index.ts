/**
 * @antq/client — a typed client of the ANTQ Graph gateway, for programs, partner systems and the
 * dashboard (browser-safe): operations typed from the supergraph's API schema (gql.tada), HTTP,
 * subscriptions over graphql-ws and SSE, resumable change following, webhook verification.
 */
export { graphql } from './graphql.js';
export type { ResultOf, VariablesOf, FragmentOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
export {
  AntqClientError,
  ClientErrorCode,
  createAntqClient,
  type AntqClient,
  type AntqClientOptions,
  type ClientGraphQLError,
  type ClientResult,
  type RequestOptions,
  type SubscribeOptions,
  type TokenSource,
} from './client.js';
export { ChangeFollowError, followChanges, memoryCursorStore, type ChangeEvent, type ChangeFollower, type CursorStore, type FollowChangesOptions } from './follow-changes.js';
export { verifyWebhook, type WebhookHeaders } from './verify-webhook.js';
