/**
 * Reads an uploaded device spreadsheet into a header row and data rows of cells, whatever it came
 * as: an Excel workbook (.xlsx, its first sheet) or a CSV file — UTF-8 with or without a BOM, or
 * GB18030/GBK as Chinese Excel saves "CSV (逗号分隔)". Cells are trimmed text, or a calendar day
 * ('YYYY-MM-DD') for Excel date cells. No checks of content here: check-rows.ts does those.
 */
import ExcelJS from 'exceljs';
import { AppError } from '../../platform/errors';

/** The most data rows one import takes (a bank's whole ATM fleet fits many times over). */
export const MAX_IMPORT_ROWS = 20_000;
export const IMPORT_FORMATS = '.xlsx, .csv';

export interface SheetRow {
  /** The row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  cells: string[];
}

export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

type Kind = 'xlsx' | 'csv';

function kindOf(filename: string, bytes: Buffer): Kind {
  const name = filename.toLowerCase();
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (name.endsWith('.xlsx') && zip) return 'xlsx';
  if (name.endsWith('.csv') && !zip && !bytes.includes(0)) return 'csv';
  throw new AppError('device_import.file_type', `Upload an Excel workbook (.xlsx) or a CSV file (.csv); "${filename}" is neither`, {
    formats: IMPORT_FORMATS,
  });
}

export async function readSheet(filename: string, bytes: Buffer): Promise<Sheet> {
  const sheet = kindOf(filename, bytes) === 'xlsx' ? await readXlsx(bytes) : readCsv(bytes);
  if (sheet.rows.length > MAX_IMPORT_ROWS) {
    throw new AppError('device_import.too_many_rows', `The file has ${sheet.rows.length} rows; one import takes at most ${MAX_IMPORT_ROWS}`, {
      rows: sheet.rows.length,
      max: MAX_IMPORT_ROWS,
    });
  }
  if (sheet.headers.every((h) => h === '')) {
    throw new AppError('device_import.no_header', 'The first row must hold the column headers (序列号, 产品型号, 客户 …)');
  }
  return sheet;
}

// ── Excel ──────────────────────────────────────────────────────────────────────────────────────

/**
 * exceljs reads a date cell as a JS Date at that day's midnight UTC (Excel stores no time zone),
 * so the calendar day is its UTC date — never the local one. Rounded to the second first: Excel's
 * serial floats may land a hair before midnight.
 */
export const dayOfExcelDate = (d: Date) => new Date(Math.round(d.getTime() / 1000) * 1000).toISOString().slice(0, 10);

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : dayOfExcelDate(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('hyperlink' in value) return String((value as ExcelJS.CellHyperlinkValue).text ?? '');
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

async function readXlsx(bytes: Buffer): Promise<Sheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new AppError('device_import.unreadable', 'The Excel file cannot be read; open it in Excel and save it again as .xlsx');
  }
  const ws = workbook.worksheets.find((w) => w.state !== 'hidden' && w.name !== '说明') ?? workbook.worksheets[0];
  if (!ws) throw new AppError('device_import.no_header', 'The workbook has no sheet');
  // Counted before reading cells, so a huge file is refused without building every row.
  if (ws.actualRowCount - 1 > MAX_IMPORT_ROWS) {
    throw new AppError('device_import.too_many_rows', `The file has ${ws.actualRowCount - 1} rows; one import takes at most ${MAX_IMPORT_ROWS}`, {
      rows: ws.actualRowCount - 1,
      max: MAX_IMPORT_ROWS,
    });
  }
  const width = ws.columnCount;
  const headers: string[] = [];
  const rows: SheetRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value).trim());
    if (number === 1) headers.push(...cells);
    else if (cells.some((x) => x !== '')) rows.push({ row: number, cells });
  });
  return { headers, rows };
}

// ── CSV ────────────────────────────────────────────────────────────────────────────────────────

/** UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030 (a superset of GBK). */
export function decodeCsv(bytes: Buffer): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('gb18030').decode(body);
  }
}

/** RFC 4180 records: quoted fields may hold the separator, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

function readCsv(bytes: Buffer): Sheet {
  const records = parseCsv(decodeCsv(bytes));
  const headers = (records[0] ?? []).map((h) => h.trim());
  const rows: SheetRow[] = [];
  records.slice(1).forEach((cells, i) => {
    const trimmed = cells.map((c) => c.trim());
    if (trimmed.some((c) => c !== '')) rows.push({ row: i + 2, cells: trimmed });
  });
  return { headers, rows };
}
