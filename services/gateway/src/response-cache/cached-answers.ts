import type { Caller } from '@antq/sdk';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { StreamChange } from '@antq/subgraph-kit';
import type { AuditEntryInput, AuditLog } from '../audit/audit-log.js';
import { tagsOfChange } from './read-tags.js';

export interface CachedAnswer {
  readonly body: string;
  readonly contentType: string;
  /** Agencies whose data the answer holds. */
  readonly owners: readonly string[];
  /** Their generations when the operation started. */
  readonly stamp: string;
  /** What it read of them, as tags (see `read-tags.ts`): a change that touches one drops the answer. */
  readonly tags: readonly string[];
  /** The audit entry of a read of other agencies' data, less who read it. */
  readonly audit: Omit<AuditEntryInput, 'actor' | 'agency' | 'organisation'> | undefined;
}

/**
 * The answers kept: least recently used go first, by count and by bytes; none outlives
 * `maxAgeMs`. Indexed by their tags, so that a change drops exactly the answers it touches.
 */
export function createAnswerStore(options: { maxEntries: number; maxBytes: number; maxAgeMs: number }) {
  const byTag = new Map<string, Set<string>>();
  const answers = new LRUCache<string, CachedAnswer>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    // An answer larger than a sixteenth of the store would push out too many others.
    maxEntrySize: options.maxBytes / 16,
    sizeCalculation: (answer) => Math.max(1, answer.body.length),
    ttl: options.maxAgeMs,
    dispose: (answer, key) => {
      for (const tag of answer.tags) {
        const keys = byTag.get(tag);
        keys?.delete(key);
        if (keys?.size === 0) byTag.delete(tag);
      }
    },
  });
  const drop = (keys: Set<string> | undefined) => {
    for (const key of [...(keys ?? [])]) answers.delete(key);
  };
  return {
    get: (key: string) => answers.get(key),
    has: (key: string) => answers.has(key),
    delete: (key: string) => answers.delete(key),
    set(key: string, answer: CachedAnswer) {
      answers.set(key, answer);
      if (!answers.has(key)) return;
      for (const tag of answer.tags) {
        let keys = byTag.get(tag);
        if (!keys) byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    },
    /** Drops every answer the change touches (see `read-tags.ts`). */
    dropTouched(change: StreamChange) {
      const { tags, areaWide } = tagsOfChange(change);
      for (const tag of tags) drop(byTag.get(tag));
      if (areaWide !== undefined) for (const [tag, keys] of [...byTag]) if (tag.startsWith(areaWide)) drop(keys);
    },
    get size() {
      return answers.size;
    },
  };
}

/** Tokens this gateway verified itself, each taken as verified again until its expiry or `verifiedTokenMs`. */
export function createVerifiedTokens(options: { maxEntries: number; verifiedTokenMs: number }) {
  const verified = new LRUCache<string, Caller>({ max: options.maxEntries, ttl: options.verifiedTokenMs });
  return {
    remember(token: string, caller: Caller) {
      const untilExpiry = caller.expiresAt === undefined ? Number.POSITIVE_INFINITY : caller.expiresAt * 1000 - Date.now();
      const ttl = Math.min(untilExpiry, options.verifiedTokenMs);
      if (ttl <= 0) verified.delete(token);
      else verified.set(token, caller, { ttl });
    },
    /** The caller of a token (undefined for no token); false when the token is not known as verified. */
    callerOf(token: string | null): Caller | undefined | false {
      if (token === null) return undefined;
      return verified.get(token) ?? false;
    },
  };
}

/** The bearer token of a request: null when there is none, undefined when the header is not one token. */
export function bearerToken(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header.trim());
  return match ? match[1] : undefined;
}

/**
 * Cache keys group callers whose answers are the same: no caller, or an agency and a clearance
 * — of the caller as the SDK's parser reads it, as the access rules and the subgraphs do.
 */
export function callerClass(caller: Caller | undefined): string {
  return caller ? `${caller.agency}|${caller.clearance}` : 'anonymous';
}

/** The key of a request (its JSON body's text given), when its kind of caller is known; undefined when it is not for the cache. */
export function cacheKey(request: FastifyRequest, body: string | undefined, caller: Caller | undefined): string | undefined {
  const accept = request.headers.accept ?? '';
  // Streams, batches and multipart answers are not single JSON documents to keep.
  if (body === undefined || body.startsWith('[') || /event-stream|multipart/.test(accept)) return undefined;
  return `${callerClass(caller)}\n${request.url}\n${accept}\n${body}`;
}

/** A hit is audited as the read it repeats, under the caller it now serves. */
export function auditHit(log: AuditLog, audit: NonNullable<CachedAnswer['audit']>, caller: Caller | undefined): void {
  const entry: AuditEntryInput = { ...audit, actor: caller?.subject ?? 'anonymous', agency: caller?.agency ?? null, organisation: caller?.organisation ?? null };
  log.append(entry).catch((error: unknown) => console.error('audit: an entry could not be written', error));
}
