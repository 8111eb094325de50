import { isAgencyCode, type Agency } from '@antq/sdk';
import { Kind, parse, type DefinitionNode, type DocumentNode } from 'graphql';
import { graphOwnership, type GraphOwnership } from './audit/ownership.js';

/** One subgraph the supergraph's `join__Graph` enum names. */
export interface SupergraphGraph {
  /** The enum value that join directives use (`POLICE`). */
  readonly enumValue: string;
  /** The subgraph's name (`police`); our agency subgraphs are named by agency code. */
  readonly name: string;
  readonly url: string | undefined;
}

/**
 * Mô hình siêu đồ thị — what the gateway knows of the supergraph it serves, read from its SDL
 * once: the subgraphs and their URLs, the agencies among them, and who owns which type and field.
 */
export interface SupergraphModel {
  readonly sdl: string;
  readonly document: DocumentNode;
  readonly graphs: readonly SupergraphGraph[];
  /** Subgraph URL of each agency the supergraph names. */
  readonly agencyUrls: Partial<Record<Agency, string>>;
  readonly ownership: GraphOwnership;
}

const stringArgument = (directive: { arguments?: readonly { name: { value: string }; value: { kind: Kind; value?: unknown } }[] | undefined }, name: string) => {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING ? String(value.value) : undefined;
};

function readGraphs(definitions: readonly DefinitionNode[]): SupergraphGraph[] {
  const graphs: SupergraphGraph[] = [];
  for (const definition of definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const declared = value.directives?.find((directive) => directive.name.value === 'join__graph');
      graphs.push({
        enumValue: value.name.value,
        name: (declared && stringArgument(declared, 'name')) ?? value.name.value.toLowerCase(),
        url: declared && stringArgument(declared, 'url'),
      });
    }
  }
  return graphs;
}

/** Parses the supergraph SDL once; everything the gateway needs of it is read from the result. */
export function readSupergraphModel(sdl: string): SupergraphModel {
  const document = parse(sdl, { noLocation: true });
  const graphs = readGraphs(document.definitions);
  const agencyUrls: Partial<Record<Agency, string>> = {};
  for (const graph of graphs) if (isAgencyCode(graph.name) && graph.url) agencyUrls[graph.name] = graph.url;
  return { sdl, document, graphs, agencyUrls, ownership: graphOwnership(document.definitions, graphs) };
}
