import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevelopmentIssuer, createGateway, type Gateway, type GatewayOptions } from '../src/index.js';
import { EXAMPLE_OPERATIONS } from '../src/graphiql/example-operations.js';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');

async function startGateway(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const issuer = await createDevelopmentIssuer();
  return createGateway({
    supergraph,
    signingKey: 'test-signing-key',
    logLevel: false,
    identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
    ...options,
  });
}

const base = (gateway: Gateway) => gateway.url.replace(/\/graphql$/, '');
const ask = (gateway: Gateway, query: string) =>
  fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((response) => response.json());
const requestCount = (metrics: string): number =>
  [...metrics.matchAll(/^graphql_envelop_request_duration_count\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);

describe('Prometheus metrics at /metrics', () => {
  const gateways: Gateway[] = [];
  beforeAll(async () => {
    // Two gateways in one process: each has its own registry, so neither clashes with the other.
    gateways.push(await startGateway(), await startGateway(), await startGateway({ metrics: false }));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
  });

  it('serves each gateway its own counts, in the Prometheus text format', async () => {
    const [first, second] = gateways as [Gateway, Gateway];
    expect(await ask(first, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    expect(await ask(first, 'query Named { __typename }')).toEqual({ data: { __typename: 'Query' } });
    const response = await fetch(`${base(first)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const firstMetrics = await response.text();
    expect(firstMetrics).toContain('# TYPE graphql_envelop_request_duration histogram');
    expect(firstMetrics).toContain('# TYPE graphql_yoga_http_duration histogram');
    expect(requestCount(firstMetrics)).toBe(2);
    expect(requestCount(await (await fetch(`${base(second)}/metrics`)).text())).toBe(0);
    expect(first.metricsRegistry).toBeDefined();
    expect(first.metricsRegistry).not.toBe(second.metricsRegistry);
  });

  it('counts errors and subgraph calls, and a subgraph that is down', async () => {
    const [first] = gateways as [Gateway];
    // The checked-in supergraph points at the embedded ports, where nothing listens in this test.
    await ask(first, '{ area(code: "28159") { police { agency } } }');
    await ask(first, '{ noSuchField }');
    const metrics = await (await fetch(`${base(first)}/metrics`)).text();
    expect(metrics).toMatch(/graphql_envelop_error_result\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/graphql_gateway_subgraph_execute_duration_count\{[^}]*subgraphName="\w+"[^}]*\} [1-9]/);
  });

  it('is off with metrics: false', async () => {
    const off = gateways[2]!;
    expect((await fetch(`${base(off)}/metrics`)).status).toBe(404);
    expect(off.metricsRegistry).toBeUndefined();
  });

  it('answers only the metrics token when it has one', async () => {
    const token = randomBytes(24).toString('hex');
    const guarded = await startGateway({ metricsToken: token });
    try {
      const scrape = (authorization?: string) => fetch(`${base(guarded)}/metrics`, { headers: authorization ? { authorization } : {} });
      for (const refused of [await scrape(), await scrape(`Bearer ${token.slice(1)}`), await scrape(`Bearer ${token}x`), await scrape(token)]) {
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Bearer');
        expect(((await refused.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/needs the metrics token: Authorization: Bearer <ANTQ_METRICS_TOKEN>/);
      }
      const answered = await scrape(`Bearer ${token}`);
      expect(answered.status).toBe(200);
      expect(await answered.text()).toContain('# TYPE graphql_envelop_request_duration histogram');
      // The graph itself asks nothing of the kind.
      expect(await ask(guarded, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await guarded.close();
    }
  });
});

describe('GraphiQL with the analysts’ example operations', () => {
  it('are valid operations of the API schema, each named in both languages', () => {
    const api = buildASTSchema(transformSupergraphToPublicSchema(parse(supergraph)), { assumeValidSDL: true });
    expect(EXAMPLE_OPERATIONS.length).toBeGreaterThanOrEqual(3);
    for (const operation of EXAMPLE_OPERATIONS) {
      expect({ operation: operation.name, errors: validate(api, parse(operation.query)).map((error) => error.message) }).toEqual({ operation: operation.name, errors: [] });
      expect(operation.query).toContain(`query ${operation.name}`);
      expect(operation.label.vi).not.toBe(operation.label.en);
    }
  });

  it('opens at GET /graphql with one tab per example operation', async () => {
    const gateway = await startGateway({ graphiql: true });
    try {
      const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('defaultTabs');
      for (const operation of EXAMPLE_OPERATIONS) expect(html).toContain(operation.name);
      expect(html).toContain('Tổng quan địa bàn');
      expect(html).toContain('Province roll-up');
    } finally {
      await gateway.close();
    }
  });

  it('is off unless asked for', async () => {
    const gateway = await startGateway();
    try {
      const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      expect(await response.text()).not.toContain('defaultTabs');
    } finally {
      await gateway.close();
    }
  });
});

describe('security headers on every answer', () => {
  it('forbids framing and sniffing everywhere; pages, GraphiQL’s too, run only the gateway’s own script files', async () => {
    const gateway = await startGateway({ graphiql: true });
    try {
      const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
      const json = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      const health = await fetch(`${base(gateway)}/health`);
      const missing = await fetch(`${base(gateway)}/no-such-page`);
      for (const response of [page, json, health, missing]) {
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(response.headers.get('strict-transport-security')).toBeNull();
      }
      expect(health.headers.get('content-security-policy')).toContain("script-src 'self';");
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
      // No inline script for a policy to allow: the options travel in a JSON data block.
      const html = await page.text();
      expect([...html.matchAll(/<script(?![^>]*\b(?:src|type="application\/json")=?)[^>]*>/g)]).toEqual([]);
      expect(html).toContain('<script type="application/json" id="graphiql-options">');
      expect((await json.json()) as unknown).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await gateway.close();
    }
  });
});
