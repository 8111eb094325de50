import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { SignJWT, decodeJwt, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAntqClient, graphql, type AntqClient } from '@antq/client';
import { runCli, spawnCli, startTestGraph, waitForLine, type TestGraph } from './cli-process.js';

let test: TestGraph;
let editor: AntqClient;

beforeAll(async () => {
  test = await startTestGraph();
  editor = createAntqClient({
    url: test.graph.gateway.url,
    token: await test.graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' }),
  });
}, 600_000);

afterAll(async () => {
  await editor?.close();
  await test?.close();
}, 180_000);

const REPORT = graphql(`
  mutation Report($input: ObservationInput!) {
    reportPoliceObservation(input: $input) {
      id
    }
  }
`);

async function report(input: { indicator: string; areaCode: string; period: string; value: number }): Promise<string> {
  const result = await editor.request(REPORT, { input });
  expect(result.errors).toEqual([]);
  return result.data!.reportPoliceObservation.id;
}

describe('reading the graph', () => {
  it('runs any query from stdin, and flattens the first list of the answer into CSV rows', async () => {
    const run = await runCli(['query', '-', '--format', 'csv'], test.env, { input: '{ areas(search: "can giuoc") { code fullName province { name } } }' });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\r\n')[0]).toBe('code,fullName,province.name');
    expect(run.stdout).toContain('28159,Xã Cần Giuộc,Tây Ninh');
  });

  it('finds units by name, diacritics ignored, and shows a unit with its versions and lineage as a tree', async () => {
    const search = await runCli(['areas', 'search', 'can giuoc'], test.env);
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/28159\s+Xã Cần Giuộc\s+commune/);
    const area = await runCli(['area', '28168'], test.env);
    expect(area.code).toBe(0);
    expect(area.stdout).toMatch(/^Xã Long Hậu \(28168\) · commune · .* \(ended\)$/m);
    expect(area.stdout).toMatch(/├─ went into\n│ {2}└─ → Xã Cần Giuộc \(28159\), whole, on 2025-07-01/);
  });

  it('mints a development token with the key of the data folder, which the graph accepts', async () => {
    const run = await runCli(['token', '--agency', 'front', '--role', 'analyst', '--area', 'VN'], test.env);
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    expect(decodeJwt(token)).toMatchObject({ agency: 'front', roles: ['analyst'], jurisdiction: 'VN', clearance: 'shared' });
    const query = await runCli(['--token', token, 'query', '-'], test.env, { input: '{ frontObservations(first: 1) { totalCount } }' });
    expect(query.code).toBe(0);
    expect(JSON.parse(query.stdout)).toMatchObject({ frontObservations: { totalCount: expect.any(Number) } });
  });

  it('rolls an indicator up over a province with the previous period and its "13/37" text', async () => {
    const communes = ['28159', '28177'];
    await report({ indicator: 'snatch_thefts', areaCode: communes[0]!, period: '1991', value: 10 });
    await report({ indicator: 'snatch_thefts', areaCode: communes[1]!, period: '1991', value: 3 });
    await report({ indicator: 'snatch_thefts', areaCode: communes[0]!, period: '1990', value: 37 });
    const run = await runCli(['rollup', '--area', '80', '--period', '1991', '--indicators', 'snatch_thefts', '--compare', 'previous', '--format', 'json'], test.env);
    expect(run.code).toBe(0);
    const [row] = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(row).toMatchObject({ indicator: 'snatch_thefts', period: '1991', value: 13, previous_period: '1990', previous: 37, change: -24 });
    expect(row!.text).toMatch(/^13\/37 \(−64\.9\s?%\)$/);
  });
});

