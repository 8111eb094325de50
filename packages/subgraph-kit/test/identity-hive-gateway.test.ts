/**
 * Interoperability with the real Hive Gateway runtime: the gateway signs with the kit's scheme
 * from an `onSubgraphExecute` plugin (as `services/gateway`'s `useUpstreamSignature` does), plans
 * with the Rust planner, and calls the tiny subgraph over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import { deriveSubgraphKey, signExecutionRequest } from '../src/identity/gateway-signature.js';
import { randomKey, startTinySubgraph, tinySdl } from './fixtures/tiny-subgraph.js';

/** Signs every subgraph request for its subgraph, last in the plugin list. */
function signUpstream(signingKey: string): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName, executionRequest, setExecutionRequest }) {
      const extensions = signExecutionRequest(executionRequest, { key: deriveSubgraphKey(signingKey, subgraphName), audience: subgraphName });
      setExecutionRequest({ ...executionRequest, extensions });
    },
  };
}

type TinySubgraph = Awaited<ReturnType<typeof startTinySubgraph>>;

function supergraphOf(subgraph: TinySubgraph): string {
  const result = composeServices([{ name: 'police', typeDefs: parse(tinySdl), url: subgraph.url }]);
  if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join('\n'));
  if (!result.supergraphSdl) throw new Error('composition produced no supergraph');
  return result.supergraphSdl;
}

/** Forwards the caller's claims as Hive's `useJWT({ forward: { payload: true } })` does (from a test header). */
const forwardCallerFromHeader: GatewayPlugin = {
  onSubgraphExecute({ executionRequest, setExecutionRequest }) {
    const header = (executionRequest.context as { request?: Request } | undefined)?.request?.headers.get('x-test-caller');
    if (header) {
      setExecutionRequest({ ...executionRequest, extensions: { ...executionRequest.extensions, jwt: { payload: JSON.parse(header) } } });
    }
  },
};

async function ask(
  gateway: ReturnType<typeof createGatewayRuntime>,
  query: string,
  options: { variables?: Record<string, unknown>; caller?: Record<string, unknown> } = {},
): Promise<{ data?: Record<string, any>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const response = await gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.caller ? { 'x-test-caller': JSON.stringify(options.caller) } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

describe('Hive Gateway interoperability', () => {
  it('accepts the requests the Rust planner sends, signed for the subgraph', async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      plugins: () => [signUpstream(subgraph.signingKey)],
      logging: false,
    });
    for (let round = 0; round < 3; round += 1) {
      const id = randomUUID();
      const res = await ask(gateway, 'query($id: ID!) { widget(id: $id) { id name } tag }', { variables: { id } });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ widget: { id, name: subgraph.widgetName }, tag: subgraph.tag });
    }
  });

  it("refuses Hive's stock HMAC signature, which is neither fresh nor bound to a subgraph", async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      hmacSignature: { secret: subgraph.signingKey },
      logging: false,
    });
    const res = await ask(gateway, '{ tag }');
    expect(res.data?.tag ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('passes the UNAUTHENTICATED refusal through when the gateway signs with another key', async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      plugins: () => [signUpstream(randomKey())],
      logging: false,
    });
    const res = await ask(gateway, '{ tag }');
    expect(res.data?.tag ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toContain('accepts only gateway-signed requests');
  });

  it('delivers the forwarded caller, which the signature covers', async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      plugins: () => [forwardCallerFromHeader, signUpstream(subgraph.signingKey)],
      logging: false,
    });
    const subject = `officer-${randomUUID()}`;
    const exp = Math.floor(Date.now() / 1000) + 600;
    const res = await ask(gateway, '{ whoami { subject agency organisation roles } }', {
      caller: { sub: subject, agency: 'police', roles: ['analyst'], exp },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.whoami).toEqual({ subject, agency: 'police', organisation: 'police', roles: ['analyst'] });
  });

  it('refuses a forwarded caller whose token has expired, though the request is freshly signed', async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      plugins: () => [forwardCallerFromHeader, signUpstream(subgraph.signingKey)],
      logging: false,
    });
    const res = await ask(gateway, '{ whoami { subject } }', { caller: { sub: 'someone', agency: 'police', exp: Math.floor(Date.now() / 1000) - 3600 } });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
