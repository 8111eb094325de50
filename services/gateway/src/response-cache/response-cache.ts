import type { Caller } from '@antq/sdk';
import type { StreamChange } from '@antq/subgraph-kit';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { AuditEntryInput, AuditLog } from '../audit/audit-log.js';
import type { OperationAnalyser } from '../operation-analysis.js';
import { useResponseCache, type CacheRequestState } from '../plugins/use-response-cache.js';
import { auditHit, bearerToken, cacheKey, createAnswerStore, createVerifiedTokens, type CachedAnswer } from './cached-answers.js';
import type { ChangeWatch } from './change-watch.js';
import { tagsOfReads, touchesAny, type AnswerReads } from './read-tags.js';

export interface ResponseCacheOptions {
  /** Most answers kept (default 10,000); the least recently used go first. */
  readonly maxEntries?: number;
  /** Most bytes of answers kept (default 64 MiB). */
  readonly maxBytes?: number;
  /** Longest an answer is kept even when no change invalidates it (default 5 minutes). */
  readonly maxAgeMs?: number;
  /** How long a token the gateway verified is taken as verified again (default 60 s, never past its `exp`). */
  readonly verifiedTokenMs?: number;
}

/**
 * Bộ đệm câu trả lời — answers of queries kept at the gateway and served again, for the same
 * operation text, variables and kind of caller, until a change that falls inside what they read
 * is heard of (each subgraph says what a request read, by kind of record and area; the change
 * watch names each change's kind and area), or anything of their agencies may have changed
 * unheard (a feed lost, a write through this gateway not heard yet).
 *
 * Only what does not depend on more than the caller's agency and clearance is kept: queries
 * without errors that read no restricted field (those depend on grants) and nothing of the
 * change stream's own subgraph. A hit is served before the GraphQL pipeline runs, so it costs
 * no parsing, planning or subgraph call — but it is audited like the answer it repeats, and
 * only for a token this gateway verified itself (never past its expiry).
 */
export function createResponseCache(
  options: ResponseCacheOptions & { analyse: OperationAnalyser; watch: ChangeWatch; agencyUrls: Partial<Record<string, string>>; audit?: AuditLog; metrics?: Registry },
) {
  const maxEntries = options.maxEntries ?? 10_000;
  const answers = createAnswerStore({ maxEntries, maxBytes: options.maxBytes ?? 64 * 1024 * 1024, maxAgeMs: options.maxAgeMs ?? 5 * 60_000 });
  // Ends with the watch (its close drops its listeners).
  options.watch.onChange((_agency, _kinds, changes) => changes?.forEach(answers.dropTouched));
  const verified = createVerifiedTokens({ maxEntries, verifiedTokenMs: options.verifiedTokenMs ?? 60_000 });
  const rawBodies = new WeakMap<FastifyRequest, string>();
  const states = new WeakMap<object, CacheRequestState>();
  const requests = options.metrics ? cacheRequestCounter(options.metrics) : undefined;

  const keyOf = (request: FastifyRequest, caller: Caller | undefined) => cacheKey(request, rawBodies.get(request), caller);

  /** A live answer for the request and this caller, counted and audited as a read; undefined for none. */
  const answerFor = (request: FastifyRequest, caller: Caller | undefined): CachedAnswer | undefined => {
    const key = keyOf(request, caller);
    const answer = key === undefined ? undefined : answers.get(key);
    if (!answer || key === undefined) return undefined;
    if (options.watch.stamp(answer.owners) !== answer.stamp) {
      answers.delete(key);
      return undefined;
    }
    if (answer.audit && options.audit) auditHit(options.audit, answer.audit, caller);
    requests?.inc({ result: 'hit' });
    return answer;
  };

  /** Keeps a kept-able answer the pipeline produced; returns its text when it read the body. */
  const store = async (request: FastifyRequest, response: Response, state: CacheRequestState): Promise<string | undefined> => {
    const token = bearerToken(request);
    // A token the pipeline did not turn into a caller is nobody's answer to keep.
    if (token === undefined || (token !== null && !state.caller)) return undefined;
    if (token !== null && state.caller) verified.remember(token, state.caller);
    const key = keyOf(request, token === null ? undefined : state.caller);
    const body = await response.text();
    if (key === undefined || !state.reads) return body;
    const tags = tagsToKeep(state.reads, options.watch.changesSince(state.changesAtStart ?? 0));
    if (!tags) return body;
    answers.set(key, cachedAnswer(state, { body, contentType: response.headers.get('content-type') ?? '', tags }));
    if (answers.has(key)) requests?.inc({ result: 'stored' });
    return body;
  };

  return {
    /** Keeps each JSON body's text, for the cache key (the body is parsed as Fastify would). */
    keepRawBody(request: FastifyRequest, body: string) {
      rawBodies.set(request, body);
    },

    /**
     * Serves the request from the cache when it can, auditing it as the answer's first read was.
     * Returns undefined when the request must go through the pipeline (which `track` then follows).
     */
    serve(request: FastifyRequest): CachedAnswer | undefined {
      if (request.method !== 'POST') return undefined;
      const token = bearerToken(request);
      if (token === undefined) return undefined;
      const caller = verified.callerOf(token);
      return caller === false ? undefined : answerFor(request, caller);
    },

    /** Starts following a request through the pipeline. */
    track(request: FastifyRequest) {
      states.set(request, { operations: 0 });
    },

    /** After the pipeline: keeps the answer when it may be kept. Returns its text when it read the body. */
    async keep(request: FastifyRequest, response: Response): Promise<string | undefined> {
      const state = states.get(request);
      if (state?.servedFromCache) return undefined;
      const contentType = response.headers.get('content-type') ?? '';
      const keepable = state?.cacheable === true && state.operations === 1 && !state.failed && state.stamp !== undefined && response.status === 200 && contentType.includes('json');
      if (!state || !keepable) {
        requests?.inc({ result: 'passed' });
        return undefined;
      }
      return store(request, response, state);
    },

    /** The audit plugin's entry of a read, kept with the answer. */
    recordAudit(context: unknown, entry: AuditEntryInput) {
      const state = states.get((context as { req?: object } | undefined)?.req ?? {});
      if (state) state.audit = entry;
    },

    /** The runtime's half: what each operation reads, its generations at the start, and how it ended. */
    plugin(): GatewayPlugin {
      return useResponseCache({
        states,
        analyse: options.analyse,
        watch: options.watch,
        answerFor,
        rememberVerified: verified.remember,
        agencyUrls: options.agencyUrls,
      });
    },
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;

/** The answer kept: its audit entry less who read it (a hit is audited under its own caller). */
function cachedAnswer(state: CacheRequestState, answer: Pick<CachedAnswer, 'body' | 'contentType' | 'tags'>): CachedAnswer {
  const { actor: _actor, agency: _agency, organisation: _organisation, ...audit } = state.audit ?? ({} as AuditEntryInput);
  return { ...answer, owners: state.owners ?? [], stamp: state.stamp!, audit: state.audit ? audit : undefined };
}

/** An answer's tags, or undefined when a change heard since its operation began falls inside what it read (the answer may predate it). */
function tagsToKeep(reads: AnswerReads, heardSince: readonly StreamChange[] | undefined): string[] | undefined {
  const tags = tagsOfReads(reads);
  return heardSince === undefined || touchesAny(heardSince, new Set(tags)) ? undefined : tags;
}

function cacheRequestCounter(metrics: Registry) {
  return new Counter({
    name: 'antq_response_cache_requests',
    help: 'GraphQL requests by what the response cache did with them (hit, stored, passed).',
    labelNames: ['result'],
    registers: [metrics],
  });
}
