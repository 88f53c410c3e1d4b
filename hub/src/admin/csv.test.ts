import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv, toCsv, uncsvCell } from './csv.ts';
import { decodeText } from './table-file.ts';
import { encodeGbk } from '../../test-support/index.ts';

describe('CSV as spreadsheets write it', () => {
  it('parses quoted cells with commas, doubled quotes and line breaks, CRLF or LF, and a last line without a break', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n"two\nlines",,x\nlast,row')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['two\nlines', '', 'x'],
      ['last', 'row'],
    ]);
    expect(parseCsv('')).toEqual([]);
  });

  it('defuses formulas on the way out and restores them on the way in, so a round trip is exact', () => {
    for (const v of ['=1+1', '+86 139', '-5', '@SUM(A1)', '\tx', '\rx', "=cmd|' /C calc'!A0"]) {
      expect(csvCell(v).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
      expect(uncsvCell(parseCsv(toCsv([[v]]).slice(1))[0]![0]!)).toBe(v);
    }
    expect(csvCell('张三')).toBe('张三');
    expect(csvCell(null)).toBe('');
    // A name that merely starts with an apostrophe is left alone.
    expect(uncsvCell("'Brien")).toBe("'Brien");
  });

  it('reads UTF-8 with and without BOM, UTF-16 with BOM, and GBK; refuses other bytes clearly', () => {
    const text = '姓名,警号\r\n王五,1001\r\n';
    expect(decodeText(Buffer.from(`\uFEFF${text}`))).toBe(text);
    expect(decodeText(Buffer.from(text))).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(text);
    expect(decodeText(encodeGbk(text))).toBe(text);
    expect(() => decodeText(Buffer.from([0x81, 0x20, 0xff]))).toThrow(/neither UTF-8 nor GBK/);
  });
});
