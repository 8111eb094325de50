import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getOperationAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** Whether a request (of a client, or of the gateway to a subgraph) is a subscription. */
export function isSubscription(request: { readonly operationType?: string; readonly document: DocumentNode; readonly operationName?: string } | undefined): boolean {
  if (!request) return false;
  return (request.operationType ?? getOperationAST(request.document, request.operationName)?.operation) === 'subscription';
}

/** The root fields an operation runs: through inline fragments and named ones, without those `@skip`/`@include` leave out. */
export function rootFields(document: DocumentNode, selectionSet: SelectionSetNode, variables: Readonly<Record<string, unknown>>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (!runs(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(document, selection.selectionSet, variables));
    else {
      const fragment = document.definitions.find(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      if (fragment) fields.push(...rootFields(document, fragment.selectionSet, variables));
    }
  }
  return fields;
}

function runs(selection: SelectionNode, variables: Readonly<Record<string, unknown>>): boolean {
  try {
    return getDirectiveValues(GraphQLSkipDirective, selection, variables)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, selection, variables)?.if !== false;
  } catch {
    // A directive value the runtime refuses fails the operation anyway; checking its fields costs nothing more.
    return true;
  }
}
