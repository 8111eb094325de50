export { createStreamSubgraph, type StreamSubgraph, type StreamSubgraphOptions } from './stream-subgraph.js';
export { createLocalBus, type ChangeBus } from './change-hub.js';
export { createNatsBus, type NatsBus, type NatsBusOptions } from './nats-bus.js';
export { decodeStreamCursor as decodeCursor, encodeStreamCursor as encodeCursor, type StreamPosition } from '@antq/sdk';
export {
  generateWebhookSecret,
  signWebhook,
  signWebhookBody,
  STANDARD_WEBHOOK_HEADERS,
  toStandardSecret,
  verifyLegacyWebhookSignature,
  verifyWebhookSignature,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  webhookMessageId,
  type SignWebhookOptions,
} from './webhooks/signature.js';
export type { WebhookPayload } from './webhooks/webhook-delivery.js';
export { ALLOWED_NETWORKS_ENV, parseAllowedNetworks, type WebhookDestinationOptions } from './webhooks/webhook-destinations.js';
