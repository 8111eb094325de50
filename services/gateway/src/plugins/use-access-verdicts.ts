import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Kind, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { GrantDirectory } from '@antq/subgraph-kit';
import { callerAccessKey } from '../access/access-control.js';
import { callerOfContext } from '../identity/caller-of-context.js';

/** Where `@envelop/extended-validation` keeps, in a request's context, its rules and whether they ran. */
interface ExtendedValidationState {
  rules: readonly { readonly name: string }[];
  didRun: boolean;
}

/** The one extended-validation rule a verdict may stand for: generic-auth's. */
const ACCESS_RULE = 'AuthorizationExtendedValidationRule';
/** Verdicts kept per document: one per kind of caller and value of the variables an `@skip`/`@include` reads. */
const VERDICTS_PER_DOCUMENT = 64;

interface RequestParams {
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

/** The variables a document's `@skip` and `@include` read: access control's walk depends on their values. */
function directiveVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return;
      for (const argument of node.arguments ?? []) if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
    },
  });
  return [...names].sort();
}

function verdictCounter(metrics: Registry) {
  return new Counter({
    name: 'antq_access_verdicts',
    help: 'Operations by whether access control walked them or a verdict it gave the same operation and kind of caller let them through (walked, kept).',
    labelNames: ['verdict'],
    registers: [metrics],
  });
}

/**
 * Lời phán đã có — access control's verdict, kept. Access control (Hive's `genericAuth`, an
 * extended validation) walks every operation with the schema's type information before it
 * runs: about a tenth of the gateway's CPU on a lookup. What it decides depends only on the
 * schema, the document, what the caller holds (signed in or not, the scopes of its clearance,
 * its policies: its own agency's and those of its grants) and the values of the variables an
 * `@skip` or `@include` reads. An operation it let through, run again with all of those the same,
 * is let through without the walk. Refusals are never kept: each is walked again, so its errors
 * name the fields as before, and a caller whose grant is revoked holds other policies, so finds
 * no verdict of its own.
 *
 * Only the parsed document, run as it was parsed, has its verdict kept (a document access control
 * rebuilt runs as rebuilt); and only when access control is the sole extended validation, so
 * skipping the step skips nothing else.
 */
export function useAccessVerdicts(options: { grants: GrantDirectory; metrics?: Registry | undefined }): GatewayPlugin {
  // By schema: a new supergraph has other directives, and a request begun before it may finish after.
  const verdicts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Set<string>>>();
  const variablesRead = new WeakMap<DocumentNode, string[]>();
  const requests = new WeakMap<object, { schema: GraphQLSchema; document: DocumentNode; key?: string }>();
  let stateSymbol: symbol | undefined;
  const counter = options.metrics ? verdictCounter(options.metrics) : undefined;
  const kept = counter?.labels('kept');
  const walked = counter?.labels('walked');

  const stateOf = (context: object): ExtendedValidationState | undefined => {
    stateSymbol ??= Object.getOwnPropertySymbols(context).find((symbol) => symbol.description === 'extendedValidationContext');
    const state = stateSymbol && (context as Record<symbol, ExtendedValidationState | undefined>)[stateSymbol];
    return state?.rules.length === 1 && state.rules[0]!.name === ACCESS_RULE ? state : undefined;
  };
  const verdictKey = (document: DocumentNode, params: RequestParams, callerKey: string) => {
    let names = variablesRead.get(document);
    if (!names) variablesRead.set(document, (names = directiveVariables(document)));
    const variables = params.variables ?? {};
    // An absent variable ([]) apart from one sent as null ([null]): a default may stand for the first.
    return `${params.operationName ?? ''}\n${callerKey}\n${names.length ? JSON.stringify(names.map((name) => (name in variables ? [variables[name]] : []))) : ''}`;
  };

  return {
    onValidate({ params, context }) {
      requests.set(context, { schema: params.schema, document: params.documentAST });
    },
    onContextBuilding({ context }) {
      const request = requests.get(context);
      const state = request && stateOf(context);
      if (!request || !state || state.didRun) return undefined;
      const decide = (callerKey: string) => {
        request.key = verdictKey(request.document, (context as { params?: RequestParams }).params ?? {}, callerKey);
        if (verdicts.get(request.schema)?.get(request.document)?.has(request.key)) {
          state.didRun = true;
          kept?.inc();
        } else walked?.inc();
      };
      const callerKey = callerAccessKey(callerOfContext(context), context, options.grants);
      // Grants that cannot be read leave the walk to access control, which reads them too.
      return typeof callerKey === 'string' ? decide(callerKey) : callerKey.then(decide, () => undefined);
    },
    onExecute({ args, context }) {
      // Reached only when access control let the operation through: a refusal stops execution first.
      const request = requests.get(context);
      if (request?.key === undefined || args.document !== request.document || args.schema !== request.schema) return;
      let byDocument = verdicts.get(request.schema);
      if (!byDocument) verdicts.set(request.schema, (byDocument = new WeakMap()));
      let keys = byDocument.get(request.document);
      if (!keys) byDocument.set(request.document, (keys = new Set()));
      if (keys.size < VERDICTS_PER_DOCUMENT) keys.add(request.key);
    },
  };
}
