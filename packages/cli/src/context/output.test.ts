import { describe, expect, it } from 'vitest';
import { csvLines } from './output.js';

describe('csvLines', () => {
  it('writes a text a spreadsheet would run as a formula with a leading quote, and numbers as they are', () => {
    const rows = [
      { name: '=HYPERLINK("http://example.org","Mở")', note: '+1', who: '@ban', value: -5 },
      { name: 'Camera an ninh', note: '-2 so với cùng kỳ', who: 'Công an xã', value: 12.5 },
    ];
    expect(csvLines(rows, ['name', 'note', 'who', 'value'], true).split('\r\n')).toEqual([
      'name,note,who,value',
      `"'=HYPERLINK(""http://example.org"",""Mở"")",'+1,'@ban,-5`,
      "Camera an ninh,'-2 so với cùng kỳ,Công an xã,12.5",
      '',
    ]);
  });
});
