import type { Caller } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { AuditEntryInput, AuditLog } from '../audit/audit-log.js';
import { graphOwnership } from '../audit/ownership.js';
import { createOperationAnalyser } from '../operation-analysis.js';
import { callerOfContext } from '../identity/caller-of-context.js';
import type { ChangeWatch } from './change-watch.js';

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

interface CachedAnswer {
  readonly body: string;
  readonly contentType: string;
  /** Agencies whose data the answer holds. */
  readonly owners: readonly string[];
  /** Their generations when the operation started. */
  readonly stamp: string;
  readonly expiresAt: number;
  /** The audit entry of a read of other agencies' data, less who read it. */
  readonly audit: Omit<AuditEntryInput, 'actor' | 'agency' | 'organisation'> | undefined;
}

/** What the plugin learns of one HTTP request while the runtime runs it. */
interface RequestState {
  operations: number;
  /** Answered from the cache once the pipeline had verified the token. */
  servedFromCache?: boolean;
  owners?: readonly string[];
  stamp?: string | undefined;
  cacheable?: boolean;
  failed?: boolean;
  caller?: Caller | undefined;
  audit?: AuditEntryInput;
}

/**
 * Cache keys group callers whose answers are the same: no caller, or an agency and a clearance
 * — of the caller as the SDK's parser reads it, as the access rules and the subgraphs do.
 */
function callerClass(caller: Caller | undefined): string {
  return caller ? `${caller.agency}|${caller.clearance}` : 'anonymous';
}

/**
 * Bộ đệm câu trả lời — answers of queries kept at the gateway and served again, for the same
 * operation text, variables and kind of caller, until a change in the data of an agency they
 * hold is heard of (the change watch) or a write goes through this gateway.
 *
 * Only what does not depend on more than the caller's agency and clearance is kept: queries
 * without errors that read no restricted field (those depend on grants) and nothing of the
 * change stream's own subgraph. A hit is served before the GraphQL pipeline runs, so it costs
 * no parsing, planning or subgraph call — but it is audited like the answer it repeats, and
 * only for a token this gateway verified itself (never past its expiry).
 */
