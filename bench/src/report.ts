/** The tables of a run: one per reference operation, every target side by side. */
import type { TargetKind } from './gateway-host.js';
import { fmt, percentile, tallyOf } from './measure.js';
import type { ReferenceOperation } from './operations.js';
import { PEERS } from './options.js';

export function printReport(operations: readonly ReferenceOperation[], kinds: readonly TargetKind[], subgraphCalls: Map<string, number>, invalid: ReadonlySet<string>) {
  const results: Record<string, Record<string, unknown>> = {};
  const peersHere = PEERS.filter((kind) => kinds.includes(kind));
  console.log(
    `\nBest peer: the best of ${peersHere.length ? peersHere.join(', ') : '— (no peer measured)'} on each operation (highest rps; lowest gateway CPU per request), among those that answered right. ` +
      'Peers are what an agency would otherwise install: stock Hive Gateway and Apollo Gateway on our mercurius subgraphs, and the whole Apollo stack ' +
      '(apollo-stack: Apollo Gateway over @apollo/server subgraphs, whose subgraph CPU is that of its own four subgraph processes). ' +
      'total CPU = gateway + its subgraphs (the whole server for the monolith).',
  );
  for (const operation of operations) {
    const rows = kinds.map((kind) => {
      const tally = tallyOf(operation.key, kind);
      const sorted = [...tally.latencies].sort((a, b) => a - b);
      return {
        kind,
        rps: tally.requests / (tally.elapsedMs / 1000),
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        cpuMs: tally.cpuUs / 1000 / tally.requests,
        subgraphCpuMs: kind === 'monolith' ? Number.NaN : tally.subgraphCpuUs / 1000 / tally.requests,
        /** Gateway and its subgraphs together (the whole server for the monolith): what the stack costs. */
        totalCpuMs: (tally.cpuUs + tally.subgraphCpuUs) / 1000 / tally.requests,
        rssMb: tally.rssMax / 2 ** 20,
        requests: tally.requests,
        failures: tally.non2xx + tally.errors + tally.graphqlErrors,
        calls: subgraphCalls.get(`${operation.key}|${kind}`),
        answers: invalid.has(`${operation.key}|${kind}`) ? 'WRONG' : 'ok',
      };
    });
    // Only targets that answered right (and completed requests in the windows) count as the best peer or the floor.
    const peers = rows.filter((row) => PEERS.includes(row.kind) && row.answers === 'ok' && row.requests > 0);
    const bestPeerRps = Math.max(...peers.map((row) => row.rps));
    const bestPeerCpu = Math.min(...peers.map((row) => row.cpuMs));
    const floor = rows.find((row) => row.kind === 'monolith' && row.answers === 'ok' && row.requests > 0);
    /** A ratio, or — when a side has no requests (a window too short for the operation). */
    const ratio = (value: number) => (Number.isFinite(value) ? `${fmt(value, 2)}×` : '—');
    console.log(`\n${operation.title}`);
    const header = [
      'target',
      'rps',
      'p50 ms',
      'p99 ms',
      'gw CPU ms/req',
      'subgraphs CPU ms/req',
      'total CPU ms/req',
      'RSS MB',
      'rps ÷ best peer',
      'CPU ÷ best peer',
      'rps ÷ monolith',
      'subgraph calls',
      'failed',
      'answer',
    ];
    const table = rows.map((row) => [
      row.kind,
      fmt(row.rps, row.rps < 10 ? 1 : 0),
      fmt(row.p50),
      fmt(row.p99),
      fmt(row.cpuMs, 2),
      fmt(row.subgraphCpuMs, 2),
      fmt(row.totalCpuMs, 2),
      fmt(row.rssMb, 0),
      peers.length ? ratio(row.rps / bestPeerRps) : '—',
      peers.length ? ratio(row.cpuMs / bestPeerCpu) : '—',
      floor ? ratio(row.rps / floor.rps) : '—',
      row.calls === undefined ? '—' : String(row.calls),
      String(row.failures),
      row.answers,
    ]);
    const widths = header.map((title, index) => Math.max(title.length, ...table.map((cells) => cells[index]!.length)));
    console.log(`| ${header.map((title, index) => title.padEnd(widths[index]!)).join(' | ')} |`);
    console.log(`| ${widths.map((width, index) => (index === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`);
    for (const cells of table) console.log(`| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join(' | ')} |`);
    results[operation.key] = Object.fromEntries(rows.map((row) => [row.kind, row]));
  }
  return results;
}
