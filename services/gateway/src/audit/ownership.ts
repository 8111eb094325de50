import { isAgencyCode } from '@antq/sdk';
import { Kind, type ConstDirectiveNode, type DefinitionNode, type FieldDefinitionNode } from 'graphql';

/**
 * Which agencies own which parts of the graph, read from the supergraph's join directives.
 * A field every subgraph can resolve (the area register, the catalogues, entity keys) is
 * shared: reading it tells nothing about any one agency's records.
 */
export interface GraphOwnership {
  /** Owning agencies of a "Type.field" coordinate; empty when shared or unknown. */
  fieldOwners(coordinate: string): readonly string[];
  /** Agencies that can resolve records of the type; empty when shared or unknown. */
  typeOwners(typeName: string): readonly string[];
  /** Whether only the graph's own subgraphs (the change stream), no agency's, resolve the coordinate. */
  outsideAgencies(coordinate: string): boolean;
  /** Whether the coordinate (or its type) carries `@policy`: restricted data, read under grants. */
  restricted(coordinate: string): boolean;
}

const argument = (directive: ConstDirectiveNode, name: string) => directive.arguments?.find((arg) => arg.name.value === name)?.value;

function enumArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = argument(directive, name);
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, name: string, fallback: boolean): boolean {
  const value = argument(directive, name);
  return value?.kind === Kind.BOOLEAN ? value.value : fallback;
}

/** Top-level field names of a key field set: "id" or "code" or "id owner { id }" → id, owner. */
function keyFields(directive: ConstDirectiveNode): string[] {
  const value = argument(directive, 'key');
  if (value?.kind !== Kind.STRING) return [];
  const names: string[] = [];
  let depth = 0;
  for (const token of value.value.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
    if (token === '{') depth += 1;
    else if (token === '}') depth -= 1;
    else if (depth === 0) names.push(token);
  }
  return names;
}

const named = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => (directives ?? []).filter((d) => d.name.value === name);

/** Ownership from the supergraph's definitions and its `join__Graph` subgraphs (see `readSupergraphModel`). */
export function graphOwnership(definitions: readonly DefinitionNode[], graphs: readonly { enumValue: string; name: string }[]): GraphOwnership {
  // join__Graph values name the subgraphs; our subgraphs are named by agency code.
  const agencyOfGraph = new Map(graphs.map((graph) => [graph.enumValue, graph.name]));
  // The graph's own subgraphs (the change stream) own no agency's data.
  const agencyGraphs = new Set([...agencyOfGraph.values()].filter(isAgencyCode));
  // Only what some agencies' graphs, but not all, can resolve is owned.
  const owned = (graphs: Iterable<string>): readonly string[] => {
    const agencies = [...new Set([...graphs].map((graph) => agencyOfGraph.get(graph) ?? graph.toLowerCase()))].filter(isAgencyCode).sort();
    return agencies.length === 0 || agencies.length >= agencyGraphs.size ? [] : agencies;
  };

  const types = new Map<string, readonly string[]>();
  const fields = new Map<string, readonly string[]>();
  const streamOnly = new Set<string>();
  const restricted = new Set<string>();
  for (const definition of definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    const joins = named(definition.directives, 'join__type');
    const typeRestricted = named(definition.directives, 'policy').length > 0;
    const resolvableIn = joins.filter((d) => booleanArgument(d, 'resolvable', true)).map((d) => enumArgument(d, 'graph') ?? '');
    types.set(typeName, owned(resolvableIn));
    for (const field of definition.fields ?? ([] as readonly FieldDefinitionNode[])) {
      const fieldJoins = named(field.directives, 'join__field').filter((d) => enumArgument(d, 'graph') && !booleanArgument(d, 'external', false));
      // Without @join__field a field lives where its type does; a key field also where the type is only referenced.
      const graphs =
        fieldJoins.length > 0
          ? fieldJoins.map((d) => enumArgument(d, 'graph')!)
          : joins.filter((d) => booleanArgument(d, 'resolvable', true) || keyFields(d).includes(field.name.value)).map((d) => enumArgument(d, 'graph') ?? '');
      const coordinate = `${typeName}.${field.name.value}`;
      fields.set(coordinate, owned(graphs));
      if (graphs.length > 0 && !graphs.some((graph) => isAgencyCode(agencyOfGraph.get(graph) ?? graph.toLowerCase()))) streamOnly.add(coordinate);
      if (typeRestricted || named(field.directives, 'policy').length > 0) restricted.add(coordinate);
    }
  }
  return {
    fieldOwners: (coordinate) => fields.get(coordinate) ?? [],
    typeOwners: (typeName) => types.get(typeName) ?? [],
    outsideAgencies: (coordinate) => streamOnly.has(coordinate),
    restricted: (coordinate) => restricted.has(coordinate),
  };
}
