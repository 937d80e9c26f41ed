import type { Caller } from '../auth/keys.js';
import type { Db } from '../db/client.js';
import type { ExportRunner } from '../exports/jobs.js';
import { createLoaders, type Loaders } from '../loaders/index.js';

export interface Context {
  db: Db;
  loaders: Loaders;
  /** Who is asking: PUBLIC, an AGENCY with its jurisdictions, or an ADMIN (src/auth/keys.ts). */
  caller: Caller;
  /** The server's export runner, told when a job is started; null where none runs (scripts). */
  exports: ExportRunner | null;
}

export function createContext(db: Db, caller: Caller, exports: ExportRunner | null = null): Context {
  return { db, loaders: createLoaders(db), caller, exports };
}
