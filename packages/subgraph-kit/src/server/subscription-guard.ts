import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import { ErrorCode } from '@antq/sdk';
import { toSafeGraphQLError } from '../errors.js';
import type { Caller } from '../identity/caller.js';
import type { GatewayRequestVerdict } from '../identity/gateway-request.js';
import type { GraphQLRequestParams } from '../identity/gateway-signature.js';

/**
 * Kiểm tra đăng ký — checks every subscription that arrives over the websocket before mercurius
 * sees it. Mercurius parses a `subscribe` message and runs it without validating the document
 * against the schema (nor the variables, nor the gateway signature), so this guard looks at each
 * `subscribe` (graphql-transport-ws) or `start` (legacy graphql-ws) message first: the gateway
 * signature and forwarded caller, then parse, validation, operation kind, depth and variables.
 * A refused message never reaches mercurius; the client gets an `error` message for its id with
 * a typed GraphQL error.
 */

/** The part of a `ws` WebSocket the guard touches. */
export interface GuardedSocket {
  emit(event: string | symbol, ...args: unknown[]): boolean;
  send(data: string, callback?: (error?: Error) => void): void;
}

/** What the guard admitted for one subscription id: the caller the gateway forwarded. */
export interface AdmittedSubscription {
  readonly caller: Caller | undefined;
}

export interface SubscriptionGuardOptions {
  readonly schema: GraphQLSchema;
  readonly verify: (params: GraphQLRequestParams) => Promise<GatewayRequestVerdict>;
  readonly maxDepth: number;
  readonly maxTokens: number;
  readonly log: FastifyBaseLogger;
}

export interface SubscriptionGuard {
  /** Wraps mercurius's websocket handler so each connection's messages are checked first. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any handler shape mercurius passes; the guard returns the same type
  wrapHandler<THandler extends (this: any, socket: any, request: any) => unknown>(handler: THandler): THandler;
  /** Takes (once) what was admitted for subscription `id` on the connection of `request`. */
  take(request: object, id: string | number): AdmittedSubscription | undefined;
}

type Inspection =
  | { readonly kind: 'pass' }
  | { readonly kind: 'admit'; readonly id: string; readonly admitted: AdmittedSubscription }
  | { readonly kind: 'refuse'; readonly id: string | null; readonly errors: readonly GraphQLFormattedError[] };

function refusal(id: string | null, error: { message: string; code: string; extensions?: Record<string, unknown> }): Inspection {
  return { kind: 'refuse', id, errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Depth as mercurius counts it: each field or inline fragment adds a level, a spread none. */
export function operationDepth(operation: OperationDefinitionNode, document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const visiting = new Set<string>();
  const depthOf = (selectionSet: SelectionSetNode | undefined): number => {
    if (!selectionSet) return 0;
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) continue;
        if (visiting.has(name)) return Number.POSITIVE_INFINITY;
        visiting.add(name);
        deepest = Math.max(deepest, depthOf(fragment.selectionSet));
        visiting.delete(name);
      } else {
        deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
      }
    }
    return deepest;
  };
  return depthOf(operation.selectionSet);
}

/** The `subscribe` (or legacy `start`) message in a websocket frame, its id and payload; anything else passes. */
function readSubscribe(raw: unknown): Inspection | { readonly kind: 'subscribe'; readonly id: string; readonly payload: Record<string, unknown> } {
  let message: unknown;
  try {
    message = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw));
  } catch {
    return { kind: 'pass' }; // mercurius answers malformed frames itself
  }
  if (!isRecord(message) || (message.type !== 'subscribe' && message.type !== 'start')) return { kind: 'pass' };
  const rawId = message.id;
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null;
  if (id === null) {
    return refusal(null, {
      message: 'A subscribe message needs an "id". Use a graphql-transport-ws client.',
      code: ErrorCode.BAD_USER_INPUT,
    });
  }
  const payload = message.payload;
  if (!isRecord(payload)) {
    return refusal(id, {
      message: 'A subscribe message needs a payload { query, variables, extensions }.',
      code: ErrorCode.BAD_USER_INPUT,
    });
  }
  return { kind: 'subscribe', id, payload };
}

/** Parses and validates the subscription document against the schema; the refusal, or the document. */
function parseAndValidate(id: string, query: unknown, options: SubscriptionGuardOptions): Inspection | { readonly kind: 'valid'; readonly document: DocumentNode } {
  if (typeof query !== 'string') {
    return refusal(id, {
      message: 'The subscription document must be a GraphQL string in payload.query.',
      code: ErrorCode.GRAPHQL_PARSE_FAILED,
    });
  }
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: options.maxTokens });
  } catch (error) {
    const syntax = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    if (syntax.message.includes('Document contains more that')) {
      return refusal(id, {
        message: `The subscription has more than ${options.maxTokens} tokens, which this subgraph refuses. Send a smaller one.`,
        code: ErrorCode.QUERY_TOO_COMPLEX,
        extensions: { maxTokens: options.maxTokens },
      });
    }
    return { kind: 'refuse', id, errors: [{ ...syntax.toJSON(), extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED } }] };
  }

  const validationErrors = validate(options.schema, document, specifiedRules, { maxErrors: 25 });
  if (validationErrors.length > 0) {
    return {
      kind: 'refuse',
      id,
      errors: validationErrors.map((error) => ({ ...error.toJSON(), extensions: { ...error.extensions, code: ErrorCode.GRAPHQL_VALIDATION_FAILED } })),
    };
  }
  return { kind: 'valid', document };
}

