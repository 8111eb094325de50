import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/index.js';
import { startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

// /metrics is labelled by what the server knows, never by what a client chose: a client sending
// ever new operation names (or aliases) must not grow every scrape and the gateway's memory.

let graph: TwoAgencyGraph;
let gateway: Gateway;

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  gateway = await graph.gateway({ responseCache: false });
}, 300_000);

afterAll(async () => {
  await graph?.close();
}, 300_000);

const metrics = async () => (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
const randomName = () => `Op${randomBytes(8).toString('hex')}`;

/** One request of each kind a client controls the names of: a query, a failing query, a GET. */
async function sendNamedRequests(count: number): Promise<string[]> {
  const names: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const name = randomName();
    const alias = `a${randomBytes(6).toString('hex')}`;
    names.push(name, alias);
    const query =
      index % 3 === 0
        ? `query ${name} { ${alias}: area(code: "28159") { code police { agency } } }`
        : index % 3 === 1
          ? `query ${name} { ${alias}: area(code: "99999999") { code } }`
          : `query ${name} { ${alias}: __typename }`;
    const response =
      index % 4 === 3
        ? await fetch(`${gateway.url}?query=${encodeURIComponent(query)}&operationName=${name}`, { headers: { accept: 'application/json' } })
        : await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName: name }) });
    expect(response.status).toBeLessThan(500);
    await response.arrayBuffer();
  }
  return names;
}

describe('/metrics labels', () => {
  it('do not grow with the operation names and aliases clients choose', async () => {
    const firstNames = await sendNamedRequests(24);
    const afterFirst = await metrics();
    const moreNames = await sendNamedRequests(200);
    const afterMore = await metrics();
    for (const name of [...firstNames, ...moreNames]) expect(afterMore).not.toContain(name);
    // The same series, only their values moved on.
    const seriesOf = (text: string) =>
      new Set(
        text
          .split('\n')
          .filter((line) => line && !line.startsWith('#'))
          .map((line) => line.replace(/ [^ ]+$/, '')),
      );
    expect([...seriesOf(afterMore)].filter((series) => !seriesOf(afterFirst).has(series))).toEqual([]);
    expect(afterMore.length).toBeLessThan(afterFirst.length * 1.1);
    // And they still say what ran: per subgraph, per operation type.
    expect(afterMore).toMatch(/graphql_gateway_subgraph_execute_duration_count\{[^}]*subgraphName="police"/);
    expect(afterMore).toMatch(/graphql_envelop_request_duration_count\{[^}]*operationType="query"[^}]*\} \d+/);
  }, 180_000);
});
