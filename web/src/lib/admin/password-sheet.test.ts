import { describe, expect, it } from 'vitest';
import { csvCell, passwordSheet } from './password-sheet.ts';

describe('passwordSheet', () => {
  it('is UTF-8 CSV with a BOM, headers first, CRLF lines', () => {
    const text = passwordSheet(
      [
        { login: '310001', password: 'k7Qp-2xM9-aZ' },
        { login: '310002', password: 'Hw3,"x' },
      ],
      ['警号', '临时密码'],
    );
    expect(text).toBe('\uFEFF警号,临时密码\r\n310001,k7Qp-2xM9-aZ\r\n310002,"Hw3,""x"\r\n');
  });
});

describe('csvCell', () => {
  it('defuses what a spreadsheet would run as a formula', () => {
    expect(csvCell('=cmd|/c calc!A1')).toBe("'=cmd|/c calc!A1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain')).toBe('plain');
  });
});
