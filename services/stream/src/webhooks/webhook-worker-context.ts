import type { Agency } from '@antq/sdk';
import type { AreaScopes, GrantInForce } from '@antq/subgraph-kit';
import type { ChangeHub } from '../change-hub.js';
import type { DeliveryConnections } from './webhook-destinations.js';
import type { WebhookStore } from './webhook-store.js';

/** What every webhook worker of one dispatcher shares: the store, the hub and the dispatcher's settings. */
export interface WebhookWorkerContext {
  readonly store: WebhookStore;
  readonly hub: ChangeHub;
  readonly scopes: AreaScopes;
  readonly grantsFor: (agency: Agency) => Promise<readonly GrantInForce[]>;
  /** This instance's name in `lease_owner`. */
  readonly leaseOwner: string;
  readonly leaseTtlMs: number;
  readonly leaseRenewMs: number;
  readonly leaseRetryMs: number;
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** The deliveries' connections, only where the destination policy allows. */
  readonly connections: DeliveryConnections;
  /** The wait before retry number `attempt` (1 for the first retry). */
  backoff(attempt: number): number;
  /** The longest wait between two attempts. */
  readonly backoffMaxMs: number;
  /** Reports a failure; a reporter's own failure is swallowed. */
  report(webhookId: string, error: unknown): void;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
