import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaClient } from '../generated/prisma/client.js';
import { DirectoryHeld } from './directory-lock.js';
import { createAdapter, DEFAULT_DATABASE_URL, ensurePgliteTemplate } from './url.js';

export type Db = PrismaClient;

/**
 * Counts the SQL statements issued inside a scope (one GraphQL request, one benchmark step),
 * so what a request costs is measured, not guessed.
 */
export const statementScope = new AsyncLocalStorage<{ count: number }>();

export function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const scope = { count: 0 };
  return statementScope.run(scope, async () => ({ result: await work(), statements: scope.count }));
}

/** `statementTimeoutMs`: PostgreSQL's statement_timeout for every session (see createAdapter). */
export function createDb(databaseUrl: string, options: { statementTimeoutMs?: number } = {}): Db {
  const db = new PrismaClient({
    adapter: createAdapter(databaseUrl, options),
    log: [{ emit: 'event', level: 'query' }],
  });
  db.$on('query', () => {
    const scope = statementScope.getStore();
    if (scope) scope.count += 1;
  });
  return db;
}

/**
 * The database of a command-line tool: DATABASE_URL, the embedded one by default. When another
 * process (a running server) holds the embedded directory, the tool leaves it untouched and exits
 * saying what to do instead: `instead`, e.g. the mutation that does the same on the running server.
 */
export async function toolDb(instead?: string): Promise<Db> {
  await ensurePgliteTemplate(); // a new embedded database starts from it (1.5 s, not 5-9 s)
  try {
    return createDb(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  } catch (error) {
    if (!(error instanceof DirectoryHeld)) throw error;
    const stop = error.holder.server ? 'stop the server' : 'wait until it ends';
    console.error(`${error.message}: ${instead ? `${instead}, or ${stop}` : stop}`);
    process.exit(1);
  }
}
