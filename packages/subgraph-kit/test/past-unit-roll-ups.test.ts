import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AntqError, parsePeriod, type RegisterDate } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { seededRandom, storageDrivers } from '@antq/testing';
import { outboxMigrations } from '../src/outbox/index.js';
import { createAreaScopes, type AreaScopes } from '../src/records/area-scope.js';
import { rollUpMetrics, type MetricRequest, type MetricRollUp, type MetricRollUpOptions } from '../src/records/metric-roll-up.js';
import { agencyRecordMigrations } from '../src/records/record-migrations.js';
import { runMigrations, type Storage } from '../src/storage/index.js';
import { storeDataset, type DatasetRow } from './fixtures/roll-up-dataset.js';

/*
 * Roll-ups of units that have since ended (issue 13): Tỉnh Long An 80 before 2025-07-01, Huyện
 * Lâm Hà 676, Huyện Cần Giuộc 807. A past unit's figure must be the sum of what its communes
 * reported while it stood, and — for periods after it ended — of the units made wholly from its
 * communes, with units made partly from them listed, not summed. The expected figures are worked
 * out here from the register alone (ancestors, constituents), not from the roll-up's placing.
 */

let registry: AreaRegistry;
let scopes: AreaScopes;
let rows: DatasetRow[];

const MONTHS = [
  '2024-10',
  '2024-11',
  '2024-12',
  '2025-01',
  '2025-02',
  '2025-03',
  '2025-04',
  '2025-05',
  '2025-06',
  '2025-07',
  '2025-08',
  '2025-09',
  '2025-10',
  '2025-11',
  '2025-12',
];
const INDICATOR = 'criminal_offences';

