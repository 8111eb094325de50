import { encodeStreamCursor, isAntqError, readStreamCursor, type Agency, type StreamCursor, type StreamPosition } from '@antq/sdk';
import { createAgencyFeed, readOutboxHeads } from '@antq/subgraph-kit';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  valueFromASTUntyped,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { sharedReads, withoutRepeats, type ChangeSelection } from '../change-stream-guards.js';
import { rootFields } from '../operation-fields.js';

/** What an `onSubscribe` hook may return, read off the gateway's own plugin type. */
type SubscribeHookResult = Exclude<Awaited<ReturnType<NonNullable<GatewayPlugin['onSubscribe']>>>, void>;

/** How long the agencies' outbox heads may take to read before a subscription goes upstream without one. */
const HEAD_TIMEOUT_MS = 2_000;
/** The variable the gateway adds to carry "now" to the stream (another name if the client's operation has it). */
const PINNED_AFTER = 'antqStreamNow';

export interface ChangeStreamGuardOptions {
  /** Subgraph URL of each agency: "now" is read off their outboxes. */
  readonly agencyUrls: Partial<Record<Agency, string>>;
  readonly signingKey: string;
}

/**
 * Guards of the change stream subscription at the gateway:
 * - a subscription without a cursor starts from the moment the gateway accepts it: the
 *   agencies' outbox heads are read before the client gets its answer and passed upstream as
 *   `after`. Without this, "now" would be when the stream subgraph heard of the subscription,
 *   later than the client's go-ahead, and a change made in between would never come. The same
 *   position serves when the gateway has to subscribe again after a stream restart;
 * - the cursor is read before the subscription goes upstream (the replay guard below needs its
 *   position), so a malformed one is answered here with BAD_USER_INPUT, with no upstream call;
 * - when the stream subgraph restarts, the gateway's websocket client subscribes again with the
 *   client's original cursor; what it replays that the client already had is dropped here
 *   (by agency and seq, when the client selected both), and the cursors passed on never go
 *   back, so the client sees each change once (see `withoutRepeats`).
 */
export function useChangeStreamGuards(options: ChangeStreamGuardOptions): GatewayPlugin {
  const readNow = outboxHeadReader(options);
  // By operation: a document of several operations is rewritten for the one subscribed to.
  const pinnedDocuments = new WeakMap<OperationDefinitionNode, PinnedDocument>();
  return {
    async onSubscribe({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      // Also where the client wrapped it in a fragment.
      const field = operation ? rootFields(args.document, operation.selectionSet, args.variableValues ?? {}).find((selection) => selection.name.value === 'changes') : undefined;
      if (!field) return undefined;
      const cursorField = field.selectionSet?.selections.find((selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === 'cursor');
      const selection: ChangeSelection = {
        field: field.alias?.value ?? field.name.value,
        ...(cursorField ? { cursor: cursorField.alias?.value ?? cursorField.name.value } : {}),
      };
      const dedupe = (from?: StreamCursor): SubscribeHookResult => ({
        onSubscribeResult: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) setResult(withoutRepeats(result, selection, from));
        },
      });
      const after = field.arguments?.find((argument) => argument.name.value === 'after');
      const value = after ? cursorArgument(after, operation!, args.variableValues) : undefined;
      if (typeof value !== 'string') {
        const now = await readNow();
        if (Object.keys(now).length === 0) return dedupe();
        // One rewritten document per client document, so the planner's cache still holds.
        let pinned = pinnedDocuments.get(operation!);
        if (!pinned) pinnedDocuments.set(operation!, (pinned = withPinnedAfter(args.document, operation!, field, after)));
        // The subscribe function is called with this same `args` once every hook has run.
        Object.assign(args, { document: pinned.document, variableValues: { ...args.variableValues, [pinned.variable]: encodeStreamCursor(now) } });
        return dedupe({ position: now, marks: {} });
      }
      try {
        return dedupe(readStreamCursor(value));
      } catch (error) {
        if (!isAntqError(error)) throw error;
        setResultAndStopExecution({
          errors: [new GraphQLError(error.message, { nodes: [after!], path: ['changes'], extensions: error.toExtensions() })],
        });
        return undefined;
      }
    },
  };
}

/**
 * Each agency's newest outbox seq; an agency that does not answer in time is left to the
 * stream's own "now". A burst of subscribers shares a few reads (`sharedReads`).
 */
function outboxHeadReader(options: ChangeStreamGuardOptions): () => Promise<StreamPosition> {
  const feeds = (Object.entries(options.agencyUrls) as [Agency, string][]).map(([agency, url]) => createAgencyFeed({ agency, url, signingKey: options.signingKey }));
  return sharedReads(() => readOutboxHeads(feeds, AbortSignal.timeout(HEAD_TIMEOUT_MS)));
}

/** The value of `after`: inline, from its variable, or from the variable's default. */
function cursorArgument(after: ArgumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>> | null | undefined): unknown {
  const value = valueFromASTUntyped(after.value, variables ?? undefined);
  if (value !== undefined || after.value.kind !== Kind.VARIABLE) return value;
  const name = after.value.name.value;
  const declared = operation.variableDefinitions?.find((definition) => definition.variable.name.value === name)?.defaultValue;
  return declared ? valueFromASTUntyped(declared) : undefined;
}

interface PinnedDocument {
  readonly document: DocumentNode;
  /** The variable that carries the cursor. */
  readonly variable: string;
}

/**
 * The document with the `changes` field's cursor taken from a variable: the client's own `after`
 * variable when it gave one (unset or null), else a variable the gateway declares.
 */
function withPinnedAfter(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, after: ArgumentNode | undefined): PinnedDocument {
  if (after?.value.kind === Kind.VARIABLE) return { document, variable: after.value.name.value };
  const taken = new Set(operation.variableDefinitions?.map((definition) => definition.variable.name.value));
  let name = PINNED_AFTER;
  while (taken.has(name)) name += '_';
  const variable = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } } as const;
  const argument: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'after' }, value: variable };
  const definition: VariableDefinitionNode = { kind: Kind.VARIABLE_DEFINITION, variable, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } } };
  const pinned = visit(document, {
    OperationDefinition(node) {
      if (node !== operation) return undefined;
      return { ...node, variableDefinitions: [...(node.variableDefinitions ?? []), definition] };
    },
    Field(node) {
      // `after: null` written inline is replaced; any other argument stays.
      if (node !== field) return undefined;
      return { ...node, arguments: [...(node.arguments ?? []).filter((argument) => argument.name.value !== 'after'), argument] };
    },
  });
  return { document: pinned, variable: name };
}
