import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentIssuer, createGateway, type Gateway } from '../src/index.js';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

/** A stand-in OpenTelemetry collector: an HTTP endpoint that keeps what is posted to it. */
describe('OpenTelemetry tracing by configuration', () => {
  let collector: Server;
  let gateway: Gateway;
  const exports: { path: string; body: string }[] = [];

  beforeAll(async () => {
    collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        exports.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as { port: number };
    const issuer = await createDevelopmentIssuer();
    gateway = await createGateway({
      supergraph,
      signingKey: 'test-signing-key',
      logLevel: false,
      metrics: false,
      identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
      tracing: { endpoint: `http://127.0.0.1:${port}/v1/traces`, serviceName: 'antq-gateway-test', batching: false },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('exports a span of each operation over OTLP/HTTP, named by the service', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query TracedProbe { __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    const deadline = Date.now() + 10_000;
    while (!exports.some((item) => item.body.includes('TracedProbe')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const traced = exports.find((item) => item.body.includes('TracedProbe'));
    expect(traced?.path).toBe('/v1/traces');
    expect(traced?.body).toContain('antq-gateway-test');
  });
});
