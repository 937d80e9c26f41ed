import type { Caller } from '../auth/keys.js';
import { defaultPolicySource, type PolicySource } from '../corpus/load.js';
import type { Db } from '../db/client.js';
import type { ExportRunner } from '../exports/jobs.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Scope {
  db: Db;
  loaders: Loaders;
  /** Who is asking: PUBLIC, an AGENCY with its jurisdictions, or an ADMIN (src/auth/keys.ts). */
  caller: Caller;
  /** The server's export runner, told when a job is started; null where none runs (scripts). */
  exports: ExportRunner | null;
  /** Aborts, with a TIMEOUT error as its reason, at the request's deadline (src/graphql/limits.ts). */
  signal: AbortSignal;
  /** The server's policy files and what its last load refused; reloadPolicies reads and updates it. */
  policies: PolicySource;
}

/** Without a signal (export jobs, scripts) the work has no deadline. */
export function createScope(
  db: Db,
  caller: Caller,
  exports: ExportRunner | null = null,
  signal: AbortSignal = new AbortController().signal,
  policies: PolicySource = defaultPolicySource(),
): Scope {
  return { db, loaders: createLoaders(db), caller, exports, signal, policies };
}