/** The operation to run: one subscription, within the depth limit, with variables the schema accepts. */
function checkOperation(id: string, document: DocumentNode, payload: Record<string, unknown>, options: SubscriptionGuardOptions): Inspection | undefined {
  const operationName = typeof payload.operationName === 'string' ? payload.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return refusal(id, {
      message: operationName ? `The document has no operation named "${operationName}".` : 'The document has several operations; name the one to run in operationName.',
      code: ErrorCode.GRAPHQL_VALIDATION_FAILED,
    });
  }
  if (operation.operation !== 'subscription') {
    return refusal(id, {
      message: `The websocket carries subscriptions only; send this ${operation.operation} with POST to the same URL.`,
      code: ErrorCode.BAD_USER_INPUT,
    });
  }

  const depth = operationDepth(operation, document);
  if (depth > options.maxDepth) {
    return refusal(id, {
      message: `The subscription is ${Number.isFinite(depth) ? depth : 'too many'} levels deep; this subgraph allows ${options.maxDepth}. Ask for fewer nested fields.`,
      code: ErrorCode.QUERY_TOO_COMPLEX,
      extensions: { maxDepth: options.maxDepth },
    });
  }

  const variables = payload.variables;
  if (variables !== undefined && variables !== null && !isRecord(variables)) {
    return refusal(id, { message: 'payload.variables must be an object.', code: ErrorCode.BAD_USER_INPUT });
  }
  const coerced = getVariableValues(options.schema, operation.variableDefinitions ?? [], (variables as Record<string, unknown> | null | undefined) ?? {}, {
    maxErrors: 25,
  });
  if (coerced.errors) {
    return {
      kind: 'refuse',
      id,
      errors: coerced.errors.map((error) => ({ ...error.toJSON(), extensions: { code: ErrorCode.BAD_USER_INPUT } })),
    };
  }
  return undefined;
}

/** What to do with one websocket frame: the gateway signature first, then the document and operation. */
async function inspect(raw: unknown, options: SubscriptionGuardOptions): Promise<Inspection> {
  const subscribe = readSubscribe(raw);
  if (subscribe.kind !== 'subscribe') return subscribe;
  const { id, payload } = subscribe;

  const verdict = await options.verify({
    query: payload.query,
    variables: payload.variables,
    operationName: payload.operationName,
    extensions: payload.extensions,
  });
  if (!verdict.ok) {
    options.log.warn({ problem: verdict.problem }, 'Refused a subscription the gateway did not sign');
    return { kind: 'refuse', id, errors: [verdict.error.toJSON()] };
  }

  const parsed = parseAndValidate(id, payload.query, options);
  if (parsed.kind !== 'valid') return parsed;
  const refused = checkOperation(id, parsed.document, payload, options);
  return refused ?? { kind: 'admit', id, admitted: { caller: verdict.caller } };
}

/** The connection under a websocket (the upgrade request's socket). */
interface CorkableSocket {
  readonly writable: boolean;
  cork(): void;
  uncork(): void;
}

/**
 * The messages one turn of the event loop sends on a connection leave in one write. The gateway
 * multiplexes its subscriptions on one connection, so a change handed to 2,000 subscribers would
 * otherwise be 2,000 system calls.
 */
function batchSends(socket: GuardedSocket, connection: CorkableSocket | undefined): void {
  if (!connection) return;
  const send = socket.send;
  let corked = false;
  socket.send = function batchedSend(this: GuardedSocket, ...args: Parameters<GuardedSocket['send']>): void {
    if (!corked && connection.writable) {
      corked = true;
      connection.cork();
      process.nextTick(() => {
        corked = false;
        connection.uncork();
      });
    }
    send.apply(this, args);
  };
}

/** Hands each message of the socket to mercurius only once `inspect` admits or passes it. */
function guardSocket(socket: GuardedSocket, admitted: Map<string, AdmittedSubscription>, options: SubscriptionGuardOptions): void {
  const originalEmit = socket.emit;
  // Checking a subscribe message may wait (a shared nonce store): the connection's messages
  // are handed on one after another, in the order they came.
  let queue: Promise<void> = Promise.resolve();
  const handle = async (args: unknown[]): Promise<void> => {
    let inspection: Inspection;
    try {
      inspection = await inspect(args[0], options);
    } catch (error) {
      const masked = toSafeGraphQLError(error, (original) => options.log.error({ err: original }, 'Unexpected error while checking a subscription'));
      inspection = { kind: 'refuse', id: null, errors: [masked.toJSON()] };
    }
    if (inspection.kind === 'refuse') {
      socket.send(JSON.stringify({ type: 'error', id: inspection.id, payload: inspection.errors }), () => {});
      return;
    }
    if (inspection.kind === 'admit') admitted.set(inspection.id, inspection.admitted);
    originalEmit.call(socket, 'message', ...args);
  };
  socket.emit = function guardedEmit(this: GuardedSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'message') return originalEmit.call(this, event, ...args);
    queue = queue.then(() => handle(args)).catch((error: unknown) => options.log.error({ err: error }, 'A websocket message could not be handed on'));
    return true;
  };
}

export function createSubscriptionGuard(options: SubscriptionGuardOptions): SubscriptionGuard {
  const connections = new WeakMap<object, Map<string, AdmittedSubscription>>();
  return {
    wrapHandler(handler) {
      const wrapped = function (this: unknown, socket: GuardedSocket, request: object): unknown {
        const admitted = new Map<string, AdmittedSubscription>();
        connections.set(request, admitted);
        guardSocket(socket, admitted, options);
        batchSends(socket, (request as { raw?: { socket?: CorkableSocket } }).raw?.socket);
        return handler.call(this, socket, request);
      };
      return wrapped as unknown as typeof handler;
    },
    take(request, id) {
      const admitted = connections.get(request);
      const key = String(id);
      const entry = admitted?.get(key);
      if (entry !== undefined) admitted?.delete(key);
      return entry;
    },
  };
}
