import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { OUTBOX_HEAD_HEADER } from '@antq/subgraph-kit';
import type { OperationAnalyser } from '../operation-analysis.js';
import type { ChangeWatch } from '../response-cache/change-watch.js';
import { agencyByUrl } from './use-response-cache.js';

/** Longest a write's answer waits for the change watch to hear it; then its agencies' answers all go. */
const HEAR_WRITE_MS = 2_000;

/**
 * A write through this gateway reaches its readers (cached answers, grants) before its answer
 * leaves: the subgraph names its outbox head once the write committed, and the answer waits
 * until the change watch has heard the outbox up to there, which drops exactly the answers the
 * write's changes touch. An agency whose subgraph named no head (a failed write), or that is not
 * heard in time, has all its answers dropped (`bump`).
 */
export function useChangeWatchWrites(options: { watch: ChangeWatch; analyse: OperationAnalyser; agencyUrls: Partial<Record<string, string>> }): GatewayPlugin {
  const agencyOfUrl = agencyByUrl(options.agencyUrls);
  /** Per write request, the agencies whose changes the watch has heard. */
  const heard = new WeakMap<object, Set<string>>();
  const hear = async (agency: string, seq: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, HEAR_WRITE_MS, false)));
    try {
      return await Promise.race([options.watch.heard(agency, seq).then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    onExecute({ args }) {
      const analysis = options.analyse(args.schema, args.document, args.operationName);
      if (analysis?.operationType !== 'mutation') return undefined;
      const request = (args.contextValue as { req?: object }).req ?? args.contextValue;
      heard.set(request, new Set());
      return {
        onExecuteDone: () => {
          const done = heard.get(request)!;
          options.watch.bump(analysis.fieldOwners.filter((agency) => !done.has(agency)));
        },
      };
    },
    onFetch({ context, url }) {
      const request = (context as { req?: object }).req ?? context;
      const done = heard.get(request);
      const agency = agencyOfUrl.get(url);
      if (!done || agency === undefined) return undefined;
      return async ({ response }) => {
        const head = Number(response.headers.get(OUTBOX_HEAD_HEADER) ?? Number.NaN);
        // An agency the watch does not follow (or has lost) hears nothing: its readers are told by the bump.
        if (Number.isInteger(head) && options.watch.stamp([agency]) !== undefined && (await hear(agency, head))) done.add(agency);
      };
    },
  };
}