function lastDay(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

/** Monthly figures of every commune of Long An, Tây Ninh (old and new) and Lâm Đồng as the register stood, and 2017 figures of the old communes. */
function generateRows(): DatasetRow[] {
  const next = seededRandom(13);
  const generated: DatasetRow[] = [];
  const communesOf = (code: string, register: RegisterDate): string[] =>
    registry.children(code, { on: register }).flatMap((unit) => (unit.level === 'commune' ? [unit.code] : communesOf(unit.code, register)));
  const provincesOn = (register: RegisterDate) => (register < '2025-07-01' ? ['80', '72', '68'] : ['80', '68']);
  const add = (areaCode: string, period: string, start: string, end: string) =>
    generated.push({ id: `past-${generated.length}`, indicator: INDICATOR, areaCode, period, start, end, value: String(Math.floor(next() * 20)) });
  for (const month of MONTHS) {
    const register = registry.registerOn(`${month}-01`);
    for (const province of provincesOn(register)) for (const commune of communesOf(province, register)) add(commune, month, `${month}-01`, lastDay(month));
  }
  for (const province of ['80', '72', '68']) for (const commune of communesOf(province, '2024-11-01')) add(commune, '2017', '2017-01-01', '2017-12-31');
  return generated;
}

/** What the register says the figure of `code` as it stood in `register` is for `period`: the sum, and the rows only partly in it. */
function expected(code: string, register: RegisterDate, period: string): { value: number | null; partial: string[] } {
  const asked = parsePeriod(period);
  const versionEnd = registry.get(code, { on: register })!.validTo;
  // The last register the version stands in.
  const last = registry.registers.filter((each) => each >= register && (versionEnd === undefined || each < versionEnd)).at(-1)!;
  let value: number | null = null;
  const partial: string[] = [];
  for (const row of rows) {
    if (row.start < asked.start || row.end > asked.end) continue;
    const at = registry.registerOn(row.start);
    let share: 'full' | 'part' | 'none';
    if (at <= last) {
      share = row.areaCode === code || (registry.ancestorCodes(row.areaCode, at) ?? []).includes(code) ? 'full' : 'none';
    } else {
      const madeFrom = registry.constituentsOf(row.areaCode, { on: at }).filter((unit) => unit.register === last);
      const inside = madeFrom.filter((unit) => (registry.ancestorCodes(unit.code, last) ?? []).includes(code));
      share = inside.length === 0 ? 'none' : inside.length === madeFrom.length ? 'full' : 'part';
    }
    if (share === 'full') value = (value ?? 0) + Number(row.value);
    if (share === 'part') partial.push(row.id);
  }
  return { value, partial: partial.sort() };
}

beforeAll(async () => {
  registry = await loadAreaRegistry();
  scopes = createAreaScopes(registry);
  rows = generateRows();
});

const options = (): MetricRollUpOptions => ({ agency: 'police', registry, scopeOf: scopes.scopeOf, versionScopeOf: scopes.versionScopeOf });

/** Past units, each with the date that names its version and the periods asked. */
const CASES: readonly { code: string; on?: string; register: RegisterDate; periods: readonly string[] }[] = [
  { code: '80', on: '2024-06-01', register: '2024-11-01', periods: ['2024', '2024-Q4', '2025-Q1', '2025', '2025-Q3', '2025-Q4', '2017'] },
  { code: '676', register: '2024-11-01', periods: ['2017', '2024-Q4', '2025-Q2', '2025', '2025-Q4'] },
  { code: '807', register: '2024-11-01', periods: ['2017', '2025-Q1', '2025-Q3'] },
];

for (const driver of storageDrivers.filter((each) => each.name !== 'pglite (folder)')) {
  describe(`roll-ups of past units on ${driver.name}`, () => {
    let store: Storage;
    beforeAll(async () => {
      store = await driver.open();
      await runMigrations(store, [...outboxMigrations, ...agencyRecordMigrations]);
      await storeDataset(store, rows);
    }, 120_000);
    afterAll(async () => {
      if (store) await driver.close(store);
    });

    it('equal the sum of their communes’ figures while they stood, and of the units made wholly from them after', async () => {
      const requests: MetricRequest[] = CASES.flatMap(({ code, on, periods }) => periods.map((period) => ({ target: code, indicator: INDICATOR, period, ...(on ? { on } : {}) })));
      const summed = await rollUpMetrics(store, options(), requests);
      const byRows = await rollUpMetrics(store, { ...options(), rowsOnly: true }, requests);
      const partialIds = new Map(rows.map((row) => [`${row.areaCode}|${row.period}`, row.id]));
      let index = 0;
      let somePartial = false;
      for (const { code, register, periods } of CASES) {
        for (const period of periods) {
          const answer = summed.answers[index] as MetricRollUp;
          const name = `${code} of ${register}, ${period} (${summed.paths[index]})`;
          expect(answer, name).not.toBeInstanceOf(AntqError);
          const want = expected(code, register, period);
          expect(answer.value, name).toBe(want.value);
          expect(answer.partial.map((each) => partialIds.get(`${each.areaCode}|${each.period}`)).sort(), name).toEqual(want.partial);
          // The version rolled up to; `on` only where the code names a newer unit too.
          const version = registry.get(code, { on: register })!;
          expect(answer.target, name).toEqual(registry.get(code) === version ? { code } : { code, on: version.validFrom });
          expect(answer, name).toEqual(byRows.answers[index]);
          somePartial ||= want.partial.length > 0;
          index += 1;
        }
      }
      expect(somePartial).toBe(true);
      // Plain monthly figures are summed in groups, past units as current ones.
      expect(summed.paths.filter((path) => path === 'summed').length).toBeGreaterThan(requests.length / 2);
    }, 120_000);

    it('reads the current unit without a date, and the past one with it (80 is Tây Ninh now, Long An in 2024)', async () => {
      const [now, then] = (
        await rollUpMetrics(store, options(), [
          { target: '80', indicator: INDICATOR, period: '2024-Q4' },
          { target: '80', indicator: INDICATOR, period: '2024-Q4', on: '2024-06-01' },
        ])
      ).answers as MetricRollUp[];
      expect(now!.target).toEqual({ code: '80' });
      expect(then!.value).toBe(expected('80', '2024-11-01', '2024-Q4').value);
      // Tây Ninh of 2025 took in Long An and the old Tây Ninh (72): more than Long An alone.
      expect(now!.value).toBeGreaterThan(then!.value!);
      expect(now!.value).toBe(then!.value! + expected('72', '2024-11-01', '2024-Q4').value!);
    });
  });
}
