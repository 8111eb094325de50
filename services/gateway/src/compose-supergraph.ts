import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';

/** The agency subgraphs, in the order the supergraph lists them. */
export const AGENCY_SUBGRAPHS = ['police', 'front', 'veterans', 'youth'] as const;

/** Every subgraph of the graph: the agencies' and the change stream. */
export const GRAPH_SUBGRAPHS = [...AGENCY_SUBGRAPHS, 'stream'] as const;

export interface SubgraphSource {
  readonly name: string;
  /** Where the gateway reaches it; embedded start-up rewrites these to the running ports. */
  readonly url: string;
  readonly sdl: string;
}

/**
 * Hợp nhất lược đồ — composes the agency SDL files into one supergraph with The Guild's
 * Federation 2 composition. Throws with every composition error when they do not compose.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) })));
  if (result.errors && result.errors.length > 0) {
    throw new Error(`The subgraph schemas do not compose:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  if (!result.supergraphSdl) throw new Error('Composition produced no supergraph and reported no error.');
  return result.supergraphSdl;
}

/** Default subgraph addresses of the embedded mode, one port each from 4001. */
export function embeddedSubgraphUrl(name: string): string {
  return `http://127.0.0.1:${4001 + GRAPH_SUBGRAPHS.indexOf(name as (typeof GRAPH_SUBGRAPHS)[number])}/graphql`;
}
