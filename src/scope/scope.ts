import type { Caller } from './caller.js';
import { defaultPolicySource, type PolicySource } from '../corpus/load.js';
import type { Db } from '../db/client.js';
import { messagesFor, withNames, type Messages } from '../i18n/index.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * What a request tells the export runner (src/exports/jobs.ts), declared here rather than imported
 * from it: the runner builds a scope for every job it runs, so it sits above this layer.
 */
export interface ExportNotifier {
  readonly options: { readonly ttlMs: number };
  /** A job was just started: look for work now rather than at the next poll. */
  kick(): void;
}

export interface Scope {
  db: Db;
  loaders: Loaders;
  /** Who is asking: PUBLIC, an AGENCY with its jurisdictions, or an ADMIN (src/scope/caller.ts). */
  caller: Caller;
  /** The server's export runner, told when a job is started; null where none runs (scripts). */
  exports: ExportNotifier | null;
  /** Aborts, with a TIMEOUT error as its reason, at the request's deadline (src/graphql/limits.ts). */
  signal: AbortSignal;
  /** The server's policy files and what its last load refused; reloadPolicies reads and updates it. */
  policies: PolicySource;
  /**
   * The reader's language: every text of the answer (steps, reasons, explanations, error messages) is
   * rendered in it. Accept-Language, or the operation's @inContext(language:) (src/graphql/language.ts).
   */
  messages: Messages;
}

/** Without a signal (export jobs, scripts) the work has no deadline; without a language it is English. */
export function createScope(
  db: Db,
  caller: Caller,
  exports: ExportNotifier | null = null,
  signal: AbortSignal = new AbortController().signal,
  policies: PolicySource = defaultPolicySource(),
  messages: Messages = messagesFor('en'),
): Scope {
  return { db, loaders: createLoaders(db, signal), caller, exports, signal, policies, messages };
}

/** `messages` (the reader's by default) writing names where the engines wrote codes (椒江区, 国家级), from the corpus the scope holds. */
export const namedMessages = async (scope: Scope, messages: Messages = scope.messages): Promise<Messages> =>
  withNames(messages, await scope.loaders.names());