describe('antq import observations from xlsx', () => {
  async function workbook(path: string, rows: readonly (readonly (string | number)[])[]): Promise<void> {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Số liệu tháng');
    sheet.addRow(['Indicator', 'Area', 'Period', 'Value', 'Note']);
    for (const row of rows) sheet.addRow([...row]);
    await book.xlsx.writeFile(path);
  }

  it('reports a bad row by its row number, accepts an old code for a period it existed, and writes nothing twice', async () => {
    const path = join(test.dataDir, 'figures.xlsx');
    const good = [
      ['fights_prevented', '28177', 1996, 4, 'Mỹ Lộc'],
      ['fights_prevented', '28168', '2024-05', 6, 'Long Hậu, before the 2025 reform'],
    ] as const;
    await workbook(path, [good[0], ['fights_prevented', '28168', '2025-09', 2, 'Long Hậu, after it ended'], good[1]]);
    const refused = await runCli(['import', 'observations', path], test.env);
    expect(refused.code).toBe(6);
    expect([...refused.stderr.matchAll(/^line (\d+): (.*)$/gm)].map((match) => [Number(match[1]), match[2]])).toEqual([
      [3, expect.stringMatching(/^Invalid observation: 1 problem — areaCode: area 28168 \(Xã Long Hậu\) did not exist in 2025-09 .*Xã Cần Giuộc \(28159\)/)],
    ]);

    await workbook(path, good);
    const first = await runCli(['import', 'observations', path], test.env);
    expect(first.stderr).toMatch(/2 rows for the police: 2 written in [\d.]+ s, 0 already in the graph\./);
    expect(first.code).toBe(0);
    const again = await runCli(['import', 'observations', path, '--dry-run'], test.env);
    expect(again.stderr).toMatch(/would write 0; 2 already in the graph \(0 with another value\)/);
  });
});

describe('antq and Excel: workbooks out, and CSV as Excel saves it on Vietnamese settings', () => {
  it('reads a sheet whose columns are named in Vietnamese, and periods as officers write them', async () => {
    const path = join(test.dataDir, 'tieng-viet.csv');
    // Periods as officers write them: a month, a quarter, a year.
    const rows = [
      'fights_prevented,28159,2004-01,6,Tháng 1',
      'fights_prevented,28159,Tháng 2/2004,7,',
      'fights_prevented,28159,Quý 2/2004,8,',
      'fights_prevented,28159,Năm 2005,9,',
    ];
    await writeFile(path, `\uFEFFChỉ tiêu,Mã địa bàn,Kỳ báo cáo,Giá trị,Ghi chú\r\n${rows.join('\r\n')}\r\n`);
    const run = await runCli(['import', 'observations', path], test.env);
    expect(run.stderr).toMatch(/4 rows for the police: 4 written/);
    const read = await runCli(['query', '-', '--format', 'json'], test.env, {
      input: '{ policeObservations(filter: { area: "28159", indicators: ["fights_prevented"], period: "2004-01-01/2005-12-31" }) { nodes { period value } } }',
    });
    const figures = (JSON.parse(read.stdout) as { policeObservations: { nodes: { period: string; value: number }[] } }).policeObservations.nodes;
    expect(figures.map((node) => `${node.period} ${node.value}`).sort()).toEqual(['2004-01 6', '2004-02 7', '2004-Q2 8', '2005 9']);
  });

  it('refuses a CSV that is not UTF-8, as Excel saves one in the Windows code page or as Unicode Text, saying how to save it', async () => {
    const path = join(test.dataDir, 'not-utf8.csv');
    const header = 'indicator,area,period,value,note\r\n';
    // "Cần Giuộc" in Windows-1258: â (0xE2) then a combining grave (0xCC), no UTF-8 sequence.
    await writeFile(path, Buffer.concat([Buffer.from(`${header}fights_prevented,28159,2002-01,1,C`), Buffer.from([0xe2, 0xcc]), Buffer.from('n Giu\r\n')]));
    const codePage = await runCli(['import', 'observations', path], test.env);
    expect(codePage.code).toBe(2);
    expect(codePage.stderr).toMatch(/not-utf8\.csv is not UTF-8 text \(line 2 is not\): save it from Excel as "CSV UTF-8 \(Comma delimited\)"/);
    await writeFile(path, Buffer.from(`\uFEFF${header.replaceAll(',', '\t')}`, 'utf16le'));
    const unicodeText = await runCli(['import', 'observations', path], test.env);
    expect(unicodeText.code).toBe(2);
    expect(unicodeText.stderr).toMatch(/not-utf8\.csv is UTF-16 text: save it from Excel as "CSV UTF-8/);
  });

  it('exports to an Excel workbook whose codes stay text, and which imports back as the same figures', async () => {
    const csv = join(test.dataDir, 'for-the-workbook.csv');
    await writeFile(csv, 'indicator,area,period,value,note\r\nfights_prevented,00004,2001-02,3,=1+1\r\nfights_prevented,28159,2001-02,2,\r\n');
    expect((await runCli(['import', 'observations', csv], test.env)).code).toBe(0);
    const out = join(test.dataDir, 'figures.xlsx');
    const args = ['export', 'observations', '--period', '2001-02', '--indicator', 'fights_prevented', '--agency', 'police', '--format', 'xlsx'];
    const withoutFile = await runCli(args, test.env);
    expect(withoutFile.code).toBe(2);
    expect(withoutFile.stderr).toMatch(/--format xlsx needs --out <file\.xlsx>/);

    const run = await runCli([...args, '--out', out], test.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/exported 2 observations to .*figures\.xlsx/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 5)).toEqual(['agency', 'id', 'indicator', 'area', 'area_name']);
    const cells = (row: number, column: string) => sheet.getRow(row).getCell(header.indexOf(column) + 1).value;
    const rows = [2, 3].map((row) => ({ area: cells(row, 'area'), period: cells(row, 'period'), value: cells(row, 'value'), note: cells(row, 'note') }));
    // The code keeps its zeros as text, the period is no date, the value a number, the note's "=" no formula.
    expect(rows.sort((a, b) => String(a.area).localeCompare(String(b.area)))).toEqual([
      { area: '00004', period: '2001-02', value: 3, note: '=1+1' },
      { area: '28159', period: '2001-02', value: 2, note: null },
    ]);
    const again = await runCli(['import', 'observations', out, '--dry-run'], test.env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/would write 0; 2 already in the graph \(0 with another value\)/);
  });

  it('reads the CSV Excel saves where the comma is the decimal mark: semicolons between cells, 87,5 for 87.5', async () => {
    const path = join(test.dataDir, 'vi-settings.csv');
    const rows = (value: string) => `\uFEFFIndicator;Area;Period;Value;Note\r\nsafe_residential_areas_percent;28159;1999-01;${value};"Cần Giuộc; tháng 1"\r\n`;
    // A dot in such a file groups thousands: refused, not read as a decimal.
    const grouped = await (async () => {
      await writeFile(path, rows('1.234'));
      return runCli(['import', 'observations', path], test.env);
    })();
    expect(grouped.code).toBe(6);
    expect(grouped.stderr).toMatch(/^line 2: value "1\.234" is not a number \(write 1234,5, no thousands separators\)$/m);

    await writeFile(path, rows('87,5'));
    const run = await runCli(['import', 'observations', path], test.env);
    expect(run.stderr).toMatch(/1 row for the police: 1 written/);
    expect(run.code).toBe(0);
    const read = await runCli(['query', '-', '--format', 'json'], test.env, {
      input: '{ policeObservations(filter: { area: "28159", indicators: ["safe_residential_areas_percent"], period: "1999-01" }) { nodes { period value note } } }',
    });
    expect(JSON.parse(read.stdout)).toEqual({ policeObservations: { nodes: [{ period: '1999-01', value: 87.5, note: 'Cần Giuộc; tháng 1' }] } });
  });
});

