import type { Caller } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import type { AuditEntryInput } from '../audit/audit-log.js';
import { callerOfContext } from '../identity/caller-of-context.js';
import type { OperationAnalyser } from '../operation-analysis.js';
import { bearerToken, type CachedAnswer } from '../response-cache/cached-answers.js';
import type { ChangeWatch } from '../response-cache/change-watch.js';
import { addReads, type AnswerReads } from '../response-cache/read-tags.js';
import { READ_SCOPE_HEADER } from '@antq/subgraph-kit';

/** What the plugin learns of one HTTP request while the runtime runs it. */
export interface CacheRequestState {
  operations: number;
  /** Answered from the cache once the pipeline had verified the token. */
  servedFromCache?: boolean;
  owners?: readonly string[];
  stamp?: string | undefined;
  cacheable?: boolean;
  failed?: boolean;
  caller?: Caller | undefined;
  audit?: AuditEntryInput;
  /** What the subgraphs said they read, per agency. */
  reads?: AnswerReads;
  /** The change watch's `changeCount` when the operation began. */
  changesAtStart?: number;
}

export interface ResponseCachePluginOptions {
  readonly states: WeakMap<object, CacheRequestState>;
  readonly analyse: OperationAnalyser;
  readonly watch: ChangeWatch;
  readonly answerFor: (request: FastifyRequest, caller: Caller | undefined) => CachedAnswer | undefined;
  readonly rememberVerified: (token: string, caller: Caller) => void;
  /** Each agency's subgraph URL: whose answer a fetch is. */
  readonly agencyUrls: Partial<Record<string, string>>;
}

/** Whose subgraph a fetch's URL is: the agency of each subgraph URL of the supergraph. */
export function agencyByUrl(agencyUrls: Partial<Record<string, string>>): ReadonlyMap<string, string> {
  return new Map(Object.entries(agencyUrls).flatMap(([agency, url]) => (url === undefined ? [] : [[url, agency] as const])));
}

/** The response cache's half in the runtime: what each operation reads, its generations at the start, and how it ended. */
export function useResponseCache(options: ResponseCachePluginOptions): GatewayPlugin {
  const { states, analyse, watch } = options;
  const agencyOfUrl = agencyByUrl(options.agencyUrls);
  return {
    // A token not seen yet is verified by the pipeline first (the JWT plugin runs at request
    // parsing); its answer may still be here, kept for another caller of its kind.
    onParams({ context, setResult }) {
      const request = (context as { req?: FastifyRequest }).req;
      const state = request && states.get(request);
      if (!request || !state) return;
      const token = bearerToken(request);
      const caller = callerOfContext(context);
      if (token === undefined || (token !== null && !caller)) return;
      const answer = options.answerFor(request, token === null ? undefined : caller);
      if (!answer) return;
      if (token !== null) options.rememberVerified(token, caller!);
      state.servedFromCache = true;
      setResult(JSON.parse(answer.body) as ExecutionResult);
    },
    onExecute({ args }) {
      const context = args.contextValue as { req?: object };
      const analysis = analyse(args.schema, args.document, args.operationName);
      // Writes move the watch on (useChangeWatchWrites); they are never kept.
      if (analysis?.operationType === 'mutation') return undefined;
      const state = context.req && states.get(context.req);
      if (!state || !analysis) return undefined;
      state.operations += 1;
      state.cacheable = analysis.operationType === 'query' && !analysis.readsRestricted && !analysis.readsOutsideAgencies;
      state.owners = analysis.fieldOwners;
      state.stamp = watch.stamp(analysis.fieldOwners);
      state.changesAtStart = watch.changeCount();
      state.reads = new Map();
      state.caller = callerOfContext(context);
      return {
        onExecuteDone({ result }) {
          const single = result as ExecutionResult;
          if (Symbol.asyncIterator in (result as object) || (single.errors?.length ?? 0) > 0) state.failed = true;
        },
      };
    },
    // What each subgraph read for the operation; a subgraph of no known agency leaves the answer unkept.
    onFetch({ context, url }) {
      const request = (context as { req?: object }).req;
      const state = request && states.get(request);
      if (!state?.reads) return undefined;
      const agency = agencyOfUrl.get(url);
      if (agency === undefined) {
        state.failed = true;
        return undefined;
      }
      return ({ response }) => addReads(state.reads!, agency, response.headers.get(READ_SCOPE_HEADER));
    },
  };
}
