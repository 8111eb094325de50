import { isAgencyCode, type Agency } from '@antq/sdk';
import { createGrantDirectory, type GrantDirectory } from '@antq/subgraph-kit';
import { parse, valueFromASTUntyped, type EnumTypeDefinitionNode } from 'graphql';

/** The subgraph URLs the supergraph's `join__Graph` enum names. */
export function subgraphUrls(supergraphSdl: string): Partial<Record<Agency, string>> {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphs = document.definitions.find(
    (definition): definition is EnumTypeDefinitionNode => definition.kind === 'EnumTypeDefinition' && definition.name.value === 'join__Graph',
  );
  const urls: Partial<Record<Agency, string>> = {};
  for (const value of graphs?.values ?? []) {
    const directive = value.directives?.find((candidate) => candidate.name.value === 'join__graph');
    const argument = (name: string) => directive?.arguments?.find((candidate) => candidate.name.value === name);
    const name = String(valueFromASTUntyped(argument('name')!.value));
    const url = argument('url') && String(valueFromASTUntyped(argument('url')!.value));
    if (isAgencyCode(name) && url) urls[name] = url;
  }
  return urls;
}

/** The grant directory of a gateway: the owners are the agency subgraphs its supergraph names. */
export function createGatewayGrantDirectory(options: { supergraphSdl: string; signingKey: string }): GrantDirectory {
  return createGrantDirectory({ owners: subgraphUrls(options.supergraphSdl), signingKey: options.signingKey });
}
