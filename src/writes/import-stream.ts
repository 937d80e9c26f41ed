/**
 * Rows of an import from a stream: CSV with a header, or JSON Lines, read as they arrive (nothing
 * ahead of the import) and bounded, so that no file can exhaust the server: a field (a CSV cell, or
 * a JSON line's value) holds at most MAX_FIELD_BYTES, a row (a line, or a CSV record whose quoted
 * cell spans lines) at most MAX_ROW_BYTES, a CSV row at most as many cells as its header has
 * columns, and bytes must be UTF-8. What cannot be read stops the import with the row (and column)
 * at fault (UnreadableInput); a cell that is not a value of its column's type is handed on as
 * Unreadable, for the write schema to refuse with the other problems of its batch.
 */
import { isUtf8 } from 'node:buffer';
import { PassThrough, pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { z } from 'zod';
import { phrase, term, type Phrase } from '../engines/message.js';
import { messagesFor } from '../i18n/index.js';
import { issuePhrase, refusal } from '../i18n/refusal.js';
import { renderPhrase } from '../i18n/trace.js';
import { Refused, type RefusalCode, type RowRefusal } from '../validation/refusal.js';
import { textProblem } from '../validation/text.js';

/** The largest field (CSV cell, or value of a JSON line) an import reads. */
export const MAX_FIELD_BYTES = 64 * 1024;
/** The largest row (a JSON line, or a CSV record with the lines a quoted cell spans). */
export const MAX_ROW_BYTES = 1024 * 1024;
/** The most columns a CSV header may have (an import's tables have fewer than 15). */
export const MAX_COLUMNS = 100;

/** How a CSV cell of a column is read. */
export type CellType = 'text' | 'integer' | 'decimal' | 'facts';
export type Columns = ReadonlyMap<string, CellType>;

function cellType(schema: z.ZodType): CellType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault)
    return cellType(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodNumber) return schema.isInt ? 'integer' : 'decimal';
  if (schema instanceof z.ZodRecord) return 'facts';
  return 'text';
}

/** The columns a CSV may have, each read as the write schema's field expects: the schema is the one list. */
export function columnsOf(shape: Readonly<Record<string, z.ZodType>>): Columns {
  return new Map(Object.entries(shape).map(([column, schema]) => [column, cellType(schema)]));
}

/** A cell that is not a value of its column's type; the schema's parse refuses it with this message. */
export class Unreadable {
  constructor(readonly wording: Phrase) {}
}

/** A zod error map that words an Unreadable cell's refusal; the issues keep their input to tell it apart. */
export const CELL_PARSE = {
  error: (issue: { input?: unknown }) =>
    issue.input instanceof Unreadable ? renderPhrase(issue.input.wording, messagesFor('en')) : undefined,
  reportInput: true,
} as const;

/** A zod issue of a cell in words: an Unreadable cell's own, else the zod issue's. */
export const cellIssuePhrase = (issue: z.core.$ZodIssue): Phrase =>
  issue.input instanceof Unreadable ? issue.input.wording : issuePhrase(issue);

/** Input that cannot be read as rows at all: the import stops at it. */
export class UnreadableInput extends Refused {
  constructor(override readonly refusals: RowRefusal[]) {
    super(refusals);
  }
}

const unreadable = (row: number, field: string, code: RefusalCode, wording: Phrase) =>
  new UnreadableInput([{ ...refusal(field, code, wording), row }]);
const tooLarge = (row: number, column: string, limit: Phrase) => unreadable(row, column, 'TOO_LARGE', limit);
const notUtf8 = (row: number, column: string) => unreadable(row, column, 'NOT_UTF8', term('error.cell.NOT_UTF8'));
const FIELD_LIMIT = phrase('error.cell.FIELD_TOO_LARGE', { kib: MAX_FIELD_BYTES / 1024 });
const ROW_LIMIT = phrase('error.cell.ROW_TOO_LARGE', { mib: MAX_ROW_BYTES / 1024 / 1024 });

const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function readText(text: string): string | Unreadable {
  const problem = textProblem(text);
  return problem ? new Unreadable(term(`error.textCheck.${problem}`)) : text;
}

/** Plain decimal digits, as Excel writes a number formatted without separators. */
const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** The spellings of an attested fact's value, compared trimmed and in any case. */
export const FLAG_SPELLINGS: ReadonlyMap<string, boolean> = new Map([
  ...['true', 'yes', 'y', '1', '是', '对'].map((s) => [s, true] as const),
  ...['false', 'no', 'n', '0', '否', '错'].map((s) => [s, false] as const),
]);
const spellings = (value: boolean) => [...FLAG_SPELLINGS].filter(([, v]) => v === value).map(([s]) => s);

