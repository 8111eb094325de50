// Measures the SDK's hot paths on the built package: registry load, look-ups, search, lineage and roll-up.
//   npm run build -w @antq/sdk && npm run bench -w @antq/sdk
import { readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// Size of each built entry and of the chunks it loads (minified by the consumer's bundler; raw here).
const dist = new URL('../dist/', import.meta.url);
console.log('built file                                    bytes     gzip');
for (const file of readdirSync(dist)
  .filter((name) => /\.(js|cjs)$/.test(name))
  .sort()) {
  const bytes = statSync(new URL(file, dist)).size;
  const gzip = gzipSync(readFileSync(new URL(file, dist))).length;
  console.log(`${file.padEnd(40)} ${String(bytes).padStart(9)} ${String(gzip).padStart(8)}`);
}
console.log('');

function measure(label, runs, work) {
  for (let i = 0; i < Math.min(runs, 100); i++) work(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) work(i);
  const ms = performance.now() - start;
  console.log(`${label.padEnd(44)} ${(runs / (ms / 1000)).toFixed(0).padStart(10)} ops/s  ${((ms * 1000) / runs).toFixed(2).padStart(9)} µs/op`);
}

const importStart = performance.now();
const sdk = await import('../dist/index.js');
const importRoot = performance.now() - importStart;
const areasStart = performance.now();
const { loadAreaRegistry } = await import('../dist/areas.js');
const registry = await loadAreaRegistry();
const loadMs = performance.now() - areasStart;
console.log(`import @antq/sdk                              ${importRoot.toFixed(1)} ms`);
console.log(`import @antq/sdk/areas + loadAreaRegistry()   ${loadMs.toFixed(1)} ms (first use)`);

const communes = registry.children('80').map((unit) => unit.code);
measure('registry.get (current code)', 200_000, (i) => registry.get(communes[i % communes.length]));
measure('registry.get (old code on 2025-03-01)', 200_000, () => registry.get('28168', { on: '2025-03-01' }));
measure('registry.search("my loc")', 2_000, () => registry.search('my loc'));
measure('registry.currentOf(old commune)', 100_000, () => registry.currentOf('18031'));
measure('registry.constituentsOf(province 80)', 2_000, () => registry.constituentsOf('80'));

const indicator = sdk.requireIndicator('criminal_offences');
const observations = communes.flatMap((code, i) => [{ id: `a${i}`, indicator: indicator.code, areaCode: code, period: '2025-Q3', value: i % 7, agency: 'police', revision: 1 }]);
measure(`rollUpObservations (${observations.length} communes → province)`, 2_000, () =>
  sdk.rollUpObservations({ indicator, observations, target: '80', period: '2025-Q3', areas: registry }),
);
measure('comparePeriods(13 vs 37)', 1_000_000, () => sdk.comparePeriods({ current: 13, previous: 37 }));
measure('parsePeriod("2025-Q3")', 1_000_000, () => sdk.parsePeriod('2025-Q3'));
