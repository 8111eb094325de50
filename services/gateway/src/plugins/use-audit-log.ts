import { ErrorCode } from '@antq/sdk';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { AuditEntryInput, AuditLog } from '../audit/audit-log.js';
import { readSupergraphModel, type SupergraphModel } from '../supergraph-model.js';
import { createOperationAnalyser } from '../operation-analysis.js';
import { resultRecords } from '../audit/result-records.js';
import { callerOfContext } from '../identity/caller-of-context.js';

export interface AuditPluginOptions {
  readonly log: AuditLog;
  /** Told of every read entry as it is appended, with the operation's context (the response cache keeps it for its hits). */
  readonly onReadEntry?: (context: unknown, entry: AuditEntryInput) => void;
  /** The supergraph the gateway serves (its SDL, or the gateway's model of it): its join directives say which agency owns what. */
  readonly supergraph: string | SupergraphModel;
  /** Where failures of buffered (read) appends go; they never fail the caller's query. */
  readonly onError?: (error: unknown) => void;
}

// Codes with which a subgraph or the gateway turned the caller away, as opposed to failing.
const REFUSAL_CODES = new Set<string>([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_OWNING_AGENCY]);

interface Caller {
  readonly actor: string;
  readonly agency: string | null;
  readonly organisation: string | null;
}

/** Who acted, as the SDK's parser reads the token (the gateway refuses a token it cannot read). */
function callerOf(context: unknown): Caller {
  const caller = callerOfContext(context);
  if (!caller) return { actor: 'anonymous', agency: null, organisation: null };
  return { actor: caller.subject, agency: caller.agency, organisation: caller.organisation };
}

export { resultRecords } from '../audit/result-records.js';

function errorCodes(result: ExecutionResult): string[] {
  const codes = (result.errors ?? []).map((error) => error.extensions?.code).filter((code): code is string => typeof code === 'string');
  return [...new Set(codes)].sort();
}

/**
 * Sổ kiểm toán — records every mutation, every query that reads another agency's data, and every
 * subscription that does (a change's `area` with an agency's view of it), in the hash-chained
 * audit log. A mutation's answer waits until its entry is durable, so no write is confirmed
 * without its trace; reads are buffered so they cost no latency. A subscription is one entry when
 * it starts: the events it then carries are not entries each, as thousands a second would be the
 * log's whole load.
 */
export function useAuditLog(options: AuditPluginOptions): GatewayPlugin {
  const { ownership } = typeof options.supergraph === 'string' ? readSupergraphModel(options.supergraph) : options.supergraph;
  const onError = options.onError ?? ((error: unknown) => console.error('audit: an entry could not be written', error));
  const analyse = createOperationAnalyser(ownership);

  const auditOf = (args: ExecutionArgs) => operationAudit(args, { options, ownership, analyse, onError });

  return {
    onExecute({ args }) {
      const audit = auditOf(args);
      // Subscriptions do not run through execute (onSubscribe below); should one, it is recorded there.
      if (!audit || audit.operation.operation === 'subscription') return;
      return {
        async onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) return audit.record(result, setResult);
          // Incremental delivery: the first payload is recorded (and, for a write, waited for) before it leaves.
          let first = true;
          return {
            async onNext({ result: payload, setResult: setPayload }) {
              if (!first) return;
              first = false;
              await audit.record(payload as ExecutionResult, setPayload);
            },
          };
        },
      };
    },
    onSubscribe({ args }) {
      const audit = auditOf(args);
      if (!audit) return undefined;
      return {
        onSubscribeResult({ result, setResult }) {
          // Started: no records yet. Refused as it started: the refusal's codes.
          void audit.record(isAsyncIterable(result) ? {} : result, setResult);
        },
      };
    },
  };
}

interface OperationAuditContext {
  readonly options: AuditPluginOptions;
  readonly ownership: SupergraphModel['ownership'];
  readonly analyse: ReturnType<typeof createOperationAnalyser>;
  readonly onError: (error: unknown) => void;
}

/** How the operation of `args` is recorded, or nothing when it is a read of the caller's own agency only. */
function operationAudit(args: ExecutionArgs, { options, ownership, analyse, onError }: OperationAuditContext) {
  const operation = getOperationAST(args.document, args.operationName ?? undefined);
  const analysis = analyse(args.schema, args.document, args.operationName);
  // A document without a matching operation fails anyway.
  if (!operation || !analysis) return undefined;
  const isMutation = operation.operation === 'mutation';
  const caller = callerOf(args.contextValue);
  const { coordinates, fieldOwners } = analysis;
  const foreign = (owners: readonly string[]) => owners.some((owner) => owner !== caller.agency);
  if (!isMutation && !foreign(fieldOwners)) return undefined;

  const entryFor = (result: ExecutionResult): AuditEntryInput => {
    const owners = new Set(fieldOwners);
    // Decided once per type: an overview's entry holds hundreds of records of a few types.
    const keptTypes = new Map<string, boolean>();
    const records = resultRecords(args.schema, args.document, args.operationName, result.data).filter((record) => {
      let kept = keptTypes.get(record.typename);
      if (kept === undefined) {
        const typeOwners = ownership.typeOwners(record.typename);
        // A write's own records are its subject; a read is about the other agencies' records.
        kept = typeOwners.length > 0 && (isMutation || foreign(typeOwners));
        keptTypes.set(record.typename, kept);
        if (kept) for (const owner of typeOwners) owners.add(owner);
      }
      return kept;
    });
    const codes = errorCodes(result);
    return {
      ...caller,
      operationType: operation.operation,
      operationName: operation.name?.value ?? null,
      fields: [...coordinates],
      records,
      owners: [...owners].sort(),
      result: codes.some((code) => REFUSAL_CODES.has(code)) ? 'refused' : result.errors?.length ? 'error' : 'ok',
      errorCodes: codes,
    };
  };

  const record = async (result: ExecutionResult, setResult: (result: ExecutionResult) => void) => {
    const entry = entryFor(result);
    const appended = options.log.append(entry);
    if (!isMutation) {
      if (operation.operation === 'query') options.onReadEntry?.(args.contextValue, entry);
      appended.catch(onError);
      return;
    }
    try {
      await appended;
    } catch (error) {
      onError(error);
      // Withholding the answer is the lesser harm: an unaudited write must not look like a normal one.
      setResult({
        errors: [
          new GraphQLError(
            'The change may have been applied, but its audit entry could not be written, so the gateway does not confirm it. Read the record to see whether it changed, and report the audit failure to the gateway operators.',
            { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } },
          ),
        ],
      });
    }
  };
  return { operation, record };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
