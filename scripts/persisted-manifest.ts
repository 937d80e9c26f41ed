/**
 * Writes schema/persisted-query-manifest.json: the operations of schema/operations in Apollo's
 * persisted query manifest format, with the bodies Apollo Client really sends (its own tool
 * applies Apollo Client's document transforms, `__typename` on every selection). With --check,
 * fails instead when the committed file differs (CI runs this, as for schema/schema.graphql).
 */
import { relative } from 'node:path';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { APOLLO_MANIFEST_FILE, OPERATIONS_DIR } from '../src/server/persisted.js';
import { writeOrCheck } from './generated-file.js';

const manifest = await generatePersistedQueryManifest(
  { documents: [`${relative(process.cwd(), OPERATIONS_DIR)}/*.graphql`] },
  undefined,
);
// As Apollo's CLI writes it, plus the final newline Prettier keeps.
const text = `${JSON.stringify(manifest, null, 2)}\n`;

writeOrCheck(APOLLO_MANIFEST_FILE, text, `${manifest.operations.length} operations`);
