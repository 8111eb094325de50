import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

/*
 * Tín hiệu của từng lời gọi — every subgraph call hangs abort listeners on signals that outlive it
 * (the HTTP executor's, for the gateway's life; the upstream timeout's, for its 10 s). They must be
 * let go when the call ends: kept until the timeout's timer fires, a busy gateway held thousands,
 * and Node warned of a leak after ten calls in ten seconds.
 */

let graph: TwoAgencyGraph;
let url: string;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  url = (await graph.gateway({ responseCache: false })).url;
  process.on('warning', onWarning);
}, 120_000);

afterAll(async () => {
  process.off('warning', onWarning);
  await graph?.close();
});

describe('the signals of subgraph calls', () => {
  it('are let go when each call ends: 60 reads in a row, no listener-leak warning', async () => {
    const token = await graph.issuer.mint({ agency: 'police', organisation: 'police', roles: ['analyst'], jurisdiction: 'VN', clearance: 'shared' });
    for (let i = 0; i < 60; i += 1) {
      const answer = await post(url, '{ policeModels(first: 1) { totalCount } frontModels(first: 1) { totalCount } }', token);
      expect(answer.body.errors).toBeUndefined();
    }
    // A warning is emitted on the next turn of the event loop after the listener that crossed the line.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
  });
});
