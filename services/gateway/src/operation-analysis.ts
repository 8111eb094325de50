import {
  Kind,
  TypeInfo,
  getOperationAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';
import type { GraphOwnership } from './audit/ownership.js';

/** The fragments an operation uses, transitively: other operations of the document are not its business. */
export function usedFragments(document: DocumentNode, operation: OperationDefinitionNode): FragmentDefinitionNode[] {
  const byName = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (fragment && !used.has(fragment.name.value)) {
          used.set(fragment.name.value, fragment);
          walk(fragment);
        }
      },
    });
  walk(operation);
  return [...used.values()];
}

/** "Type.field" coordinates an operation selects, introspection left out. */
export function selectedCoordinates(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): string[] {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return [];
  const coordinates = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (parent && !node.name.value.startsWith('__')) coordinates.add(`${parent.name}.${node.name.value}`);
    },
  });
  for (const node of [operation, ...usedFragments(document, operation)]) visit(node, visitor);
  return [...coordinates].sort();
}

/** Every agency that owns one of the coordinates; shared fields add none. */
export function coordinateOwners(ownership: GraphOwnership, coordinates: readonly string[]): string[] {
  return [...new Set(coordinates.flatMap((coordinate) => ownership.fieldOwners(coordinate)))].sort();
}

/** What the gateway needs to know of an operation before it runs: what it reads, and whose. */
export interface OperationAnalysis {
  readonly operationType: OperationTypeNode;
  /** "Type.field" coordinates it selects, introspection left out, sorted. */
  readonly coordinates: readonly string[];
  /** Agencies owning one of them. */
  readonly fieldOwners: readonly string[];
  /** Whether it selects restricted data (`@policy`), whose visibility depends on grants. */
  readonly readsRestricted: boolean;
  /** Whether it selects what only the change stream's subgraph resolves (webhooks, deliveries). */
  readsOutsideAgencies: boolean;
}

/**
 * Analyses operations once per document and operation name: documents come from the parser
 * cache, so the same object returns for the same text.
 */
export function createOperationAnalyser(ownership: GraphOwnership) {
  const analyses = new WeakMap<DocumentNode, Map<string, OperationAnalysis | null>>();
  return (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationAnalysis | undefined => {
    let perDocument = analyses.get(document);
    if (!perDocument) analyses.set(document, (perDocument = new Map()));
    const key = operationName ?? '';
    let analysis = perDocument.get(key);
    if (analysis === undefined) {
      const operation = getOperationAST(document, operationName ?? undefined);
      const coordinates = operation ? selectedCoordinates(schema, document, operationName) : [];
      analysis = operation
        ? {
            operationType: operation.operation,
            coordinates,
            fieldOwners: coordinateOwners(ownership, coordinates),
            readsRestricted: coordinates.some((coordinate) => ownership.restricted(coordinate)),
            readsOutsideAgencies: coordinates.some((coordinate) => ownership.outsideAgencies(coordinate)),
          }
        : null;
      perDocument.set(key, analysis);
    }
    return analysis ?? undefined;
  };
}

export type OperationAnalyser = ReturnType<typeof createOperationAnalyser>;
