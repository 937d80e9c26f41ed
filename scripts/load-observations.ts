/**
 * Loads indicator observations from a CSV (header: indicator,jurisdiction,year,value,source[,supersedes])
 * or a JSON array of the same objects into DATABASE_URL: all rows or none, with a report of every
 * refused row (row number, field, reason).
 *
 * Usage: npm run observations:load -- observations.csv
 */
import { createReadStream, readFileSync } from 'node:fs';
import { parse } from 'csv-parse';
import { createDb } from '../src/db/client.js';
import { closeDatabases, DEFAULT_DATABASE_URL } from '../src/db/url.js';
import { ObservationBatchError, recordObservations } from '../src/observations/record.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run observations:load -- <file.csv|file.json>');
  process.exit(2);
}

/** CSV cells are text: numbers become numbers, an empty cell is absent (validation says what is wrong). */
const typed = (row: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([, cell]) => cell.trim() !== '')
      .map(([key, cell]) => [key, ['year', 'value', 'supersedes'].includes(key) ? Number(cell) : cell.trim()]),
  );

async function readRows(path: string): Promise<unknown[]> {
  if (path.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8')) as unknown[];
  const rows: unknown[] = [];
  for await (const row of createReadStream(path).pipe(parse({ columns: true, bom: true, skip_empty_lines: true })))
    rows.push(typed(row as Record<string, string>));
  return rows;
}

const db = createDb(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
try {
  const ids = await recordObservations(db, await readRows(file), { name: `script:${process.env.USER ?? 'unknown'}` });
  console.log(`${ids.length} observations recorded from ${file}`);
} catch (error) {
  if (!(error instanceof ObservationBatchError)) throw error;
  const header = file.endsWith('.json') ? 0 : 1; // CSV row numbers count the header line
  for (const e of error.errors) console.error(`row ${e.index + 1 + header}: ${e.field}: ${e.code}: ${e.message}`);
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await closeDatabases();
}
