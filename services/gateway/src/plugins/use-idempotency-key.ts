import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode, isAntqError } from '@antq/sdk';
import { IDEMPOTENCY_KEY_EXTENSION, parseIdempotencyKey } from '@antq/subgraph-kit';
import { getOperationAST, GraphQLError, Kind } from 'graphql';

/** The request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** What the plugin reads of the runtime's context: the request, and the operation's params. */
interface KeyedContext {
  readonly request?: Request;
  readonly params?: { readonly extensions?: Readonly<Record<string, unknown>> };
  /** Set for operations over graphql-ws (see `websocket.ts`). */
  readonly socket?: unknown;
}

function refuse(message: string, extensions: Record<string, unknown> = {}): { errors: GraphQLError[] } {
  return { errors: [new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } })] };
}

/**
 * Khóa ghi một lần — forwards a mutation's `Idempotency-Key` header (over graphql-ws, where a
 * message has no headers: the operation's `extensions.idempotencyKey`) to the subgraphs in the
 * request's `extensions.idempotencyKey`, where the write is stored at most once per caller and key
 * (`writeOnce` in the kit). The key is checked here (1–255 printable ASCII characters), and it
 * covers one write: a mutation with a key must select exactly one root field. Queries and
 * subscriptions ignore it. Register before the upstream signature, which must cover the extension.
 */
export function useIdempotencyKey(): GatewayPlugin {
  const keys = new WeakMap<object, string>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const context = args.contextValue as KeyedContext;
      // Over graphql-ws the request's headers are the upgrade's, shared by every operation of the socket.
      const header = context.socket === undefined ? (context.request?.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined) : undefined;
      const extension = context.params?.extensions?.[IDEMPOTENCY_KEY_EXTENSION];
      if (header === undefined && extension === undefined) return;
      let key: string;
      try {
        key = parseIdempotencyKey(header ?? extension);
        if (header !== undefined && extension !== undefined && parseIdempotencyKey(extension) !== key) {
          setResultAndStopExecution(refuse('The Idempotency-Key header and extensions.idempotencyKey differ. Send the key once.'));
          return;
        }
      } catch (error) {
        if (!isAntqError(error)) throw error;
        setResultAndStopExecution(refuse(error.message, error.toExtensions()));
        return;
      }
      const fields = operation.selectionSet.selections;
      if (fields.length !== 1 || fields[0]!.kind !== Kind.FIELD) {
        setResultAndStopExecution(
          refuse('An Idempotency-Key covers one write: a mutation sent with one must select exactly one field of Mutation. Send each write in its own request, with its own key.'),
        );
        return;
      }
      keys.set(args.contextValue as object, key);
    },
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      const key = executionRequest.context ? keys.get(executionRequest.context as object) : undefined;
      if (key === undefined) return;
      const type = executionRequest.operationType ?? getOperationAST(executionRequest.document, executionRequest.operationName)?.operation;
      // The write itself; the entity fetches that resolve the rest of its answer are reads.
      if (type !== 'mutation') return;
      setExecutionRequest({ ...executionRequest, extensions: { ...executionRequest.extensions, [IDEMPOTENCY_KEY_EXTENSION]: key } });
    },
  };
}
