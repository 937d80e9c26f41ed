/**
 * Loads indicator observations from a CSV (header: indicator,jurisdiction,year,value,source[,supersedes])
 * (or JSON Lines, or a JSON array) of the same objects into DATABASE_URL: all rows or none, with a report of every
 * refused row (row number, field, reason).
 *
 * Usage: npm run observations:load -- observations.csv
 */
import { createReadStream, readFileSync } from 'node:fs';
import { toolDb } from '../src/db/client.js';
import { closeDatabases } from '../src/db/url.js';
import { observationInput, recordObservations } from '../src/observations/record.js';
import { Refused } from '../src/validation/refusal.js';
import { columnsOf, importRowsFrom, UnreadableInput } from '../src/writes/import-stream.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run observations:load -- <file.csv|file.json>');
  process.exit(2);
}

const format = file.endsWith('.json') ? 'json' : file.endsWith('.jsonl') ? 'jsonl' : 'csv';
const header = format === 'csv' ? 1 : 0; // CSV row numbers count the header line

async function readRows(path: string): Promise<unknown[]> {
  if (format === 'json') return JSON.parse(readFileSync(path, 'utf8')) as unknown[];
  const rows: unknown[] = [];
  for await (const row of importRowsFrom(createReadStream(path), format, columnsOf(observationInput.shape)))
    rows.push(row);
  return rows;
}

const db = await toolDb('record them with the recordObservations mutation');
try {
  const ids = await recordObservations(db, await readRows(file), { name: `script:${process.env.USER ?? 'unknown'}` });
  console.log(`${ids.length} observations recorded from ${file}`);
} catch (error) {
  if (!(error instanceof Refused)) throw error;
  for (const r of error.refusals) console.error(`row ${r.row! + header}: ${r.field}: ${r.code}: ${r.message}`);
  console.error(
    error instanceof UnreadableInput
      ? `${file} cannot be read; nothing was recorded`
      : `${error.refusals.length} observation(s) refused; nothing was recorded`,
  );
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await closeDatabases();
}
