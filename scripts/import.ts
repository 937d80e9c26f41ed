/**
 * Imports enterprises or achievements from CSV (with a header) or JSON Lines, streamed in batches
 * of --batch rows (default 2000), each written whole in one transaction or not at all. Prints one
 * line per committed batch; on a bad batch prints every problem (row, column, reason) and stops.
 * CSV cells: numbers in plain digits, empty cells absent, facts as FACT=true;OTHER=false (src/writes/import-stream.ts).
 *
 * Usage: npm run import -- --type enterprises|achievements [--batch 2000] <file.csv|file.jsonl>
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { toolDb } from '../src/db/client.js';
import { closeDatabases } from '../src/db/url.js';
import { IMPORT_COLUMNS, ImportRefused, importRows, type ImportKind } from '../src/writes/import.js';
import { importRowsFrom } from '../src/writes/import-stream.js';

const { values, positionals } = parseArgs({
  options: { type: { type: 'string' }, batch: { type: 'string', default: '2000' } },
  allowPositionals: true,
});
const kind = values.type as ImportKind;
const file = positionals[0];
if (!file || (kind !== 'enterprises' && kind !== 'achievements')) {
  console.error('usage: npm run import -- --type enterprises|achievements [--batch 2000] <file.csv|file.jsonl>');
  process.exit(2);
}

const db = await toolDb(`import it with POST /import/${kind} on the running server`);
let rows = 0;
try {
  for await (const committed of importRows(
    db,
    { name: `import:${process.env.USER ?? 'unknown'}` },
    kind,
    importRowsFrom(createReadStream(file), file.endsWith('.jsonl') ? 'jsonl' : 'csv', IMPORT_COLUMNS[kind]),
    Number(values.batch),
  )) {
    rows = committed.lastRow;
    console.log(`batch ${committed.batch} committed: rows ${committed.firstRow}-${committed.lastRow}`);
  }
  console.log(`${rows} ${kind} imported from ${file}`);
} catch (error) {
  if (!(error instanceof ImportRefused)) throw error;
  for (const r of error.refusals) console.error(`row ${r.row}: ${r.field}: ${r.code}: ${r.message}`);
  console.error(`${error.message}; ${rows} rows were imported before it`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await closeDatabases();
}
