import { decodeStreamCursor, type Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { createStorage, type AreaScopes, type Storage, type StorageOptions } from '@antq/subgraph-kit';
import type { ChangeHub, OutboxRewind } from '../change-hub.js';
import type { GrantInForce } from '@antq/subgraph-kit';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookLeaseOptions } from './webhook-delivery.js';
import { createWebhookDestinations, type WebhookDestinationOptions } from './webhook-destinations.js';
import { createWebhookResolvers } from './webhook-resolvers.js';
import { createWebhookStore, type WebhookStore } from './webhook-store.js';
import { removeWebhook } from './webhook-worker.js';

export {
  createWebhookDispatcher,
  toWebhookPayload,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
  type WebhookLeaseOptions,
  type WebhookPayload,
} from './webhook-delivery.js';
export { ALLOWED_NETWORKS_ENV, createWebhookDestinations, parseAllowedNetworks, type WebhookDestinationOptions, type WebhookDestinations } from './webhook-destinations.js';
export { createWebhookResolvers, toWebhookObject } from './webhook-resolvers.js';
export { createWebhookStore, webhookMigrations, WebhookLeaseLostError, type DeliveryRecord, type WebhookRecord, type WebhookStore } from './webhook-store.js';
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
} from './signature.js';

export interface WebhookServiceOptions {
  /** The webhooks' own store (a Storage is used as given and not closed here); default PGlite in memory. */
  readonly storage?: Storage | StorageOptions;
  readonly hub: ChangeHub;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
  readonly grantsFor: (agency: Agency) => Promise<readonly GrantInForce[]>;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly timeoutMs?: number;
  readonly onError?: (webhookId: string, error: unknown) => void;
  /** Several stream instances on one store: each webhook is delivered by the holder of its lease. */
  readonly lease?: WebhookLeaseOptions;
  /** Internal networks webhooks may deliver to (default none: public addresses only). */
  readonly destinations?: WebhookDestinationOptions;
  /** Active webhooks an agency may hold at once (default 100). */
  readonly maxActivePerAgency?: number;
  /** Active webhooks one caller who is not an admin may register (default 10). */
  readonly maxActivePerCaller?: number;
  /** How many days the delivery log keeps an attempt (default 90). */
  readonly deliveryLogDays?: number;
}

export interface WebhookService {
  readonly store: WebhookStore;
  readonly dispatcher: WebhookDispatcher;
  readonly resolvers: ReturnType<typeof createWebhookResolvers>;
  /**
   * An agency's outbox went back (`ChangeHubOptions.onRewound`): a webhook taking that agency's
   * changes whose cursor is past the cut may have delivered undone changes, and its cursor names
   * changes numbered again. It is removed, with a last entry in its log saying why and what to do.
   */
  removePastRewind(rewind: OutboxRewind): Promise<void>;
  /** Stops every worker, then closes the store if it was opened here. */
  close(): Promise<void>;
}

const isStorage = (value: Storage | StorageOptions): value is Storage => typeof (value as Storage).transaction === 'function';

/** Opens the webhooks' store, migrates it, and starts a delivery worker for every active webhook. */
export async function startWebhooks(options: WebhookServiceOptions): Promise<WebhookService> {
  const given = options.storage;
  const storage = given && isStorage(given) ? given : await createStorage(given ?? { kind: 'pglite' });
  const owned = storage !== given;
  try {
    const store = createWebhookStore(storage);
    await store.migrate();
    const destinations = createWebhookDestinations(options.destinations);
    const dispatcher = createWebhookDispatcher({
      destinations,
      store,
      hub: options.hub,
      scopes: options.scopes,
      grantsFor: options.grantsFor,
      ...(options.backoffBaseMs === undefined ? {} : { backoffBaseMs: options.backoffBaseMs }),
      ...(options.backoffMaxMs === undefined ? {} : { backoffMaxMs: options.backoffMaxMs }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.lease === undefined ? {} : { lease: options.lease }),
      ...(options.deliveryLogDays === undefined ? {} : { deliveryLogDays: options.deliveryLogDays }),
    });
    await dispatcher.start();
    const resolvers = createWebhookResolvers({
      store,
      hub: options.hub,
      registry: options.registry,
      dispatcher,
      destinations,
      maxActivePerAgency: options.maxActivePerAgency ?? 100,
      maxActivePerCaller: options.maxActivePerCaller ?? 10,
    });
    return {
      store,
      dispatcher,
      resolvers,
      async removePastRewind({ agency, kept }) {
        for (const webhook of await store.listActive()) {
          const through = decodeStreamCursor(webhook.deliveredThrough)[agency] ?? 0;
          if (through <= kept) continue;
          // One that takes none of the agency's changes delivered none that were undone.
          if (webhook.filter.agencies && !webhook.filter.agencies.includes(agency)) continue;
          await removeWebhook(
            store,
            webhook,
            `the ${agency}'s changes after ${kept} were undone (its store was restored from a backup), and this webhook had delivered them up to ${through}`,
          );
          // Its worker stops now; the hub waits for this before going on, so not for its request in flight too.
          void dispatcher.remove(webhook.id).catch((error: unknown) => options.onError?.(webhook.id, error));
        }
      },
      async close() {
        await dispatcher.close();
        if (owned) await storage.close();
      },
    };
  } catch (error) {
    if (owned) await storage.close().catch(() => undefined);
    throw error;
  }
}
