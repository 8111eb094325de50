/**
 * Interoperability with the real Hive Gateway runtime: the gateway signs with its own
 * `useHmacUpstreamSignature` (@graphql-mesh/hmac-upstream-signature), plans with the Rust planner
 * as `services/gateway` does, and calls the tiny subgraph over HTTP.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import {
  createGatewayRuntime,
  defaultExecutionRequestSerializer,
  defaultParamsSerializer,
  useHmacUpstreamSignature,
  type GatewayPlugin,
} from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import { serializeSignedParams, serializeSignedRequest } from '../src/identity/gateway-signature.js';
import { randomKey, startTinySubgraph, tinySdl } from './fixtures/tiny-subgraph.js';

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
  it("serializes the signed payload exactly as Hive's default serializers when no caller is forwarded", () => {
    const query = `query Widget($id: ID!) { widget(id: $id) { id name } }`;
    const variables = { id: randomUUID(), extra: [1, { b: 2, a: 1 }] };
    expect(serializeSignedParams({ query, variables })).toBe(defaultParamsSerializer({ query, variables }));
    expect(serializeSignedParams({ query, variables: {} })).toBe(defaultParamsSerializer({ query, variables: {} }));
    const document = parse(query);
    expect(serializeSignedRequest({ document, variables })).toBe(defaultExecutionRequestSerializer({ document, variables }));
  });

  it("accepts requests signed by Hive's stock hmacSignature option", async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      hmacSignature: { secret: subgraph.signingKey },
      logging: false,
    });
    const id = randomUUID();
    const res = await ask(gateway, 'query($id: ID!) { widget(id: $id) { id name } tag }', { variables: { id } });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ widget: { id, name: subgraph.widgetName }, tag: subgraph.tag });
  });

  it('passes the UNAUTHENTICATED refusal through when the gateway signs with another key', async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      hmacSignature: { secret: randomKey() },
      logging: false,
    });
    const res = await ask(gateway, '{ tag }');
    expect(res.data?.tag ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toContain('accepts only gateway-signed requests');
  });

  it('delivers the forwarded caller when the signature covers it (serializeSignedRequest, plugin after the JWT one)', async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      plugins: () => [
        forwardCallerFromHeader,
        // Hive's packages bring two copies of @graphql-hive/logger's types; the plugin is the same at runtime.
        useHmacUpstreamSignature({ secret: subgraph.signingKey, serializeExecutionRequest: serializeSignedRequest }) as GatewayPlugin,
      ],
      logging: false,
    });
    const subject = `officer-${randomUUID()}`;
    const res = await ask(gateway, '{ whoami { subject agency organisation roles } }', {
      caller: { sub: subject, agency: 'police', roles: ['analyst'], exp: Math.floor(Date.now() / 1000) + 600 },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data?.whoami).toEqual({ subject, agency: 'police', organisation: 'police', roles: ['analyst'] });
  });

  it("refuses a forwarded caller that Hive's default serializer left unsigned", async () => {
    await using subgraph = await startTinySubgraph();
    await using gateway = createGatewayRuntime({
      supergraph: supergraphOf(subgraph),
      unifiedGraphHandler,
      transports: { http },
      plugins: () => [forwardCallerFromHeader, useHmacUpstreamSignature({ secret: subgraph.signingKey }) as GatewayPlugin],
      logging: false,
    });
    const res = await ask(gateway, '{ whoami { subject } }', { caller: { sub: 'someone', agency: 'police', exp: Math.floor(Date.now() / 1000) + 600 } });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('matches the signature Hive computes by hand in its own tests', () => {
    const secret = randomKey();
    const params = { query: '{__typename hello}', variables: { a: 1 } };
    const hive = createHmac('sha256', secret).update(defaultParamsSerializer(params) as string).digest('base64');
    const ours = createHmac('sha256', secret).update(serializeSignedParams(params)).digest('base64');
    expect(ours).toBe(hive);
  });
});
