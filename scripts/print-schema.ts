/**
 * Prints the SDL of the code-first schema to schema/schema.graphql.
 * With --check, fails instead when the committed file differs from the code (CI runs this).
 */
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.js';
import { writeOrCheck } from './generated-file.js';

const file = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
const sdl = `${printSchema(lexicographicSortSchema(schema))}\n`;

writeOrCheck(file, sdl);
