/** Giới hạn truy vấn — the limits every operation must stay within. */
export interface OperationLimits {
  /** Deepest selection nesting. */
  readonly maxDepth: number;
  /** Aliases in one operation (alias bombs). */
  readonly maxAliases: number;
  /** Lexical tokens of the document (huge documents). */
  readonly maxTokens: number;
  /** Estimated cost of the operation. */
  readonly maxCost: number;
  /** Directives in one operation. */
  readonly maxDirectives: number;
  /** Request body, in bytes. */
  readonly maxBodyBytes: number;
  /** How long one subgraph call may take, in milliseconds. */
  readonly upstreamTimeoutMs: number;
  /** Operations (subscriptions, mostly) one websocket may have running at once: each is followed upstream and run per event. */
  readonly maxOperationsPerConnection: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 4_000,
  maxCost: 20_000,
  maxDirectives: 20,
  maxBodyBytes: 256 * 1024,
  upstreamTimeoutMs: 10_000,
  maxOperationsPerConnection: 100,
};
