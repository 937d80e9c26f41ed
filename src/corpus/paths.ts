import { fileURLToPath } from 'node:url';

/** The policy files, one per source document. */
export const CORPUS_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));
/** The source documents, beside the project (read-only, used only to check faithfulness). */
export const SEEDS_DIR = process.env.SEEDS_DIR ?? fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
