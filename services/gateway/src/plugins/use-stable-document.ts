import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Kind, type DefinitionNode, type DocumentNode, type Location, type SelectionNode, type SelectionSetNode } from 'graphql';

/** Whether a copy of a selection set selects exactly what the original does (the same nodes, or copies of them). */
function sameSelections(original: SelectionSetNode, copy: SelectionSetNode): boolean {
  if (original === copy) return true;
  if (original.selections.length !== copy.selections.length) return false;
  return original.selections.every((selection, index) => sameSelection(selection, copy.selections[index]!));
}

function sameSelection(original: SelectionNode, copy: SelectionNode): boolean {
  if (original === copy) return true;
  if (original.kind === Kind.FIELD && copy.kind === Kind.FIELD) {
    return (
      original.name === copy.name &&
      original.alias === copy.alias &&
      original.arguments === copy.arguments &&
      original.directives === copy.directives &&
      !!original.selectionSet &&
      !!copy.selectionSet &&
      sameSelections(original.selectionSet, copy.selectionSet)
    );
  }
  if (original.kind === Kind.INLINE_FRAGMENT && copy.kind === Kind.INLINE_FRAGMENT) {
    return original.typeCondition === copy.typeCondition && original.directives === copy.directives && sameSelections(original.selectionSet, copy.selectionSet);
  }
  return false;
}

function sameDefinition(original: DefinitionNode, copy: DefinitionNode): boolean {
  if (original === copy) return true;
  if (original.kind === Kind.OPERATION_DEFINITION && copy.kind === Kind.OPERATION_DEFINITION) {
    return (
      original.operation === copy.operation &&
      original.name === copy.name &&
      original.variableDefinitions === copy.variableDefinitions &&
      original.directives === copy.directives &&
      sameSelections(original.selectionSet, copy.selectionSet)
    );
  }
  if (original.kind === Kind.FRAGMENT_DEFINITION && copy.kind === Kind.FRAGMENT_DEFINITION) {
    return (
      original.name === copy.name &&
      original.typeCondition === copy.typeCondition &&
      original.directives === copy.directives &&
      sameSelections(original.selectionSet, copy.selectionSet)
    );
  }
  return false;
}

/** Whether `copy` is `original` rebuilt without anything taken out or changed. */
export function sameDocument(original: DocumentNode, copy: DocumentNode): boolean {
  if (original === copy) return true;
  if (original.definitions.length !== copy.definitions.length) return false;
  return original.definitions.every((definition, index) => sameDefinition(definition, copy.definitions[index]!));
}

/**
 * Một văn bản cho mỗi truy vấn — keeps the parsed document through execution. The access-control
 * plugin (`genericAuth`, an extended validation) rebuilds every operation's document before it
 * runs, even when it takes nothing out, so every request would reach execution with a new
 * document and miss every cache kept per document (the plan, the printed text the subgraphs
 * are sent and signed with, the audit's analysis). The parser's cache gives the same object for
 * the same text; where the rebuilt document selects exactly what it does, that object goes on.
 * A document access control did change (a field taken out) goes on as it is.
 */
export function useStableDocument(): GatewayPlugin {
  // By the parser's Location of the text, which the rebuilt document keeps (a shallow copy).
  const parsed = new WeakMap<Location, DocumentNode>();
  const restore = (args: { document: DocumentNode }) => {
    const original = args.document.loc && parsed.get(args.document.loc);
    if (original && original !== args.document && sameDocument(original, args.document)) args.document = original;
  };
  return {
    onValidate({ params }) {
      if (params.documentAST.loc) parsed.set(params.documentAST.loc, params.documentAST);
    },
    onExecute({ args }) {
      restore(args);
    },
    onSubscribe({ args }) {
      restore(args);
    },
  };
}