/** A facts cell, FACT=true;OTHER=false; the fact codes are the schema's to check. */
function readFacts(cell: string): Record<string, boolean> | Unreadable {
  const facts = new Map<string, boolean>();
  for (const pair of cell.split(';')) {
    if (!pair.trim()) continue;
    const [fact, flag, ...rest] = pair.split('=').map((part) => part.trim());
    const value = flag === undefined || rest.length ? undefined : FLAG_SPELLINGS.get(flag.toLowerCase());
    if (value === undefined)
      return new Unreadable(
        phrase('error.cell.FLAG', { pair: shown(pair.trim()), yes: spellings(true), no: spellings(false) }),
      );
    if (facts.has(fact!)) return new Unreadable(phrase('error.cell.FACT_TWICE', { fact: fact! }));
    facts.set(fact!, value);
  }
  return Object.fromEntries(facts);
}

function readCell(type: CellType, cell: string): unknown {
  switch (type) {
    case 'integer':
      return INTEGER.test(cell) ? Number(cell) : new Unreadable(phrase('error.cell.INTEGER', { cell: shown(cell) }));
    case 'decimal':
      return DECIMAL.test(cell) ? Number(cell) : new Unreadable(phrase('error.cell.DECIMAL', { cell: shown(cell) }));
    case 'facts':
      return readFacts(cell);
    case 'text':
      return readText(cell);
  }
}

/** A field's bytes as text: within the field limit and UTF-8, or the import stops. */
function fieldText(bytes: Buffer, row: number, column: string) {
  if (bytes.length > MAX_FIELD_BYTES) throw tooLarge(row, column, FIELD_LIMIT);
  if (!isUtf8(bytes)) throw notUtf8(row, column);
  return bytes.toString('utf8');
}

/** The header: each name once, each one the import reads. */
const header = (columns: Columns) => (cells: Buffer[]) => {
  const names = cells.map((cell, i) => fieldText(cell, 0, `column ${i + 1}`).trim());
  const issues: RowRefusal[] = [];
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (!columns.has(name))
      issues.push({
        ...refusal(
          name || `column ${i + 1}`,
          'INVALID_ARGUMENT',
          phrase('error.import.UNKNOWN_COLUMN', { name: name ? shown(name) : null, columns: [...columns.keys()] }),
        ),
        row: 0,
      });
    else if (first < i)
      issues.push({
        ...refusal(name, 'DUPLICATE', phrase('error.import.COLUMN_TWICE', { name, first: first + 1, again: i + 1 })),
        row: 0,
      });
  });
  if (issues.length) throw new UnreadableInput(issues);
  return names;
};

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The input's bytes without a UTF-8 byte order mark (Excel writes one). The input is read through
 * a pipe and never destroyed: destroying a request would drop its socket and the refusal with it.
 */
async function* bytesOf(input: Readable): AsyncGenerator<Buffer> {
  const through = input.pipe(new PassThrough());
  const fail = (error: Error) => through.destroy(error);
  const closed = () => input.readableEnded || through.destroy(new Error('the input closed before its end'));
  input.on('error', fail).on('close', closed);
  try {
    let start: Buffer | undefined = Buffer.alloc(0);
    for await (const chunk of through as AsyncIterable<Buffer>) {
      if (!start) {
        yield chunk;
        continue;
      }
      start = Buffer.concat([start, chunk]);
      if (start.length < BOM.length && BOM.subarray(0, start.length).equals(start)) continue;
      yield start.subarray(start.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0);
      start = undefined;
    }
    if (start?.length && !BOM.subarray(0, start.length).equals(start)) yield start;
  } finally {
    input.off('error', fail).off('close', closed);
    input.unpipe(through);
    through.destroy();
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * CSV bytes passed on once each record is known to fit: at most MAX_ROW_BYTES and at most as many
 * cells as the header (csv-parse holds a record whole, and a 1 MiB row of commas costs it ~500 MiB).
 * A newline outside quotes ends a record; RFC 4180's doubled quote toggles twice, so parity holds.
 */
async function* boundedCsv(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let quoted = false;
  let size = 0;
  let cells = 1;
  let row = 0; // the record being read: the header is 0, as csv-parse skips empty lines
  let columns = MAX_COLUMNS;
  let previous = 0;
  for await (const chunk of bytes) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === QUOTE) quoted = !quoted;
      else if (!quoted && byte === LF) {
        if (size > 1 || (size === 1 && previous !== CR)) {
          if (row === 0) columns = cells;
          row += 1;
        }
        size = 0;
        cells = 1;
        previous = byte;
        continue;
      } else if (!quoted && byte === COMMA && ++cells > columns)
        throw row === 0
          ? tooLarge(0, 'row', phrase('error.cell.TOO_MANY_COLUMNS', { max: MAX_COLUMNS }))
          : unreadable(row, 'row', 'INVALID_ARGUMENT', phrase('error.cell.MORE_CELLS', { columns }));
      if (++size > MAX_ROW_BYTES) throw tooLarge(row, 'row', ROW_LIMIT);
      previous = byte;
    }
    yield chunk;
  }
}

