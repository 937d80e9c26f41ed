/**
 * Export files written batch by batch, never held whole: CSV (UTF-8 with a BOM, so that Excel reads
 * Chinese), XLSX (ExcelJS's streaming writer: numbers stay numbers) and JSON Lines (one object per
 * row, keyed by the English field names). Each waits for the disk when its buffer is full. Text that
 * a spreadsheet would run as a formula is neutralised in CSV and XLSX (cells.ts); JSON Lines is data
 * for programs and carries every value as it is.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { ExportFormat } from '../generated/prisma/client.js';
import { csvOf, neutralised } from './cells.js';
import type { Column, Row } from './reports.js';

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

export function openSink(format: ExportFormat, path: string, columns: Column[], sheet: string): ExportSink {
  if (format === 'CSV')
    return textSink(path, `\uFEFF${csvOf([columns.map(headerOf)])}`, (rows) => (rows.length ? csvOf(rows) : ''));
  if (format === 'JSONL')
    return textSink(path, '', (rows) =>
      rows.map((row) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, row[i]])))}\n`).join(''),
    );
  const stream = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  const worksheet = workbook.addWorksheet(sheet);
  worksheet.addRow(columns.map(headerOf)).commit();
  return {
    async write(rows) {
      for (const row of rows)
        worksheet.addRow(row.map((cell) => (typeof cell === 'string' ? neutralised(cell) : cell))).commit();
      if (stream.writableNeedDrain) await once(stream, 'drain');
    },
    async close() {
      worksheet.commit();
      await workbook.commit();
      if (!stream.closed) await once(stream, 'close');
    },
    abort: () => stream.destroy(),
  };
}
