import type { Caller } from '../auth/keys.js';
import type { Db } from '../db/client.js';
import { createLoaders, type Loaders } from '../loaders/index.js';

export interface Context {
  db: Db;
  loaders: Loaders;
  /** Who is asking: PUBLIC, an AGENCY with its jurisdictions, or an ADMIN (src/auth/keys.ts). */
  caller: Caller;
}

export function createContext(db: Db, caller: Caller): Context {
  return { db, loaders: createLoaders(db), caller };
}