function csvRow(row: number, record: Record<string, Buffer>, columns: Columns) {
  const out: Record<string, unknown> = {};
  for (const [column, bytes] of Object.entries(record)) {
    const cell = fieldText(bytes, row, column).trim();
    if (cell !== '') out[column] = readCell(columns.get(column)!, cell);
  }
  return out;
}

async function* csvRows(input: Readable, columns: Columns): AsyncGenerator<Record<string, unknown>> {
  const readHeader = header(columns);
  let headed = false;
  const parser = parse({
    encoding: null, // cells as bytes, so that a cell that is not UTF-8 is refused, not read as U+FFFD
    // csv-parse's types say strings; with encoding null the header's cells are bytes too.
    columns: ((cells: Buffer[]) => {
      const names = readHeader(cells);
      headed = true;
      return names;
    }) as unknown as (cells: string[]) => string[],
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n'],
    // With bytes for cells, csv-parse measures the cell being read against this (not the record).
    max_record_size: MAX_FIELD_BYTES,
  });
  // The error reaches the loop below: pipeline destroys the parser with it.
  pipeline(Readable.from(boundedCsv(bytesOf(input))), parser, () => {});
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, Buffer>>)
      yield csvRow((row += 1), record, columns);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The parser reads ahead of this loop: its count of records read says which row failed.
    const at = headed ? Number(error.records) + 1 : 0;
    // In the header, before the names are known, csv-parse numbers the cell instead of naming it.
    const cell = error.column;
    const column = typeof cell === 'string' ? cell : typeof cell === 'number' && !headed ? `column ${cell + 1}` : 'row';
    if (error.code === 'CSV_MAX_RECORD_SIZE') throw tooLarge(at, column, FIELD_LIMIT);
    // More cells than the header are refused before csv-parse reads them (boundedCsv).
    if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS')
      throw unreadable(at, 'row', 'INVALID_ARGUMENT', term('error.cell.FEWER_CELLS'));
    // The CSV reader's own words, quoted within ours.
    throw unreadable(at, column, 'INVALID_ARGUMENT', phrase('error.cell.CSV', { message: error.message }));
  }
}

function jsonRow(row: number, line: Buffer): Record<string, unknown> {
  if (!isUtf8(line)) throw notUtf8(row, 'row');
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch (error) {
    throw unreadable(
      row,
      'row',
      'INVALID_ARGUMENT',
      phrase('error.cell.NOT_JSON', { message: (error as Error).message }),
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw unreadable(
      row,
      'row',
      'INVALID_ARGUMENT',
      phrase('error.cell.NOT_OBJECT', { it: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value }),
    );
  const fields = value as Record<string, unknown>;
  for (const [column, field] of Object.entries(fields))
    if (typeof field === 'string') {
      if (Buffer.byteLength(field) > MAX_FIELD_BYTES) throw tooLarge(row, column, FIELD_LIMIT);
      fields[column] = readText(field);
    }
  return fields;
}

const blank = (line: Buffer) => line.every((byte) => byte === 0x20 || byte === 0x09 || byte === CR);

async function* jsonRows(input: Readable): AsyncGenerator<Record<string, unknown>> {
  let row = 0; // blank lines are not rows
  let parts: Buffer[] = [];
  let size = 0;
  const line = () => {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    size = 0;
    return blank(bytes) ? undefined : jsonRow((row += 1), bytes);
  };
  for await (const chunk of bytesOf(input)) {
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; start = end + 1, end = chunk.indexOf(LF, start)) {
      if (size + end - start > MAX_ROW_BYTES) throw tooLarge(row + 1, 'row', ROW_LIMIT);
      parts.push(chunk.subarray(start, end));
      const fields = line();
      if (fields) yield fields;
    }
    size += chunk.length - start;
    if (size > MAX_ROW_BYTES) throw tooLarge(row + 1, 'row', ROW_LIMIT);
    parts.push(chunk.subarray(start));
  }
  const last = line();
  if (last) yield last;
}

/**
 * The rows of a CSV (header first; cells read as `columns` types them: numbers in plain digits,
 * facts as FACT=true;OTHER=false, empty cells absent) or of JSON Lines (one object a line).
 */
export function importRowsFrom(
  input: Readable,
  format: 'csv' | 'jsonl',
  columns: Columns,
): AsyncGenerator<Record<string, unknown>> {
  return format === 'jsonl' ? jsonRows(input) : csvRows(input, columns);
}
