/** Rows of an import from a stream: CSV with a header, or JSON Lines. Nothing is read ahead of the import. */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** The CSV columns of an achievement that hold numbers. */
export const ACHIEVEMENT_NUMBERS: ReadonlySet<string> = new Set([
  'units',
  'costYuan',
  'budgetYuan',
  'provincialGrantYuan',
  'rank',
]);

/** CSV cells are text: numeric columns become numbers, empty cells are absent, facts read FACT=true;OTHER=false. */
function fromCsv(row: Record<string, string>, numeric: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    const value = cell.trim();
    if (value === '') continue;
    if (column === 'facts')
      out.facts = Object.fromEntries(
        value.split(';').map((pair) => {
          const [fact, flag] = pair.split('=');
          return [fact!.trim(), flag?.trim() === 'true'];
        }),
      );
    else out[column] = numeric.has(column) ? Number(value) : value;
  }
  return out;
}

export async function* importRowsFrom(
  input: Readable,
  format: 'csv' | 'jsonl',
  numeric: ReadonlySet<string> = ACHIEVEMENT_NUMBERS,
): AsyncGenerator<Record<string, unknown>> {
  if (format === 'jsonl') {
    for await (const line of createInterface({ input }))
      if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
    return;
  }
  for await (const row of input.pipe(parse({ columns: true, bom: true, skip_empty_lines: true })))
    yield fromCsv(row as Record<string, string>, numeric);
}