export function createResponseCache(options: ResponseCacheOptions & { supergraphSdl: string; watch: ChangeWatch; audit?: AuditLog; metrics?: Registry }) {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const verifiedTokenMs = options.verifiedTokenMs ?? 60_000;
  const analyse = createOperationAnalyser(graphOwnership(options.supergraphSdl));
  const answers = new Map<string, CachedAnswer>();
  let bytes = 0;
  const verified = new Map<string, { caller: Caller; until: number }>();
  const rawBodies = new WeakMap<FastifyRequest, string>();
  const states = new WeakMap<object, RequestState>();
  const requests = options.metrics
    ? new Counter({ name: 'antq_response_cache_requests', help: 'GraphQL requests by what the response cache did with them (hit, stored, passed).', labelNames: ['result'], registers: [options.metrics] })
    : undefined;

  const forget = (key: string) => {
    const answer = answers.get(key);
    if (!answer) return;
    answers.delete(key);
    bytes -= answer.body.length;
  };

  const bearer = (request: FastifyRequest): string | null | undefined => {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header.trim());
    return match ? match[1] : undefined;
  };

  /** The key of a request, when its kind of caller is known; undefined when it is not for the cache. */
  const keyOf = (request: FastifyRequest, caller: Caller | undefined): string | undefined => {
    const body = rawBodies.get(request);
    const accept = request.headers.accept ?? '';
    // Streams, batches and multipart answers are not single JSON documents to keep.
    if (body === undefined || body.startsWith('[') || /event-stream|multipart/.test(accept)) return undefined;
    return `${callerClass(caller)}\n${request.url}\n${accept}\n${body}`;
  };

  const callerOfToken = (token: string | null): Caller | undefined | false => {
    if (token === null) return undefined;
    const known = verified.get(token);
    if (!known || known.until <= Date.now()) return false;
    return known.caller;
  };

  /** A live answer for the request and this caller, counted and audited as a read; undefined for none. */
  const answerFor = (request: FastifyRequest, caller: Caller | undefined): CachedAnswer | undefined => {
    const key = keyOf(request, caller);
    const answer = key === undefined ? undefined : answers.get(key);
    if (!answer || key === undefined) return undefined;
    if (answer.expiresAt <= Date.now() || options.watch.stamp(answer.owners) !== answer.stamp) {
      forget(key);
      return undefined;
    }
    // Most recently used last.
    answers.delete(key);
    answers.set(key, answer);
    if (answer.audit && options.audit) {
      const entry: AuditEntryInput = {
        ...answer.audit,
        actor: caller?.subject ?? 'anonymous',
        agency: caller?.agency ?? null,
        organisation: caller?.organisation ?? null,
      };
      options.audit.append(entry).catch((error: unknown) => console.error('audit: an entry could not be written', error));
    }
    requests?.inc({ result: 'hit' });
    return answer;
  };

  /** Remembers a token the pipeline verified and parsed, until its expiry or `verifiedTokenMs`. */
  const rememberVerified = (token: string, caller: Caller) => {
    const exp = caller.expiresAt === undefined ? Number.POSITIVE_INFINITY : caller.expiresAt * 1000;
    verified.delete(token);
    verified.set(token, { caller, until: Math.min(exp, Date.now() + verifiedTokenMs) });
    if (verified.size > maxEntries) verified.delete(verified.keys().next().value!);
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
      const token = bearer(request);
      if (token === undefined) return undefined;
      const caller = callerOfToken(token);
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
      const token = bearer(request);
      // A token the pipeline did not turn into a caller is nobody's answer to keep.
      if (token === undefined || (token !== null && !state.caller)) return undefined;
      if (token !== null && state.caller) rememberVerified(token, state.caller);
      const key = keyOf(request, token === null ? undefined : state.caller);
      const body = await response.text();
      if (key === undefined || body.length > maxBytes / 16) return body;
      forget(key);
      const { actor: _actor, agency: _agency, organisation: _organisation, ...audit } = state.audit ?? ({} as AuditEntryInput);
      answers.set(key, {
        body,
        contentType,
        owners: state.owners ?? [],
        stamp: state.stamp!,
        expiresAt: Date.now() + maxAgeMs,
        audit: state.audit ? audit : undefined,
      });
      bytes += body.length;
      while (answers.size > maxEntries || bytes > maxBytes) forget(answers.keys().next().value!);
      requests?.inc({ result: 'stored' });
      return body;
    },

    /** The audit plugin's entry of a read, kept with the answer. */
    recordAudit(context: unknown, entry: AuditEntryInput) {
      const state = states.get((context as { req?: object } | undefined)?.req ?? {});
      if (state) state.audit = entry;
    },

    /** The runtime's half: what each operation reads, its generations at the start, and how it ended. */
    plugin(): GatewayPlugin {
      return {
        // A token not seen yet is verified by the pipeline first (the JWT plugin runs at request
        // parsing); its answer may still be here, kept for another caller of its kind.
        onParams({ context, setResult }) {
          const request = (context as { req?: FastifyRequest }).req;
          const state = request && states.get(request);
          if (!request || !state) return;
          const token = bearer(request);
          const caller = callerOfContext(context);
          if (token === undefined || (token !== null && !caller)) return;
          const answer = answerFor(request, token === null ? undefined : caller);
          if (!answer) return;
          if (token !== null) rememberVerified(token, caller!);
          state.servedFromCache = true;
          setResult(JSON.parse(answer.body) as ExecutionResult);
        },
        onExecute({ args }) {
          const context = args.contextValue as { req?: object };
          const analysis = analyse(args.schema, args.document, args.operationName);
          if (analysis?.operationType === 'mutation') {
            // Bumped when the write has been applied, before its answer leaves.
            return { onExecuteDone: () => options.watch.bump(analysis.fieldOwners) };
          }
          const state = context.req && states.get(context.req);
          if (!state || !analysis) return undefined;
          state.operations += 1;
          state.cacheable = analysis.operationType === 'query' && !analysis.readsRestricted && !analysis.readsOutsideAgencies;
          state.owners = analysis.fieldOwners;
          state.stamp = options.watch.stamp(analysis.fieldOwners);
          state.caller = callerOfContext(context);
          return {
            onExecuteDone({ result }) {
              const single = result as ExecutionResult;
              if (Symbol.asyncIterator in (result as object) || (single.errors?.length ?? 0) > 0) state.failed = true;
            },
          };
        },
      };
    },
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;
