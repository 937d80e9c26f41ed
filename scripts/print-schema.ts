/**
 * Prints the SDL of the code-first schema to schema/schema.graphql.
 * With --check, fails instead when the committed file differs from the code (CI runs this).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.js';

const file = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
const sdl = `${printSchema(lexicographicSortSchema(schema))}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (committed !== sdl) {
    console.error('schema/schema.graphql is stale: run `npm run schema:print` and commit it.');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date.');
} else {
  writeFileSync(file, sdl);
  console.log(`wrote ${file}`);
}
