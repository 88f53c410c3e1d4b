import ExcelJS from 'exceljs';
import { errors } from '../errors.ts';
import { IMPORT_CONTENT_TYPES } from '../protocol/index.ts';
import { parseCsv, uncsvCell } from './csv.ts';

/** More rows than any station's roster: a bound on the work one upload can cause. */
const MAX_ROWS = 20_000;
/** What an .xlsx may inflate to: a 20,000-row roster is a few megabytes; a zip bomb is refused before it is opened. */
const MAX_INFLATED_BYTES = 100 * 1024 * 1024;

/**
 * Sums the uncompressed sizes a zip's central directory declares and refuses the file when they
 * exceed MAX_INFLATED_BYTES (or when it has no readable directory), before anything inflates it.
 */
function assertInflatesWithin(buf: Buffer): void {
  // The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KiB.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw errors.invalid('the file is not a readable .xlsx workbook');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50)
      throw errors.invalid('the file is not a readable .xlsx workbook');
    total += buf.readUInt32LE(at + 24);
    if (total > MAX_INFLATED_BYTES) throw errors.invalid('the workbook unpacks to more than 100 MB');
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
}

/**
 * Text of an uploaded CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"),
 * or GBK / GB18030 as Excel on a Chinese Windows saves "CSV". Anything else is refused clearly.
 */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(buf);
    } catch {
      throw errors.invalid('the file is neither UTF-8 nor GBK text: save it as "CSV UTF-8" or as .xlsx');
    }
  }
}

/** The first worksheet of an .xlsx file as rows of cell texts. */
async function readXlsx(buf: Buffer): Promise<string[][]> {
  assertInflatesWithin(buf);
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw errors.invalid('the file is not a readable .xlsx workbook');
  }
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  if (sheet.rowCount > MAX_ROWS + 1) throw errors.invalid(`at most ${MAX_ROWS} rows per file`);
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) cells.push(row.getCell(c).text ?? '');
    rows[n - 1] = cells;
  });
  return Array.from(rows, (r) => r ?? []);
}

/** An uploaded table (CSV or .xlsx, by content type) as trimmed rows of cells. */
export async function readTable(buf: Buffer, contentType: string | undefined): Promise<string[][]> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let rows: string[][];
  if (type === IMPORT_CONTENT_TYPES.xlsx) rows = await readXlsx(buf);
  else if (type === IMPORT_CONTENT_TYPES.csv) rows = parseCsv(decodeText(buf)).map((r) => r.map(uncsvCell));
  else throw errors.invalid(`send the file as ${IMPORT_CONTENT_TYPES.csv} or ${IMPORT_CONTENT_TYPES.xlsx}`);
  if (rows.length > MAX_ROWS + 1) throw errors.invalid(`at most ${MAX_ROWS} rows per file`);
  return rows.map((r) => r.map((c) => c.trim()));
}

/** A workbook of one sheet, headers first: what the xlsx exports send. */
export async function writeXlsx(sheetName: string, rows: (string | number | null)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  // Cells are written as text: nothing a person typed becomes a formula.
  for (const r of rows) sheet.addRow(r.map((v) => (v === null ? '' : String(v))));
  return Buffer.from(await book.xlsx.writeBuffer());
}
