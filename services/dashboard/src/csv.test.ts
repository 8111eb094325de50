import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';
import type { FigureRow } from './figures.js';

/** A roll-up row as the dashboard holds it, with a unit name a spreadsheet would run as a formula. */
const row = {
  agency: 'police',
  indicator: { code: 'criminal_offences', label: { vi: 'Số vụ phạm tội', en: 'Criminal offences' } },
  rollUp: {
    target: { code: '28159', fullName: '=HYPERLINK("http://example.org","Mở")' },
    period: '2025',
    value: 13,
    comparison: { previousPeriod: '2024', previous: 37, change: -24, changePercent: -64.9, text: '13/37' },
    partial: [],
  },
  sources: [],
} as unknown as FigureRow;

describe('the roll-up as CSV', () => {
  it('writes a formula-like text with a leading quote, and negative changes as numbers', async () => {
    const [header, record] = (await toCsv([row])).replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toBe('area_code,area_name,agency,indicator,indicator_label,period,value,previous_period,previous,change,change_percent,text,partial_count,partial');
    expect(record).toBe(`28159,"'=HYPERLINK(""http://example.org"",""Mở"")",POLICE,criminal_offences,Số vụ phạm tội,2025,13,2024,37,-24,-64.9,13/37,0,`);
  });
});
