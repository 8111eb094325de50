/**
 * Ngày làm việc của một chuyên viên phân tích — the "analyst day" workload: many distinct
 * questions (the four reference shapes over different areas, periods and ids) asked with a
 * Zipf-like popularity, while an agency's writes arrive steadily through the same gateway and
 * change what the questions read.
 *
 * Pure data, used by the orchestrator (to plan and print) and by the load process (to send).
 */
import { BENCH_PROVINCE, BENCH_YEAR, modelId } from './dataset.js';
import type { ReferenceOperation } from './operations.js';

export interface DayOperation {
  readonly shape: ReferenceOperation['key'];
  /** The JSON body sent (query and variables). */
  readonly body: string;
}

/** A write of the day: a police model renamed or a police figure corrected (the values change per write). */
export interface DayWrite {
  readonly kind: 'rename' | 'correct';
  /** The record written. */
  readonly id: string;
}

/** A small seeded PRNG (mulberry32): the same plan and draws in every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}

/** The overview document with its search text and page size as variables. */
function overviewDocument(reference: ReferenceOperation): string {
  const replaced = reference.query
    .replace('query CommuneOverview($province: ID!)', 'query CommuneOverview($province: ID!, $search: String!, $first: Int!)')
    .replace('search: "2"', 'search: $search')
    .replace('provinceCode: $province, first: 50)', 'provinceCode: $province, first: $first)');
  if (!replaced.includes('$search: String!') || !replaced.includes('search: $search') || !replaced.includes('first: $first)')) {
    throw new Error('The overview reference operation changed: update day.ts (overviewDocument).');
  }
  return replaced;
}

const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

/**
 * The day's distinct operations over the province's current communes `communes`: overviews
 * (12 search texts × 3 page sizes), roll-ups (the province and each commune × the year and each
 * of its months), linked records (the province and each commune), lookups (every police model).
 */
export function dayOperations(references: readonly ReferenceOperation[], communes: readonly string[], seed = 16): DayOperation[] {
  const of = (key: ReferenceOperation['key']) => references.find((reference) => reference.key === key)!;
  const operations: DayOperation[] = [];
  const overview = overviewDocument(of('overview'));
  for (const search of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'Xã', 'Phường']) {
    for (const first of [10, 20, 50]) operations.push({ shape: 'overview', body: body(overview, { province: BENCH_PROVINCE, search, first }) });
  }
  const areas = [BENCH_PROVINCE, ...communes];
  const months = Array.from({ length: 12 }, (_, index) => `${BENCH_YEAR}-${String(index + 1).padStart(2, '0')}`);
  for (const area of areas) {
    operations.push({ shape: 'rollup', body: body(of('rollup').query, { province: area, period: BENCH_YEAR, lastMonth: `${BENCH_YEAR}-12` }) });
    for (const month of months) operations.push({ shape: 'rollup', body: body(of('rollup').query, { province: area, period: month, lastMonth: month }) });
    operations.push({ shape: 'nested', body: body(of('nested').query, { province: area }) });
  }
  for (const commune of communes) {
    for (let index = 0; index < 3; index++) operations.push({ shape: 'lookup', body: body(of('lookup').query, { id: modelId('police', commune, index) }) });
  }
  return shuffle(operations, seededRandom(seed));
}

/**
 * The writes: renames of police models and corrections of police figures (criminal offences in
 * the months after the 2025 reform, reported under the current communes), over all communes.
 */
export function dayWrites(communes: readonly string[], seed = 61): DayWrite[] {
  const writes: DayWrite[] = [];
  for (const commune of communes) {
    for (let index = 0; index < 3; index++) writes.push({ kind: 'rename', id: modelId('police', commune, index) });
    for (let month = 7; month <= 12; month++) writes.push({ kind: 'correct', id: `bench-police-obs-criminal_offences-${commune}-${BENCH_YEAR}-${String(month).padStart(2, '0')}` });
  }
  return shuffle(writes, seededRandom(seed));
}

const RENAME = /* GraphQL */ `
  mutation DayRename($id: ID!, $name: String!) {
    updatePoliceModel(id: $id, input: { name: $name }) {
      id
      name
    }
  }
`;

const CORRECT = /* GraphQL */ `
  mutation DayCorrect($id: ID!, $value: Float!, $note: String!) {
    correctPoliceObservation(id: $id, input: { value: $value, note: $note }) {
      id
      value
    }
  }
`;

/** The body of the `sequence`-th write of a run: a value no earlier write of the run gave. */
export function writeBody(write: DayWrite, sequence: number, runTag: string): string {
  return write.kind === 'rename'
    ? body(RENAME, { id: write.id, name: `Mô hình ${runTag}-${sequence}` })
    : body(CORRECT, { id: write.id, value: 1000 + sequence, note: `Benchmark correction ${runTag}-${sequence}` });
}

/** Draws operation indices with Zipf-like popularity: P(k) ∝ 1 / (k + 1)^s. */
export function zipfSampler(count: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let index = 0; index < count; index++) {
    total += 1 / (index + 1) ** exponent;
    cumulative[index] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}
