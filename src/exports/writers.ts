/**
 * Export files written batch by batch, never held whole: CSV (UTF-8 with a BOM, so that Excel reads
 * Chinese), XLSX (ExcelJS's streaming writer: a first sheet saying what the file is, then a bold,
 * frozen, filterable header, fitted column widths, numbers as numbers and days as dates) and JSON
 * Lines (one object per row, keyed by the English field names). Each waits for the disk when its buffer is full. Text that
 * a spreadsheet would run as a formula is neutralised in CSV and XLSX (cells.ts); JSON Lines is data
 * for programs and carries every value as it is.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { dateOf, isCalendarDay } from '../dates/index.js';
import type { ExportFormat } from '../generated/prisma/client.js';
import { csvOf, neutralised } from './cells.js';
import { messagesFor } from '../i18n/index.js';
import { textColumns } from '../i18n/width.js';
import type { Cell, Column, Row } from './reports.js';

const zh = messagesFor('zh-CN');
const DATE_FORMAT = 'yyyy-mm-dd';

export interface ExportSink {
  write(rows: Row[]): Promise<void>;
  /** Flushes and closes the file; resolves once every byte is on disk. */
  close(): Promise<void>;
  /** Closes the file without finishing it (the caller deletes it). */
  abort(): void;
}

export const EXTENSIONS: Record<ExportFormat, string> = { CSV: 'csv', XLSX: 'xlsx', JSONL: 'jsonl' };
export const MEDIA_TYPES: Record<ExportFormat, string> = {
  CSV: 'text/csv; charset=utf-8',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  JSONL: 'application/x-ndjson; charset=utf-8',
};

/** "金额(元) amountYuan": the Chinese term for readers, the field name for machines. */
export const headerOf = (column: Column) => `${column.title} ${column.name}`;

async function put(stream: WriteStream, text: string) {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function finish(stream: WriteStream) {
  stream.end();
  await once(stream, 'close');
}

function textSink(path: string, first: string, line: (rows: Row[]) => string): ExportSink {
  const stream = createWriteStream(path);
  let started = false;
  return {
    async write(rows) {
      await put(stream, (started ? '' : first) + line(rows));
      started = true;
    },
    async close() {
      if (!started) await put(stream, first);
      await finish(stream);
    },
    abort: () => stream.destroy(),
  };
}

/** Column widths fit what the first batch holds, within these bounds (in characters, Chinese counting two). */
const WIDTH = { min: 6, max: 60 };

/** A cell as ExcelJS should write it: days in date columns as dates, text neutralised, numbers as they are. */
function xlsxCell(column: Column, cell: Cell): Cell | Date {
  if (column.date && typeof cell === 'string' && isCalendarDay(cell)) return dateOf(cell);
  return typeof cell === 'string' ? neutralised(cell) : cell;
}

const shown = (cell: Cell | Date) => (cell instanceof Date ? 'yyyy-mm-dd' : cell === null ? '' : String(cell));

/** Widths (in Excel's character units) that fit the header and the rows given, Chinese counted double. */
export function columnWidths(headers: string[], rows: Array<Array<Cell | Date>>): number[] {
  return headers.map((h, i) => {
    const widest = Math.max(textColumns(h), ...rows.map((r) => textColumns(shown(r[i] ?? null))));
    return Math.min(WIDTH.max, Math.max(WIDTH.min, widest + 2));
  });
}

function xlsxSink(path: string, columns: Column[], sheet: string, about?: Array<[string, Cell]>): ExportSink {
  const stream = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  if (about) {
    // The first sheet says what the file is; the as-of day is a date cell like the data's dates.
    const rows = about.map(([label, value]): [string, Cell | Date] => [
      label,
      typeof value === 'string' && isCalendarDay(value) ? dateOf(value) : value,
    ]);
    const first = workbook.addWorksheet(zh.t('export.about.sheet'));
    first.columns = columnWidths(['', ''], rows).map((width) => ({ width }));
    for (const [label, value] of rows) {
      const row = first.addRow([label, typeof value === 'string' ? neutralised(value) : value]);
      row.getCell(1).font = { bold: true };
      if (value instanceof Date) row.getCell(2).numFmt = DATE_FORMAT;
      row.commit();
    }
    first.commit();
  }
  const worksheet = workbook.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const dates = columns.flatMap((c, i) => (c.date ? [i + 1] : []));
  let started = false;
  // The streaming writer writes column widths before the first row: they are fitted to the first batch.
  const start = (rows: Row[]) => {
    const headers = columns.map(headerOf);
    worksheet.columns = columnWidths(
      headers,
      rows.map((row) => row.map((cell, i) => xlsxCell(columns[i]!, cell))),
    ).map((width) => ({ width }));
    const header = worksheet.addRow(headers);
    header.font = { bold: true };
    header.commit();
    started = true;
  };
  return {
    async write(rows) {
      if (!started) start(rows);
      for (const values of rows) {
        const row = worksheet.addRow(values.map((cell, i) => xlsxCell(columns[i]!, cell)));
        for (const i of dates) row.getCell(i).numFmt = DATE_FORMAT;
        row.commit();
      }
      if (stream.writableNeedDrain) await once(stream, 'drain');
    },
    async close() {
      if (!started) start([]);
      worksheet.commit();
      await workbook.commit();
      if (!stream.closed) await once(stream, 'close');
    },
    abort: () => stream.destroy(),
  };
}

/** `about`: the rows of the first sheet of an XLSX file (label, value); CSV and JSON Lines are data only. */
export function openSink(
  format: ExportFormat,
  path: string,
  columns: Column[],
  sheet: string,
  about?: Array<[string, Cell]>,
): ExportSink {
  if (format === 'CSV')
    return textSink(path, `\uFEFF${csvOf([columns.map(headerOf)])}`, (rows) => (rows.length ? csvOf(rows) : ''));
  if (format === 'JSONL')
    return textSink(path, '', (rows) =>
      rows.map((row) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, row[i]])))}\n`).join(''),
    );
  return xlsxSink(path, columns, sheet, about);
}
