import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL } from '@antq/testing';
import { seededRandom } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';

/**
 * The graph against the national registry it was compiled from (../shared/data/vn-admin-units,
 * beside the project as CI lays it out): 200 communes drawn at random (seeded) from each register,
 * each addressed as it was in that register, its lineage across the 2025 reform compared with the
 * registry's mapping, and found by its name among ended units.
 */
const derived = new URL('../../../../shared/data/vn-admin-units/derived/', import.meta.url);
const REGISTERS = ['2024-11-01', '2025-03-01', '2025-07-01', '2026-04-30'] as const;
const SAMPLE = 200;

type Row = Record<string, string>;

/**
 * Names compared as the registry keeps them: one version while only the spelling changes (the
 * tone mark of "Khánh Hòa" moved in 2026 to "Khánh Hoà"), spelt as in the newest register.
 */
const spelling = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
function readCsv(file: string): Row[] {
  const [header, ...lines] = readFileSync(new URL(file, derived), 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [columns[index], value])));
}

function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return picked;
}

const mapping = readCsv('communes-old-to-new.csv');
const byOld = new Map<string, Row[]>();
const byNew = new Map<string, Row[]>();
for (const row of mapping) {
  byOld.set(row.old_code!, [...(byOld.get(row.old_code!) ?? []), row]);
  byNew.set(row.new_code!, [...(byNew.get(row.new_code!) ?? []), row]);
}

let subgraph: AgencySubgraph;
const signingKey = randomBytes(32).toString('base64');

async function askMany<T>(fields: string[]): Promise<T[]> {
  const answers: T[] = [];
  for (let start = 0; start < fields.length; start += 40) {
    const batch = fields.slice(start, start + 40);
    const query = `{ ${batch.map((field, index) => `a${index}: ${field}`).join('\n')} }`;
    const response = await postSignedGraphQL<Record<string, T>>(subgraph.url, { query, signingKey, audience: 'youth' });
    expect(response.errors, JSON.stringify(response.errors?.slice(0, 2))).toBeUndefined();
    answers.push(...batch.map((_, index) => response.data![`a${index}`]!));
  }
  return answers;
}

beforeAll(async () => {
  subgraph = await createAgencySubgraph({ agency: 'youth' }, { signingKey, registry: await loadAreaRegistry(), logLevel: 'silent' });
});
afterAll(async () => subgraph?.close());

describe.each(REGISTERS.map((register, index) => [register, index] as const))('the register of %s', (register, index) => {
  const communes = sample(
    readCsv(`units-${register}.csv`).filter((row) => row.level === 'commune'),
    SAMPLE,
    seededRandom(20_251_202 + index),
  );

  it(`addresses ${SAMPLE} random communes as they were then: name, parent, province`, async () => {
    const answers = await askMany<{ code: string; name: string; parent: { code: string } | null; province: { code: string } | null }>(
      communes.map((row) => `area(code: "${row.code}", on: "${register}") { code name parent { code } province { code } }`),
    );
    answers.forEach((answer, at) => {
      const row = communes[at]!;
      expect({ code: answer.code, name: spelling(answer.name), parent: answer.parent?.code, province: answer.province?.code }, row.code).toEqual({
        code: row.code,
        name: spelling(row.name!),
        parent: row.parent_code,
        province: row.province_code,
      });
    });
  });

  it('agrees with the registry on successors (before the reform) or predecessors (after it)', async () => {
    if (register === '2025-03-01') {
      const mapped = communes.filter((row) => byOld.has(row.code!));
      expect(mapped.length).toBeGreaterThan(SAMPLE / 2);
      const answers = await askMany<{ successors: { area: { code: string }; relation: string }[] }>(
        mapped.map((row) => `area(code: "${row.code}", on: "${register}") { successors { area { code } relation } }`),
      );
      answers.forEach((answer, at) => {
        const expected = byOld
          .get(mapped[at]!.code!)!
          .map((link) => `${link.new_code}:${link.relation!.toUpperCase()}`)
          .sort();
        expect(answer.successors.map((link) => `${link.area.code}:${link.relation}`).sort(), mapped[at]!.code).toEqual([...new Set(expected)]);
      });
    } else if (register === '2025-07-01') {
      const answers = await askMany<{ predecessors: { area: { code: string } }[] }>(
        communes.map((row) => `area(code: "${row.code}", on: "${register}") { predecessors { area { code } } }`),
      );
      answers.forEach((answer, at) => {
        const expected = [...new Set((byNew.get(communes[at]!.code!) ?? []).map((link) => link.old_code!))].sort();
        const got = answer.predecessors.map((link) => link.area.code).sort();
        // The registry maps communes; the reform's island districts appear as predecessors too.
        expect(
          got.filter((code) => code.length === 5),
          communes[at]!.code,
        ).toEqual(expected);
      });
    } else {
      // Between the other registers a unit continues under its code unless the data links it (Hưng Tân → Thông Tân).
      const answers = await askMany<{ validFrom: string; validTo: string | null }>(communes.map((row) => `area(code: "${row.code}", on: "${register}") { validFrom validTo }`));
      answers.forEach((answer) => {
        expect(answer.validFrom <= register).toBe(true);
        if (answer.validTo !== null) expect(answer.validTo > register).toBe(true);
      });
    }
  });

  it('finds each one by its name among ended and current units of its province', async () => {
    const few = communes.slice(0, 60);
    const answers = await askMany<{ code: string; name: string }[]>(
      few.map((row) => `areas(search: ${JSON.stringify(row.name)}, provinceCode: "${row.province_code}", currentOnly: false, first: 100) { code name }`),
    );
    answers.forEach((found, at) =>
      expect(
        found.map((unit) => ({ code: unit.code, name: spelling(unit.name) })),
        few[at]!.name,
      ).toContainEqual({ code: few[at]!.code, name: spelling(few[at]!.name!) }),
    );
  });
});