/** Imports a workbook of rows (indicator, area, period, value), one cell of each in a number format: what Excel keeps of a typed cell. */
async function importCells(name: string, rows: readonly (readonly [readonly (string | number | Date)[], number, string])[]) {
  const path = join(test.dataDir, name);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Số liệu');
  sheet.addRow(['Indicator', 'Area', 'Period', 'Value']);
  for (const [values, column, format] of rows) sheet.addRow([...values]).getCell(column).numFmt = format;
  await book.xlsx.writeFile(path);
  return runCli(['import', 'observations', path], test.env);
}

describe('antq import observations: what Excel made of typed cells', () => {
  it('reads an area code Excel made a number as the code the register knows, and refuses one it cannot tell', async () => {
    // 00031 typed in a cell not formatted as text is stored as 31: Hải Phòng's code, and Bắc Mê's as 031.
    const numbered = (cells: readonly (readonly [number, string])[]) =>
      importCells(
        'numbered-areas.xlsx',
        cells.map(([area, format]) => [['fights_prevented', area, '2024-05', 7], 2, format]),
      );
    const readable = [
      [31, '00000'], // shown as 00031: Phường Giảng Võ
      [226, 'General'], // only 00226 is a code: Văn Miếu - Quốc Tử Giám
      [28159, 'General'], // five digits: nothing dropped
    ] as const;
    const refused = await numbered([...readable, [31, 'General']]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(
      /^line 5: area 31 is a number in the sheet, .* it may be 31 \(Hải Phòng\), 031 \(Bắc Mê\), 00031 \(Giảng Võ\)\. Format the area column as Text/m,
    );
    expect(refused.stderr).not.toMatch(/^line [234]:/m);

    const run = await numbered(readable);
    expect(run.code).toBe(0);
    const read = await runCli(['query', '-', '--format', 'json'], test.env, {
      input: '{ policeObservations(filter: { indicators: ["fights_prevented"], period: "2024-05" }, first: 50) { nodes { area { code } value } } }',
    });
    expect(read.code).toBe(0);
    const stored = (JSON.parse(read.stdout) as { policeObservations: { nodes: { area: { code: string }; value: number }[] } }).policeObservations.nodes;
    expect(
      stored
        .filter((node) => node.value === 7)
        .map((node) => node.area.code)
        .sort(),
    ).toEqual(['00031', '00226', '28159']);
  });

  it('reads a percentage typed in a percentage cell as the percentage shown, and a ratio as the ratio', async () => {
    // Excel keeps 87.5 % as 0.875: read as written, the figure was a hundredth of what was typed.
    const run = await importCells('percent-cells.xlsx', [
      [['safe_residential_areas_percent', '28159', '2003-01', 0.875], 4, '0.0%'],
      [['safe_residential_areas_percent', '28159', '2003-02', 0.07], 4, '0%'],
      [['safe_residential_areas_percent', '28159', '2003-03', 91.5], 4, 'General'],
      [['residential_group_camera_coverage', '28159', '2003-01', 0.8], 4, '0%'],
    ]);
    expect(run.code).toBe(0);
    const read = await runCli(['query', '-', '--format', 'json'], test.env, {
      input: `{ policeObservations(filter: { area: "28159", indicators: ["safe_residential_areas_percent", "residential_group_camera_coverage"], period: "2003" }) {
        nodes { indicator { code } period value } } }`,
    });
    const figures = (JSON.parse(read.stdout) as { policeObservations: { nodes: { indicator: { code: string }; period: string; value: number }[] } }).policeObservations.nodes;
    expect(figures.map((node) => `${node.indicator.code} ${node.period} ${node.value}`).sort()).toEqual([
      'residential_group_camera_coverage 2003-01 0.8',
      'safe_residential_areas_percent 2003-01 87.5',
      'safe_residential_areas_percent 2003-02 7',
      'safe_residential_areas_percent 2003-03 91.5',
    ]);
  });

  it('reads a period Excel made a date as the month or year the cell shows', async () => {
    // Excel turns "07/1997" typed in a cell into 1 July 1997 shown as a month: read as that day, the row was refused.
    const dated = (cells: readonly (readonly [Date, string])[]) =>
      importCells(
        'dated-periods.xlsx',
        cells.map(([date, format]) => [['fights_prevented', '28159', date, 5], 3, format]),
      );
    const months = [
      [new Date(Date.UTC(1997, 6, 1)), 'mm/yyyy'],
      [new Date(Date.UTC(1997, 7, 1)), '[$-42A]mmm-yy'],
      [new Date(Date.UTC(1998, 0, 1)), 'yyyy'],
    ] as const;
    // A day is no period: that row is refused by its line, with the day it read.
    const withDay = await dated([...months, [new Date(Date.UTC(1997, 8, 15)), 'dd/mm/yyyy']]);
    expect(withDay.code).toBe(6);
    expect(withDay.stderr).toMatch(/^line 5: Invalid observation: 1 problem — period: expected a period as .*got "1997-09-15"$/m);
    expect(withDay.stderr).not.toMatch(/^line [234]:/m);

    const run = await dated(months);
    expect(run.stderr).toMatch(/3 rows for the police: 3 written/);
    expect(run.code).toBe(0);
    const read = await runCli(['query', '-', '--format', 'json'], test.env, {
      input: '{ policeObservations(filter: { area: "28159", indicators: ["fights_prevented"], period: "1997-07-01/1998-12-31" }, first: 10) { nodes { period } } }',
    });
    expect(read.code).toBe(0);
    const periods = (JSON.parse(read.stdout) as { policeObservations: { nodes: { period: string }[] } }).policeObservations.nodes.map((node) => node.period);
    expect(periods.sort()).toEqual(['1997-07', '1997-08', '1998']);
  });
});

describe('antq changes follow', () => {
  // Killed whatever the test's outcome, so a failure cannot leave a follower holding the graph open.
  const children: ReturnType<typeof spawnCli>[] = [];
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('stopped and restarted from its cursor file, misses and repeats nothing while writes go on', async () => {
    const cursorFile = join(test.dataDir, 'follow.cursor');
    const args = ['changes', 'follow', '--from-start', '--agency', 'police', '--record-kind', 'observation', '--cursor-file', cursorFile];
    const written: string[] = [];
    let writing = true;
    const writer = (async () => {
      // Months of 1950–1989: distinct figures, periods the SDK accepts (from 1945 until the month under way).
      for (let i = 0; writing && i < 480; i++) {
        const period = `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
        written.push(await report({ indicator: 'fights_prevented', areaCode: '28159', period, value: i % 7 }));
      }
    })();
    const collect = (child: ReturnType<typeof spawnCli>) => {
      const lines: string[] = [];
      child.stdout!.setEncoding('utf8');
      let buffer = '';
      child.stdout!.on('data', (chunk: string) => {
        buffer += chunk;
        const complete = buffer.split('\n');
        buffer = complete.pop()!;
        lines.push(...complete);
      });
      return lines;
    };
    // A failed write fails the test at once instead of leaving it waiting for lines that cannot come.
    const writerFailed = writer.then(() => new Promise<never>(() => undefined));
    const until = (line: Promise<string>) => Promise.race([line, writerFailed]);
    const first = spawnCli(args, test.env);
    children.push(first);
    const firstLines = collect(first);
    await until(waitForLine(first.stdout!, () => firstLines.filter((line) => written.some((id) => line.includes(`"${id}"`))).length >= 5));
    first.kill('SIGTERM');
    const [firstCode] = (await once(first, 'close')) as [number];
    expect(firstCode).toBe(0);
    const savedCursor = (await readFile(cursorFile, 'utf8')).trim();
    expect(savedCursor).toBe((JSON.parse(firstLines.at(-1)!) as { cursor: string }).cursor);

    // Writes went on while it was stopped; the second run starts from the file, not from the start.
    const second = spawnCli(args, test.env);
    children.push(second);
    const secondLines = collect(second);
    // A change written after the restart: the second run prints it (the first may have printed the earlier ones).
    const mark = written.length + 5;
    await until(waitForLine(second.stdout!, () => written.length > mark && secondLines.some((line) => line.includes(`"${written[mark]}"`))));
    writing = false;
    await writer;
    const last = written.at(-1)!;
    if (!secondLines.some((line) => line.includes(`"${last}"`))) await waitForLine(second.stdout!, (line) => line.includes(`"${last}"`));
    second.kill('SIGTERM');
    await once(second, 'close');

    const events = [...firstLines, ...secondLines].map((line) => JSON.parse(line) as { cursor: string; seq: number; recordId: string });
    expect(new Set(events.map((event) => event.cursor)).size).toBe(events.length);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const ours = events.filter((event) => written.includes(event.recordId)).map((event) => event.recordId);
    expect(ours).toEqual(written);
  }, 300_000);
});

describe('grants, webhooks and the audit chain', () => {
  it('grants another agency access, lists the grant and revokes it', async () => {
    const note = `review ${Date.now()}`;
    const given = await runCli(['grants', 'grant', '--agency', 'police', '--to', 'front', '--area', '80', '--until', '2030-01-01', '--note', note, '--format', 'json'], test.env);
    expect(given.code).toBe(0);
    const [grant] = JSON.parse(given.stdout) as { id: string; grantee: string; active: boolean }[];
    expect(grant).toMatchObject({ grantee: 'front', active: true, note });
    const listed = await runCli(['grants', 'list', '--agency', 'police', '--format', 'json'], test.env);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((row) => row.id)).toContain(grant!.id);
    const revoked = await runCli(['grants', 'revoke', grant!.id, '--agency', 'police', '--format', 'json'], test.env);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject([{ id: grant!.id, active: false }]);
  });

  it('registers a webhook, shows its secret once, and lists it with its deliveries', async () => {
    const url = `http://127.0.0.1:9/hook-${Date.now()}`;
    const registered = await runCli(['webhooks', 'register', url, '--area', '80', '--record-kind', 'observation', '--format', 'json'], test.env);
    expect(registered.code).toBe(0);
    const [webhook] = JSON.parse(registered.stdout) as { id: string; secret: string }[];
    expect(webhook!.secret).toMatch(/^whsec_/);
    const listed = await runCli(['webhooks', 'list', '--format', 'json'], test.env);
    const row = (JSON.parse(listed.stdout) as { id: string; url: string; secret?: string }[]).find((candidate) => candidate.id === webhook!.id);
    expect(row).toMatchObject({ url, area: '80', record_kinds: ['observation'] });
    expect(row!.secret).toBeUndefined();
    const deliveries = await runCli(['webhooks', 'deliveries', webhook!.id, '--format', 'json'], test.env);
    expect(deliveries.code).toBe(0);
    expect(Array.isArray(JSON.parse(deliveries.stdout))).toBe(true);
  });

  it("verifies the gateway's audit chain with the gateway's verifier", async () => {
    const run = await runCli(['audit', 'verify'], test.env);
    expect(run.stdout).toMatch(/^audit chain intact: \d+ entries/m);
    expect(run.code).toBe(0);
  });
});

describe('errors say what to do next, with their exit codes', () => {
  it('refuses an unknown area and a wrong period before asking the graph (exit 2)', async () => {
    const area = await runCli(['export', 'observations', '--area', '99999', '--period', '2025'], test.env);
    expect(area.code).toBe(2);
    expect(area.stderr).toMatch(/Unknown area code "99999"\. Find the code with `npx antq areas search/);
    const period = await runCli(['rollup', '--area', '80', '--period', '2025-13'], test.env);
    expect(period.code).toBe(2);
    expect(period.stderr).toMatch(/there is no month 13/);
  });

  it('refuses a token that is not one, is expired, or is of another key (exit 4)', async () => {
    const garbage = await runCli(['--token', 'not-a-token', 'areas', 'search', 'my loc'], test.env);
    expect(garbage.code).toBe(4);
    expect(garbage.stderr).toMatch(/is not a JWT/);
    const { privateKey } = await generateKeyPair('ES256');
    const sign = (exp: number) =>
      new SignJWT({ agency: 'police', roles: ['analyst'], clearance: 'shared' })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('urn:antq:development-issuer')
        .setAudience('antq-graph')
        .setExpirationTime(exp)
        .sign(privateKey);
    const expired = await runCli(['areas', 'search', 'my loc'], { ...test.env, ANTQ_TOKEN: await sign(Math.floor(Date.now() / 1000) - 60) });
    expect(expired.code).toBe(4);
    expect(expired.stderr).toMatch(/The token in ANTQ_TOKEN expired at .*npx antq token/);
    const foreign = await runCli(['areas', 'search', 'my loc'], { ...test.env, ANTQ_TOKEN: await sign(Math.floor(Date.now() / 1000) + 600) });
    expect(foreign.code).toBe(4);
    expect(foreign.stderr).toMatch(/UNAUTHENTICATED/);
  });

  it('says which role is needed when the token may not write (exit 5)', async () => {
    const file = join(test.dataDir, 'one-row.csv');
    await writeFile(file, 'indicator,area,period,value\nfights_prevented,28177,1995,4\n');
    const analyst = await test.graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['analyst'] });
    const run = await runCli(['import', 'observations', file], { ...test.env, ANTQ_TOKEN: analyst });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/FORBIDDEN.*Writing needs one of the roles/);
  });

  it('says how to start a graph when none answers at the URL (exit 3)', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const run = await runCli(['--url', `http://127.0.0.1:${port}/graphql`, 'area', '80'], test.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(new RegExp(`No ANTQ Graph answers at http://127\\.0\\.0\\.1:${port}/graphql\\. Start it with \`npm start\`.*set ANTQ_URL`));
  });

  it('has an example in the --help of every command', async () => {
    const commands = [
      ['query'],
      ['areas', 'search'],
      ['area'],
      ['token'],
      ['export', 'observations'],
      ['rollup'],
      ['changes', 'follow'],
      ['import', 'observations'],
      ['grants', 'list'],
      ['grants', 'grant'],
      ['grants', 'revoke'],
      ['webhooks', 'register'],
      ['webhooks', 'list'],
      ['webhooks', 'deliveries'],
      ['audit', 'verify'],
    ];
    for (const command of commands) {
      const run = await runCli([...command, '--help'], test.env);
      expect(run.code, command.join(' ')).toBe(0);
      expect(run.stdout, command.join(' ')).toMatch(/Example[^\n]*:\n {2}(npx antq|echo|export) /);
    }
  }, 300_000);
});
