/**
 * Writes schema/persisted-query-manifest.json: the operations of schema/operations in Apollo's
 * persisted query manifest format, with the bodies Apollo Client really sends (its own tool
 * applies Apollo Client's document transforms, `__typename` on every selection). With --check,
 * fails instead when the committed file differs (CI runs this, as for schema/schema.graphql).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { APOLLO_MANIFEST_FILE, OPERATIONS_DIR } from '../src/server/persisted.js';

const manifest = await generatePersistedQueryManifest(
  { documents: [`${relative(process.cwd(), OPERATIONS_DIR)}/*.graphql`] },
  undefined,
);
// As Apollo's CLI writes it, plus the final newline Prettier keeps.
const text = `${JSON.stringify(manifest, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(APOLLO_MANIFEST_FILE, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (committed !== text) {
    console.error('schema/persisted-query-manifest.json is stale: run `npm run schema:print` and commit it.');
    process.exit(1);
  }
  console.log(`schema/persisted-query-manifest.json is up to date (${manifest.operations.length} operations).`);
} else {
  writeFileSync(APOLLO_MANIFEST_FILE, text);
  console.log(`wrote ${APOLLO_MANIFEST_FILE} (${manifest.operations.length} operations)`);
}
