import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Agency } from '@antq/sdk';
import type { Caller } from '../identity/caller.js';

/** Who a subgraph belongs to: an agency, or the graph itself for the change stream. */
export type SubgraphOwner = Agency | 'stream';

/** What every resolver of an ANTQ subgraph finds in its context. */
export interface SubgraphContextBase {
  /** The agency that owns this subgraph ('stream' for the graph's change stream). */
  readonly agency: SubgraphOwner;
  /** The caller the gateway forwarded; undefined for anonymous callers and the gateway's own calls. */
  readonly caller: Caller | undefined;
  /** The request's logger (carries the request id). */
  readonly log: FastifyBaseLogger;
  /** `extensions.idempotencyKey` of the request, which the gateway forwards from `Idempotency-Key`. */
  readonly idempotencyKey?: string | undefined;
}

/** The base context plus what the agency's `context` hook adds. */
export type SubgraphContext<TExtra extends object = Record<never, never>> = SubgraphContextBase & TExtra;

/** What the agency's per-request `context` hook receives. */
export interface ContextInput {
  /** The verified caller (undefined when the gateway forwarded none). */
  readonly caller: Caller | undefined;
  /** The HTTP request, or the websocket upgrade request of a subscription. */
  readonly request: FastifyRequest;
}
